"""run_scenario(): one agent on one scenario, from start to completed or cancelled."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from runloop_nb._shield import shielded
from runloop_nb.errors import RunloopNBError
from runloop_nb.wire import DEFAULT_SCORER_TIMEOUT_SEC, ScenarioView

if TYPE_CHECKING:
    from runloop_nb.client import PollingConfig, RunloopClient
    from runloop_nb.client._scenario_runs import ScenarioRuns
    from runloop_nb.stepping import Agent
    from runloop_nb.wire import RunProfile, ScenarioRunView, ScoringContractResultView

# Scoring may take the scenario's whole scorer timeout; the wait gets this much on top.
_SCORING_MARGIN_SECONDS = 60.0
# How long an interrupted run may take to cancel before we give up on it (the server's
# keep-alive reaper ends the devbox eventually anyway).
_CANCEL_SECONDS = 15.0


@dataclass(frozen=True)
class ScenarioOutcome:
    """How one run of one scenario ended.

    Attributes:
        run: the run's last view: `completed` when it was scored, else usually `canceled`
            (or `failed` / `timeout` when the server ended it first).
        scenario: the scenario that was run.
        score: the total score, None when the run was not scored.
        scoring: the score of each scoring function (None when not scored).
        agent_error: what the agent raised (the run was cancelled, not scored).
        error: the first failure that was not the agent's: the devbox did not start, a scorer
            failed, the server refused a step.
    """

    run: ScenarioRunView
    scenario: ScenarioView
    score: float | None
    scoring: ScoringContractResultView | None = None
    agent_error: BaseException | None = None
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        """True when the run was scored and completed, whatever its score."""
        return self.agent_error is None and self.error is None and self.score is not None

    @property
    def run_id(self) -> str:
        """The scenario run's id."""
        return self.run.id

    def __repr__(self) -> str:
        failure = self.agent_error or self.error
        why = f", {type(failure).__name__}: {failure}" if failure is not None else ""
        return (
            f"ScenarioOutcome({self.scenario.name!r}, run={self.run.id!r}, "
            f"state={self.run.state!r}, score={self.score}{why})"
        )


async def run_scenario(
    client: RunloopClient,
    scenario_id: str | ScenarioView,
    agent: Agent | None = None,
    *,
    benchmark_run_id: str | None = None,
    run_name: str | None = None,
    metadata: Mapping[str, str] | None = None,
    run_profile: RunProfile | Mapping[str, Any] | None = None,
    polling: PollingConfig | None = None,
    on_start: Callable[[ScenarioRunView], None] | None = None,
) -> ScenarioOutcome:
    """Run `agent` on one scenario: start a run, await its devbox, let the agent work, score,
    await the score and complete the run.

    ```python
    outcome = await run_scenario(client, "scn_...", ReferenceAgent())
    outcome.score, outcome.run.state      # 1.0, 'completed'
    ```

    When anything after the start fails (the devbox, the agent, scoring) the run is cancelled
    and the failure is returned on the outcome, not raised, so a loop over many scenarios goes
    on. When the task itself is cancelled (Kernel -> Interrupt, `asyncio.wait_for`) the run is
    cancelled too (bounded, shielded) and the cancellation is re-raised.

    Args:
        client: the client to run with (cloud or local server).
        scenario_id: the scenario's id, or its view (saves a request).
        agent: anything with `async run(devbox, scenario)` (see `runloop_nb.stepping.Agent`);
            None leaves the devbox untouched, which scores what the scenario starts with.
        benchmark_run_id: the benchmark run this scenario run belongs to.
        run_name / metadata / run_profile: passed on to `start_run`.
        polling: budgets of the devbox wait (scoring gets the scenario's scorer timeout plus a
            minute).
        on_start: called with the run as soon as it is started (a progress view watches it).

    Raises:
        APIError: the scenario could not be read or the run could not be started (then no
            run exists).
    """
    scenarios = client.api.scenarios
    scenario = (
        scenario_id
        if isinstance(scenario_id, ScenarioView)
        else await scenarios.retrieve(scenario_id)
    )
    started = await scenarios.start_run(
        scenario_id=scenario.id,
        benchmark_run_id=benchmark_run_id,
        run_name=run_name,
        metadata=metadata,
        run_profile=run_profile,
    )
    try:
        if on_start is not None:
            on_start(started)
        return await _drive(client, started, scenario, agent, polling)
    except BaseException:  # cancelled, interrupted, or a bug: the run must not stay alive
        await shielded(
            scenarios.runs.cancel(started.id),
            what=f"cancelling scenario run {started.id}",
            timeout=_CANCEL_SECONDS,
        )
        raise


async def _drive(
    client: RunloopClient,
    run: ScenarioRunView,
    scenario: ScenarioView,
    agent: Agent | None,
    polling: PollingConfig | None,
) -> ScenarioOutcome:
    runs = client.api.scenarios.runs
    devbox = client.devbox.from_id(run.devbox_id)
    try:
        await devbox.await_running(polling=polling)
    except Exception as exc:
        return await _give_up(runs, run, scenario, error=exc)
    if agent is not None:
        try:
            await agent.run(devbox, scenario)
        except Exception as exc:
            return await _give_up(runs, run, scenario, agent_error=exc)
    try:
        scoring = await _score(runs, run.id, scenario, polling)
        final = await runs.complete(run.id)
    except Exception as exc:
        return await _give_up(runs, run, scenario, error=exc)
    return ScenarioOutcome(final, scenario, scoring.score, scoring)


async def _score(
    runs: ScenarioRuns, run_id: str, scenario: ScenarioView, polling: PollingConfig | None
) -> ScoringContractResultView:
    budget = float(scenario.scorer_timeout_sec or DEFAULT_SCORER_TIMEOUT_SEC)
    await runs.score(run_id)
    scored = await runs.await_scored(
        run_id, polling=polling, timeout_seconds=budget + _SCORING_MARGIN_SECONDS
    )
    if scored.scoring_contract_result is None:
        raise RunloopNBError(
            f"scenario run {run_id} is scored but its view has no scoring_contract_result; "
            "the server does not follow the Runloop contract."
        )
    return scored.scoring_contract_result


async def _give_up(
    runs: ScenarioRuns,
    run: ScenarioRunView,
    scenario: ScenarioView,
    *,
    error: BaseException | None = None,
    agent_error: BaseException | None = None,
) -> ScenarioOutcome:
    # Cancel; if the server ended the run itself (devbox failed, scoring failed), cancel is
    # refused and the run's own view is the truth.
    final = await shielded(
        runs.cancel(run.id), what=f"cancelling scenario run {run.id}", timeout=_CANCEL_SECONDS
    )
    if final is None:
        final = await shielded(
            runs.retrieve(run.id), what=f"reading scenario run {run.id}", timeout=_CANCEL_SECONDS
        )
    return ScenarioOutcome(final or run, scenario, None, error=error, agent_error=agent_error)
