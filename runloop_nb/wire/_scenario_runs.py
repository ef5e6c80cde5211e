"""Scenario run models: the run view, its states and its scoring results."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field

from runloop_nb.wire._base import WireModel
from runloop_nb.wire._display import Displayed
from runloop_nb.wire._scenarios import ScenarioView

ScenarioRunState = Literal[
    "running", "scoring", "scored", "completed", "canceled", "timeout", "failed"
]
# `scored` is stable but not terminal: the devbox is still alive until complete or cancel.
SCENARIO_RUN_TERMINAL_STATES: tuple[ScenarioRunState, ...] = (
    "completed",
    "canceled",
    "timeout",
    "failed",
)
ScoringFunctionState = Literal["unknown", "complete", "error"]


class ScenarioRunWaitParams(WireModel):
    """Body of ``POST /v1/scenarios/runs/{id}/wait_for_status``: an extension of the embedded
    server (the cloud polls ``GET`` instead), shaped like the devbox ``wait_for_status``."""

    statuses: list[ScenarioRunState] = Field(min_length=1)
    timeout_seconds: float | None = Field(default=None, ge=0)


class ScoringFunctionResultView(WireModel):
    """The outcome of one scoring function (note: ``scoring_function_name``, not ``name``)."""

    scoring_function_name: str
    score: float
    output: str
    state: ScoringFunctionState


class ScoringContractResultView(WireModel):
    """The total score of a scenario run and the result of each scoring function."""

    score: float
    scoring_function_results: list[ScoringFunctionResultView]


class ScenarioRunView(Displayed, WireModel):
    """One run of a scenario in its own devbox (contract §6.2)."""

    display_columns: ClassVar[tuple[str, ...]] = (
        "id",
        "name",
        "state",
        "score",
        "scenario_id",
        "scenario_name",
        "devbox_id",
        "benchmark_run_id",
        "start_time_ms",
        "duration_ms",
    )

    id: str
    scenario_id: str
    devbox_id: str
    state: ScenarioRunState
    metadata: dict[str, str]
    benchmark_run_id: str | None = None
    name: str | None = None
    scoring_contract_result: ScoringContractResultView | None = None
    start_time_ms: int | None = None
    duration_ms: int | None = None
    purpose: str | None = None
    environment_variables: dict[str, str] | None = None
    secrets_provided: dict[str, str] | None = None
    # Ours: the local server embeds the scenario because Runloop's documented interactive flow
    # reads `scenario_run.scenario.input_context.problem_statement`.
    scenario: ScenarioView | None = None

    def _row(self) -> dict[str, Any]:
        result = self.scoring_contract_result
        return {
            "id": self.id,
            "name": self.name,
            "state": self.state,
            "score": None if result is None else result.score,
            "scenario_id": self.scenario_id,
            "scenario_name": None if self.scenario is None else self.scenario.name,
            "devbox_id": self.devbox_id,
            "benchmark_run_id": self.benchmark_run_id,
            "start_time_ms": self.start_time_ms,
            "duration_ms": self.duration_ms,
        }

    def _folds(self) -> dict[str, Any]:
        result = self.scoring_contract_result
        return {
            "scoring results": None if result is None else result.scoring_function_results,
            "metadata": self.metadata,
            "scenario": self.scenario,
        }
