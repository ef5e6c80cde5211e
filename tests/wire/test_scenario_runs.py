from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from runloop_nb.wire import (
    SCENARIO_RUN_TERMINAL_STATES,
    ScenarioRunView,
    ScoringContractResultView,
    ScoringFunctionResultView,
)

from ._round_trip import Case, assert_round_trip, case_ids
from .test_scenarios import SCENARIO

RESULT: dict[str, Any] = {
    "score": 0.75,
    "scoring_function_results": [
        {"scoring_function_name": "tests", "score": 1.0, "output": "3 passed", "state": "complete"},
        {"scoring_function_name": "no-prints", "score": 0.0, "output": "", "state": "error"},
    ],
}
RUN: dict[str, Any] = {
    "id": "scr_4",
    "scenario_id": "scn_1",
    "devbox_id": "dbx_31Xq",
    "benchmark_run_id": "bmr_7",
    "name": "try-1",
    "state": "scored",
    "scoring_contract_result": RESULT,
    "start_time_ms": 1764288000000,
    "duration_ms": 61000,
    "metadata": {},
    "purpose": None,
    "environment_variables": {},
    "secrets_provided": {},
    "scenario": SCENARIO,
    "x_future_field": "kept",
}

CASES: list[Case] = [
    (
        ScenarioRunView,
        RUN,
        {
            "state": "scored",
            "scoring_contract_result.score": 0.75,
            "scenario.input_context.problem_statement": "Fix has_close_elements",
        },
    ),
    (
        ScoringContractResultView,
        {**RESULT, "x_future_field": 1},
        {"scoring_function_results.1.state": "error"},
    ),
    (
        ScoringFunctionResultView,
        {**RESULT["scoring_function_results"][0], "x_future_field": 1},
        {"scoring_function_name": "tests", "output": "3 passed"},
    ),
]


@pytest.mark.parametrize(("model", "sample", "attrs"), CASES, ids=case_ids(CASES))
def test_service_json_parses_and_dumps_back_unchanged(
    model: type, sample: dict[str, Any], attrs: dict[str, Any]
) -> None:
    assert_round_trip(model, sample, attrs)


def test_cloud_view_has_no_embedded_scenario() -> None:
    cloud = {k: v for k, v in RUN.items() if k != "scenario"}
    run = ScenarioRunView.model_validate(cloud)
    assert run.scenario is None
    assert "scenario" not in run.to_wire()


@pytest.mark.parametrize(
    "bad",
    [
        {**RUN, "state": "paused"},
        {**RUN, "devbox_id": None},
        {
            **RUN,
            "scoring_contract_result": {
                "score": 1.0,
                "scoring_function_results": [
                    {"name": "tests", "score": 1.0, "output": "", "state": "complete"}
                ],
            },
        },
    ],
)
def test_bad_run_is_rejected(bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        ScenarioRunView.model_validate(bad)


def test_scored_is_stable_but_not_terminal() -> None:
    assert "scored" not in SCENARIO_RUN_TERMINAL_STATES
    assert set(SCENARIO_RUN_TERMINAL_STATES) == {"completed", "canceled", "timeout", "failed"}
