"""The Stepper: one scenario run driven one step at a time by an agent, a person, or both.

```python
stepper = await Stepper.start(client, scenario_id, ScriptedAgent([...]), trajectory="t.jsonl")
action = await stepper.propose()     # the agent's next action (None: it is done)
await stepper.approve()              # or edit(...), skip(), reject("why")
await stepper.run("python3 -m pytest -x")   # a person's step
await stepper.preview_score()        # non-final, recorded on the last step
await stepper.score(); await stepper.complete()
```

Modes: ``manual`` (the agent proposes only when asked, every proposal waits for a decision),
``confirm`` (`run_agent()` proposes and stops at each proposal), ``auto`` (`run_agent()` approves
every proposal whose command matches one of the `allow` patterns -- all of them when `allow` is
None -- and stops at the first that does not).

Interrupt safety: a step is recorded only once it is whole. When a step is interrupted (Kernel ->
Interrupt, a cancelled task, an error), the command is killed (the client's `exec` does that),
the terminal re-reads the devbox's state (bounded, immune to the interrupt) and an `interrupted`
event (not a step) records what the killed command changed, so the next step's diff starts from
what is really there. The run stays `running`; `cancel()` ends it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from runloop_nb._shield import shielded
from runloop_nb.errors import StepperError
from runloop_nb.stepping._diff import FileChange
from runloop_nb.stepping._preview import ScorePreview, preview_score
from runloop_nb.stepping._protocol import Action, Observation, StepAgent
from runloop_nb.stepping._step import Step, Who
from runloop_nb.stepping._terminal import Terminal
from runloop_nb.stepping._trajectory import TrajectoryWriter
from runloop_nb.wire import DEFAULT_SCORER_TIMEOUT_SEC

if TYPE_CHECKING:
    from runloop_nb.client import RunloopClient
    from runloop_nb.wire import ScenarioRunView, ScenarioView, ScoringContractResultView

Mode = Literal["manual", "confirm", "auto"]
_RESYNC_SECONDS = 30.0
_CANCEL_SECONDS = 15.0


class Stepper:
    """Drives one scenario run step by step; see the module docstring. Build with `start()`
    (a new run) or `attach()` (a running one)."""

    def __init__(
        self,
        client: RunloopClient,
        run: ScenarioRunView,
        scenario: ScenarioView,
        agent: StepAgent | None,
        *,
        mode: Mode = "confirm",
        allow: Sequence[str] | None = None,
        trajectory: str | Path | None = None,
        command_timeout: float | None = None,
        forked_from: dict[str, Any] | None = None,
    ) -> None:
        if mode not in ("manual", "confirm", "auto"):
            raise ValueError(f"mode is 'manual', 'confirm' or 'auto' (got {mode!r})")
        self.client = client
        self.run_view = run
        self.scenario = scenario
        self.agent = agent
        self.mode: Mode = mode
        self.allow = [re.compile(pattern) for pattern in allow] if allow is not None else None
        self.command_timeout = command_timeout
        self.steps: list[Step] = []
        self.pending: Action | None = None
        self.agent_done = False
        self.finished = False
        self.working_directory = _working_directory(scenario)
        self.devbox = client.devbox.from_id(run.devbox_id)
        self.terminal = Terminal(self.devbox, self.working_directory)
        self._feedback: list[str] = []
        self._stale = False
        self._writer = TrajectoryWriter(
            trajectory or Path(f"trajectory-{run.id}.jsonl"),
            {
                "scenario_id": scenario.id,
                "scenario_name": scenario.name,
                "run_id": run.id,
                "devbox_id": run.devbox_id,
                "working_directory": self.working_directory,
                "problem_statement": scenario.input_context.problem_statement,
                "agent": _agent_name(agent),
                "started_at": _now(),
                "forked_from": forked_from,
            },
        )

    # -- building ------------------------------------------------------------------------------

    @classmethod
    async def start(
        cls,
        client: RunloopClient,
        scenario_id: str,
        agent: StepAgent | None = None,
        *,
        run_name: str | None = None,
        **options: Any,
    ) -> Stepper:
        """Start a new run of `scenario_id`, wait for its devbox, and return its Stepper.

        `options`: `mode`, `allow`, `trajectory` (the JSONL path; default
        `trajectory-<run id>.jsonl` in the current directory), `command_timeout` (seconds).
        """
        scenarios = client.api.scenarios
        run = await scenarios.start_run(scenario_id=scenario_id, run_name=run_name)
        try:
            stepper = cls(client, run, run.scenario or await scenarios.retrieve(scenario_id),
                          agent, **options)  # fmt: skip
            await stepper.devbox.await_running()
            await stepper.terminal.start()
        except BaseException:
            await shielded(scenarios.runs.cancel(run.id), what=f"cancelling run {run.id}",
                           timeout=_CANCEL_SECONDS)  # fmt: skip
            raise
        return stepper

    @classmethod
    async def attach(
        cls, client: RunloopClient, run_id: str, agent: StepAgent | None = None, **options: Any
    ) -> Stepper:
        """A Stepper for a run that is already `running` (its earlier work is not recorded)."""
        run = await client.api.scenarios.runs.retrieve(run_id)
        if run.state != "running":
            raise StepperError(
                f"Scenario run {run_id} is {run.state!r}; only a running run can be stepped."
            )
        scenario = run.scenario or await client.api.scenarios.retrieve(run.scenario_id)
        stepper = cls(client, run, scenario, agent, **options)
        await stepper.devbox.await_running()
        await stepper.terminal.start()
        return stepper

    # -- the agent -----------------------------------------------------------------------------

    def observation(self) -> Observation:
        """What the agent sees now."""
        return Observation(
            problem_statement=self.scenario.input_context.problem_statement,
            working_directory=self.working_directory,
            steps=tuple(self.steps),
            feedback=tuple(self._feedback),
            scenario=self.scenario,
        )

    async def propose(self) -> Action | None:
        """Ask the agent for its next action and hold it as `pending` (None: the agent is done)."""
        self._check_open()
        if self.agent is None:
            raise StepperError("This Stepper has no agent: run commands with run(...) instead.")
        if self.pending is None:
            self.pending = await self.agent.next_action(self.observation())
            self.agent_done = self.pending is None
        return self.pending

    async def approve(self) -> Step:
        """Run the pending proposal as the agent's step."""
        action = self._take_pending()
        return await self._record(action, "agent")

    async def edit(self, change: str | Action) -> Step:
        """Run an edited version of the pending proposal (a new command, or a whole Action)."""
        original = self._take_pending()
        edited = change if isinstance(change, Action) else Action.run(change, original.thought)
        return await self._record(edited, "agent", edited_from=original)

    async def skip(self) -> None:
        """Drop the pending proposal; the agent is told it was skipped."""
        action = self._take_pending()
        self._feedback.append(f"Your action was skipped, not run: {action.describe()}")
        self._event("skipped", action=action.to_dict())

    async def reject(self, message: str) -> None:
        """Drop the pending proposal and give the agent `message` (why, what to do instead)."""
        action = self._take_pending()
        self._feedback.append(f"Your action was rejected: {action.describe()}\n{message}")
        self._event("rejected", action=action.to_dict(), message=message)

    async def run_agent(self, max_steps: int = 50) -> list[Step]:
        """Let the agent work (mode ``confirm``: propose once; ``auto``: approve allowed
        proposals). Stops when the agent is done, a proposal waits for a decision, or after
        `max_steps` steps; the steps it ran are returned."""
        if self.mode == "manual":
            raise StepperError("In manual mode every proposal waits: use propose() and approve().")
        ran: list[Step] = []
        while len(ran) < max_steps:
            action = await self.propose()
            if action is None or self.mode == "confirm" or not self._allowed(action):
                break
            ran.append(await self.approve())
        return ran

    # -- a person ------------------------------------------------------------------------------

    async def run(self, command: str, thought: str = "") -> Step:
        """Run `command` as a person's step (any pending proposal stays pending)."""
        return await self._record(Action.run(command, thought), "human")

    async def write_file(self, path: str, contents: str) -> Step:
        """Write a file as a person's step (relative paths: to the current directory)."""
        return await self._record(Action.write(path, contents), "human")

    async def output(self, step: Step | int, kind: Literal["stdout", "stderr"] = "stdout") -> str:
        """The whole output of a step (the record keeps only its end)."""
        record = step if isinstance(step, Step) else self.steps[step - 1]
        stream = self.client.api.devboxes.executions.stream_updates(
            record.execution_id, devbox_id=self.devbox.id, kind=kind
        )
        return "".join([chunk.output async for chunk in stream])

    # -- scoring -------------------------------------------------------------------------------

    async def preview_score(self) -> ScorePreview:
        """Run the scorers as a non-final check (see `_preview`) and record the score on the
        last step (the score curve); the run is not scored."""
        self._check_open()
        await self._resync_if_stale()
        preview = await preview_score(self.devbox, self.scenario, self.working_directory)
        if self.steps:
            last = self.steps[-1]
            last.preview_score, last.preview = preview.score, preview.to_dict()
            self._writer.update_step(last.step, preview_score=preview.score, preview=last.preview)
        else:
            self._event("previewed", score=preview.score, preview=preview.to_dict())
        return preview

    async def score(self) -> ScoringContractResultView:
        """Score the run the official way and wait for the result (the run is then `scored`)."""
        self._check_open()
        runs = self.client.api.scenarios.runs
        budget = float(self.scenario.scorer_timeout_sec or DEFAULT_SCORER_TIMEOUT_SEC) + 60.0
        await runs.score(self.run_view.id)
        self.run_view = await runs.await_scored(self.run_view.id, timeout_seconds=budget)
        result = self.run_view.scoring_contract_result
        if result is None:
            raise StepperError(f"Run {self.run_view.id} is scored but carries no result.")
        self._event("scored", score=result.score)
        return result

    async def complete(self) -> ScenarioRunView:
        """Complete the run (score it first with `score()` to have a score)."""
        self.run_view = await self.client.api.scenarios.runs.complete(self.run_view.id)
        self.finished = True
        self._event("completed", state=self.run_view.state)
        return self.run_view

    async def cancel(self) -> ScenarioRunView:
        """Cancel the run (its devbox shuts down)."""
        self.run_view = await self.client.api.scenarios.runs.cancel(self.run_view.id)
        self.finished = True
        self._event("cancelled", state=self.run_view.state)
        return self.run_view

    @property
    def trajectory_path(self) -> Path:
        """The JSONL file this Stepper appends to."""
        return self._writer.path

    @property
    def preview_curve(self) -> list[tuple[int, float | None]]:
        """(step, preview score) of every step that has a preview."""
        return [(s.step, s.preview_score) for s in self.steps if s.preview is not None]

    # -- inside --------------------------------------------------------------------------------

    async def _record(
        self,
        action: Action,
        who: Who,
        *,
        edited_from: Action | None = None,
        replayed_from: int | None = None,
    ) -> Step:
        self._check_open()
        await self._resync_if_stale()
        started_at = _now()
        try:
            done = await self.terminal.execute(action, timeout=self.command_timeout)
        except BaseException as exc:
            await self._after_interruption(action, exc)
            raise
        step = Step(
            step=len(self.steps) + 1,
            who=who,
            action=action,
            exit_code=done.exit_code,
            duration_s=done.duration_s,
            cwd=done.cwd,
            cwd_after=done.cwd_after,
            stdout=done.stdout,
            stderr=done.stderr,
            stdout_truncated=done.stdout_truncated,
            stderr_truncated=done.stderr_truncated,
            execution_id=done.execution_id,
            changes=done.changes,
            started_at=started_at,
            env_changed=sorted(self.terminal.env_changes),
            edited_from=edited_from,
            replayed_from=replayed_from,
        )
        self.steps.append(step)
        self._feedback = []
        self._writer.append(step.to_dict())
        return step

    async def _after_interruption(self, action: Action, exc: BaseException) -> None:
        self._stale = True
        changes = await shielded(self.terminal.look(), what="re-reading the devbox after an "
                                 "interrupted step", timeout=_RESYNC_SECONDS)  # fmt: skip
        if changes is not None:
            self._stale = False
        self._event(
            "interrupted",
            action=action.to_dict(),
            error=f"{type(exc).__name__}: {exc}",
            files_changed=None if changes is None else [c.path for c in changes],
            changes=None if changes is None else [c.to_dict() for c in changes],
        )

    async def _resync_if_stale(self) -> None:
        if self._stale:
            changes: list[FileChange] = await self.terminal.look()
            self._stale = False
            self._event("resynced", files_changed=[c.path for c in changes],
                        changes=[c.to_dict() for c in changes])  # fmt: skip

    def _take_pending(self) -> Action:
        if self.pending is None:
            raise StepperError("No proposal is pending: call propose() first.")
        action, self.pending = self.pending, None
        return action

    def _allowed(self, action: Action) -> bool:
        if self.allow is None:
            return True
        return action.kind == "command" and any(p.match(action.command or "") for p in self.allow)

    def _check_open(self) -> None:
        if self.finished:
            raise StepperError(
                f"Run {self.run_view.id} has ended ({self.run_view.state}); fork() it to go on."
            )

    def _event(self, event: str, **fields: Any) -> None:
        self._writer.append({"type": "event", "event": event, "after_step": len(self.steps),
                             "at": _now(), **fields})  # fmt: skip

    def __repr__(self) -> str:
        pending = f", pending={self.pending.describe()[:40]!r}" if self.pending else ""
        return (
            f"Stepper(run={self.run_view.id!r}, scenario={self.scenario.name!r}, "
            f"steps={len(self.steps)}, mode={self.mode!r}{pending})"
        )


def _working_directory(scenario: ScenarioView) -> str:
    environment = scenario.environment
    directory = environment.working_directory if environment is not None else None
    return directory or "/home/user"


def _agent_name(agent: object) -> str | None:
    if agent is None:
        return None
    return str(getattr(agent, "name", None) or type(agent).__name__)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")
