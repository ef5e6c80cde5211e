"""One audit run: `run_scenario` with the audited agent (gold) or with none (untouched)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from runloop_nb.audit._table import RunKind, RunOutcome
from runloop_nb.running import run_scenario

if TYPE_CHECKING:
    from runloop_nb.client import RunloopClient
    from runloop_nb.stepping import Agent
    from runloop_nb.wire import ScenarioView

METADATA_KEY = "runloop_nb.audit"


async def audit_run(
    client: RunloopClient, scenario: ScenarioView, kind: RunKind, attempt: int, agent: Agent
) -> RunOutcome:
    """Run `scenario` once: with `agent` when `kind` is `gold`, untouched otherwise.

    Never raises for a failed run: the failure is the outcome's `error`. Every run that was
    started ends completed or cancelled (`run_scenario`), also when this task is cancelled.
    """
    try:
        outcome = await run_scenario(
            client,
            scenario,
            agent if kind == "gold" else None,
            run_name=f"audit {kind} {scenario.name} #{attempt}",
            metadata={METADATA_KEY: kind},
        )
    except Exception as exc:  # the run could not start; the other runs of the audit go on
        return RunOutcome(scenario.id, kind, None, _describe(exc))
    failure = outcome.agent_error or outcome.error
    return RunOutcome(scenario.id, kind, outcome.score, _describe(failure) if failure else None)


def _describe(exc: BaseException) -> str:
    text = str(exc).strip() or repr(exc)
    return f"{type(exc).__name__}: {text}"
