"""One audit run: start a scenario run, maybe apply the reference, score it, complete it."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import TYPE_CHECKING

from runloop_nb.audit._table import RunKind, RunOutcome
from runloop_nb.errors import PollingTimeoutError, UnexpectedStateError
from runloop_nb.stepping import ReferenceAgent
from runloop_nb.wire import DEFAULT_SCORER_TIMEOUT_SEC

if TYPE_CHECKING:
    from runloop_nb.client import RunloopClient
    from runloop_nb.wire import ScenarioRunView, ScenarioView

METADATA_KEY = "runloop_nb.audit"
# Scoring may take the scenario's whole scorer timeout; the wait gets this much on top.
_SCORING_MARGIN_SECONDS = 60.0
_FIRST_POLL_SECONDS = 0.02
_LAST_POLL_SECONDS = 1.0


async def audit_run(
    client: RunloopClient, scenario: ScenarioView, kind: RunKind, attempt: int
) -> RunOutcome:
    """Run `scenario` once, applying its reference first when `kind` is `gold`.

    Never raises for a failed run: the failure is the outcome's `error`. Every run that was
    started ends completed or cancelled, also when this task is cancelled.
    """
    runs = client.api.scenarios.runs
    run = None
    finished = False
    try:
        run = await client.api.scenarios.start_run(
            scenario_id=scenario.id,
            run_name=f"audit {kind} {scenario.name} #{attempt}",
            metadata={METADATA_KEY: kind},
        )
        score = await _work_and_score(client, scenario, kind, run.id, run.devbox_id)
        await runs.complete(run.id)
        finished = True
        return RunOutcome(scenario.id, kind, score)
    except Exception as exc:  # one failed run must not stop the audit of the others
        return RunOutcome(scenario.id, kind, None, _describe(exc))
    finally:
        if run is not None and not finished:
            await asyncio.shield(_cancel_quietly(client, run.id))


async def _work_and_score(
    client: RunloopClient, scenario: ScenarioView, kind: RunKind, run_id: str, devbox_id: str
) -> float:
    devbox = client.devbox.from_id(devbox_id)
    await devbox.await_running()
    if kind == "gold":
        await ReferenceAgent().run(devbox, scenario)
    budget = float(scenario.scorer_timeout_sec or DEFAULT_SCORER_TIMEOUT_SEC)
    scored = await score_and_wait(client, run_id, budget + _SCORING_MARGIN_SECONDS)
    result = scored.scoring_contract_result
    if result is None:
        raise ValueError(f"scenario run {run_id} is scored but has no scoring_contract_result")
    return result.score


async def score_and_wait(client: RunloopClient, run_id: str, budget: float) -> ScenarioRunView:
    """`score`, then poll the run until scoring ends, as `score_and_await` does, but with a
    backoff from 20 ms to 1 s: most scorers finish in well under a second, and a fixed 1 s poll
    would dominate an audit of many quick scenarios.

    Raises:
        UnexpectedStateError: scoring ended in a state other than `scored` (e.g. `failed`).
        PollingTimeoutError: still scoring after `budget` seconds.
    """
    runs = client.api.scenarios.runs
    run = await runs.score(run_id)
    deadline = time.monotonic() + budget
    delay = _FIRST_POLL_SECONDS
    while run.state == "scoring":
        if time.monotonic() >= deadline:
            raise PollingTimeoutError(
                f"scenario run {run_id} to be scored", last_state=run.state, budget_seconds=budget
            )
        await asyncio.sleep(delay)
        delay = min(delay * 2, _LAST_POLL_SECONDS)
        run = await runs.retrieve(run_id)
    if run.state != "scored":
        raise UnexpectedStateError(
            f"scenario run {run_id} to be scored",
            state=run.state,
            expected="scored",
            detail=_scorer_errors(run),
        )
    return run


def _scorer_errors(run: ScenarioRunView) -> str | None:
    result = run.scoring_contract_result
    if result is None:
        return None
    failed = [r for r in result.scoring_function_results if r.state == "error"]
    text = "; ".join(f"{r.scoring_function_name}: {r.output.strip()[-300:]}" for r in failed)
    return text or None


async def _cancel_quietly(client: RunloopClient, run_id: str) -> None:
    # Best effort: the run failed already and that error is what the audit reports.
    with contextlib.suppress(Exception):
        await client.api.scenarios.runs.cancel(run_id)


def _describe(exc: BaseException) -> str:
    text = str(exc).strip() or repr(exc)
    return f"{type(exc).__name__}: {text}"
