from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from runloop_nb.wire import (
    BenchmarkCreateParams,
    BenchmarkStartRunParams,
    BenchmarkUpdateParams,
    BenchmarkView,
    RunProfile,
    UpdateScenariosParams,
)

from ._round_trip import Case, assert_round_trip, case_ids

BENCHMARK: dict[str, Any] = {
    "id": "bmd_2x9",
    "name": "humaneval",
    "scenarioIds": ["scn_1", "scn_2"],
    "metadata": {"source": "openai/human-eval"},
    "status": "active",
    "is_public": True,
    "attribution": "OpenAI (MIT)",
    "description": "164 hand-written Python problems",
    "required_environment_variables": [],
    "required_secret_names": [],
    "x_future_field": {"tags": ["python"]},
}

RUN_PROFILE: dict[str, Any] = {
    "envVars": {"MODEL": "gpt"},
    "secrets": {"OPENAI_API_KEY": "openai"},
    "launchParameters": {"resource_size_request": "LARGE"},
    "mounts": [{"type": "object_mount", "object_id": "obj_1", "object_path": "/data"}],
    "purpose": "nightly",
    "x_future_field": 1,
}

CASES: list[Case] = [
    (
        BenchmarkView,
        BENCHMARK,
        {"scenario_ids": ["scn_1", "scn_2"], "status": "active", "is_public": True},
    ),
    (
        BenchmarkCreateParams,
        {
            "name": "mine",
            "scenario_ids": ["scn_1"],
            "metadata": {"k": "v"},
            "description": None,
            "x_future_field": "kept",
        },
        {"scenario_ids": ["scn_1"], "description": None, "attribution": None},
    ),
    (
        BenchmarkUpdateParams,
        {"scenario_ids": [], "metadata": None, "x_future_field": 2},
        {"scenario_ids": [], "name": None},
    ),
    (
        RunProfile,
        RUN_PROFILE,
        {
            "env_vars": {"MODEL": "gpt"},
            "launch_parameters.resource_size_request": "LARGE",
            "purpose": "nightly",
        },
    ),
    (
        BenchmarkStartRunParams,
        {
            "benchmark_id": "bmd_2x9",
            "run_name": "nightly-1",
            "metadata": {},
            "runProfile": RUN_PROFILE,
            "x_future_field": None,
        },
        {"run_name": "nightly-1", "run_profile.secrets": {"OPENAI_API_KEY": "openai"}},
    ),
    (
        UpdateScenariosParams,
        {"scenarios_to_add": ["scn_3"], "scenarios_to_remove": ["scn_1"], "x_future_field": 0},
        {"scenarios_to_add": ["scn_3"], "scenarios_to_remove": ["scn_1"]},
    ),
]


@pytest.mark.parametrize(("model", "sample", "attrs"), CASES, ids=case_ids(CASES))
def test_service_json_parses_and_dumps_back_unchanged(
    model: type, sample: dict[str, Any], attrs: dict[str, Any]
) -> None:
    assert_round_trip(model, sample, attrs)


def test_python_names_dump_to_camel_case_wire_names() -> None:
    body = BenchmarkStartRunParams(
        benchmark_id="bmd_1",
        run_profile=RunProfile(env_vars={"A": "1"}, launch_parameters={"architecture": "arm64"}),
    )
    assert body.to_wire() == {
        "benchmark_id": "bmd_1",
        "runProfile": {"envVars": {"A": "1"}, "launchParameters": {"architecture": "arm64"}},
    }
    view = BenchmarkView(id="b", name="n", scenario_ids=["s"], metadata={}, status="archived")
    assert view.to_wire()["scenarioIds"] == ["s"]


@pytest.mark.parametrize(
    ("model", "bad"),
    [
        (BenchmarkCreateParams, {"name": ""}),
        (BenchmarkCreateParams, {"scenario_ids": ["scn_1"]}),
        (BenchmarkCreateParams, {"name": "x", "scenario_ids": "scn_1"}),
        (BenchmarkUpdateParams, {"name": ""}),
        (BenchmarkView, {**BENCHMARK, "status": "deleted"}),
        (BenchmarkStartRunParams, {"benchmark_id": "b", "runProfile": {"envVars": ["A=1"]}}),
        (BenchmarkStartRunParams, {"run_name": "no benchmark id"}),
    ],
)
def test_bad_input_is_rejected(model: type[BenchmarkView], bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        model.model_validate(bad)
