"""Built-in step agents (`ScriptedAgent`, `ReplayAgent`) and `WholeRunAgent`, which runs any
step agent as a whole-run `Agent` (for `run_scenario`, the audit and the launcher)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from runloop_nb.errors import StepperError
from runloop_nb.stepping._protocol import Action, Observation, StepAgent
from runloop_nb.stepping._step import Step
from runloop_nb.stepping._terminal import Terminal
from runloop_nb.stepping._trajectory import Trajectory, load

if TYPE_CHECKING:
    from runloop_nb.client import Devbox
    from runloop_nb.wire import ScenarioView


class ScriptedAgent:
    """Proposes a fixed list of actions in order (a string is a shell command), then is done.

    Each proposal is consumed whether it was approved, edited, skipped or rejected: a script
    cannot react to feedback.
    """

    name = "scripted"

    def __init__(self, actions: Iterable[str | Action]) -> None:
        self.actions = [a if isinstance(a, Action) else Action.run(a) for a in actions]
        self._next = 0

    async def next_action(self, observation: Observation) -> Action | None:
        """The next action of the script (None after the last)."""
        if self._next >= len(self.actions):
            return None
        self._next += 1
        return self.actions[self._next - 1]

    def __repr__(self) -> str:
        return f"ScriptedAgent({len(self.actions)} actions, {self._next} proposed)"


class ReplayAgent(ScriptedAgent):
    """Proposes the actions of a recorded trajectory (every step, the agent's and the person's,
    as they finally ran), optionally only the first `steps` of them."""

    name = "replay"

    def __init__(self, trajectory: str | Path | Trajectory, *, steps: int | None = None) -> None:
        loaded = trajectory if isinstance(trajectory, Trajectory) else load(trajectory)
        records = loaded.steps if steps is None else loaded.steps[:steps]
        super().__init__(Step.from_dict(record).action for record in records)
        self.trajectory = loaded

    def __repr__(self) -> str:
        return f"ReplayAgent({self.trajectory.path}, {len(self.actions)} actions)"


class WholeRunAgent:
    """Runs a step agent to the end as a whole-run `Agent`: every proposal is run (no diffs are
    taken), as in a terminal, until the agent is done or `max_steps` were run.

    Raises (from `run`):
        StepperError: the agent was still going after `max_steps` steps.
    """

    def __init__(self, agent: StepAgent, *, max_steps: int = 100) -> None:
        self.agent = agent
        self.max_steps = max_steps
        self.name = str(getattr(agent, "name", type(agent).__name__))

    async def run(self, devbox: Devbox, scenario: ScenarioView) -> None:
        """Work on `scenario` in `devbox` with the step agent."""
        environment = scenario.environment
        directory = (environment.working_directory if environment else None) or "/home/user"
        terminal = Terminal(devbox, directory, track_files=False)
        await terminal.start()
        steps: list[Step] = []
        while len(steps) < self.max_steps:
            observation = Observation(
                scenario.input_context.problem_statement, directory, tuple(steps), (), scenario
            )
            action = await self.agent.next_action(observation)
            if action is None:
                return
            done = await terminal.execute(action)
            steps.append(Step(
                step=len(steps) + 1, who="agent", action=action, exit_code=done.exit_code,
                duration_s=done.duration_s, cwd=done.cwd, cwd_after=done.cwd_after,
                stdout=done.stdout, stderr=done.stderr, stdout_truncated=done.stdout_truncated,
                stderr_truncated=done.stderr_truncated, execution_id=done.execution_id,
                changes=[], started_at=datetime.now(UTC).isoformat(timespec="seconds"),
            ))  # fmt: skip
        raise StepperError(
            f"{self.name} was still working after {self.max_steps} steps; raise max_steps or "
            "step it with a Stepper to see what it is doing."
        )

    def __repr__(self) -> str:
        return f"WholeRunAgent({self.agent!r}, max_steps={self.max_steps})"
