"""One audit run: start a scenario run, maybe apply the reference, score it, complete it."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

from runloop_nb.audit._table import RunKind, RunOutcome
from runloop_nb.stepping import ReferenceAgent
from runloop_nb.wire import DEFAULT_SCORER_TIMEOUT_SEC

if TYPE_CHECKING:
    from runloop_nb.client import RunloopClient
    from runloop_nb.wire import ScenarioView

METADATA_KEY = "runloop_nb.audit"
# Scoring may take the scenario's whole scorer timeout; the wait gets this much on top.
_SCORING_MARGIN_SECONDS = 60.0


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
    scored = await client.api.scenarios.runs.score_and_await(
        run_id, timeout_seconds=budget + _SCORING_MARGIN_SECONDS
    )
    result = scored.scoring_contract_result
    if result is None:
        raise ValueError(f"scenario run {run_id} is scored but has no scoring_contract_result")
    return result.score


async def _cancel_quietly(client: RunloopClient, run_id: str) -> None:
    # Best effort: the run failed already and that error is what the audit reports.
    with contextlib.suppress(Exception):
        await client.api.scenarios.runs.cancel(run_id)


def _describe(exc: BaseException) -> str:
    text = str(exc).strip() or repr(exc)
    return f"{type(exc).__name__}: {text}"
