from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from runloop_nb.wire import (
    AstGrepScorer,
    BashScriptScorer,
    CommandScorer,
    CustomScorer,
    InputContext,
    InputContextUpdate,
    PythonScriptScorer,
    ScenarioCreateParams,
    ScenarioEnvironment,
    ScenarioStartRunParams,
    ScenarioUpdateParams,
    ScenarioView,
    Scorer,
    ScoringContract,
    ScoringContractUpdate,
    ScoringFunction,
    TestBasedScorer,
    TestFile,
)

from ._round_trip import Case, assert_round_trip, case_ids

SCORERS: list[tuple[dict[str, Any], type]] = [
    ({"type": "bash_script_scorer", "bash_script": "echo score=1.0"}, BashScriptScorer),
    ({"type": "command_scorer", "command": "pytest -q"}, CommandScorer),
    (
        {
            "type": "test_based_scorer",
            "test_command": "pytest test_fix.py",
            "test_files": [{"file_path": "test_fix.py", "file_contents": "def test(): pass\n"}],
        },
        TestBasedScorer,
    ),
    (
        {
            "type": "python_script_scorer",
            "python_script": "print(1.0)",
            "requirements_contents": "",
        },
        PythonScriptScorer,
    ),
    (
        {
            "type": "ast_grep_scorer",
            "pattern": "print($A)",
            "search_directory": "src",
            "lang": "py",
        },
        AstGrepScorer,
    ),
    (
        {"type": "custom_scorer", "custom_scorer_type": "diff_size", "scorer_params": {"max": 3}},
        CustomScorer,
    ),
]

CONTRACT: dict[str, Any] = {
    "scoring_function_parameters": [
        {"name": "tests", "weight": 0.75, "scorer": SCORERS[2][0]},
        {"name": "no-prints", "weight": 0.25, "scorer": SCORERS[4][0]},
    ]
}
ENVIRONMENT: dict[str, Any] = {
    "blueprint_id": None,
    "snapshot_id": "snp_9",
    "launch_parameters": {"keep_alive_time_seconds": 7200},
    "working_directory": "/home/user/repo",
}
SCENARIO: dict[str, Any] = {
    "id": "scn_1",
    "name": "HumanEval/0",
    "input_context": {"problem_statement": "Fix has_close_elements", "additional_context": None},
    "scoring_contract": CONTRACT,
    "environment": ENVIRONMENT,
    "metadata": {"task_id": "HumanEval/0"},
    "status": "active",
    "reference_output": "diff --git a/x b/x",
    "required_environment_variables": [],
    "required_secret_names": [],
    "is_public": True,
    "scorer_timeout_sec": 1800,
    "validation_type": "UNSPECIFIED",
    "x_future_field": "kept",
}
CREATE: dict[str, Any] = {
    "name": "my scenario",
    "input_context": {"problem_statement": "Make tests pass", "additional_context": {"hint": 1}},
    "scoring_contract": CONTRACT,
    "environment_parameters": ENVIRONMENT,
    "metadata": {},
    "reference_output": None,
    "x_future_field": [1],
}

CASES: list[Case] = [
    (ScenarioView, SCENARIO, {"environment.snapshot_id": "snp_9", "scorer_timeout_sec": 1800}),
    (ScenarioCreateParams, CREATE, {"environment_parameters.snapshot_id": "snp_9"}),
    (
        ScenarioUpdateParams,
        {
            "input_context": {"problem_statement": "New"},
            "scoring_contract": {},
            "name": None,
            "x_future_field": 1,
        },
        {
            "input_context.problem_statement": "New",
            "scoring_contract.scoring_function_parameters": None,
        },
    ),
    (
        ScenarioStartRunParams,
        {
            "scenario_id": "scn_1",
            "benchmark_run_id": "bmr_7",
            "run_name": "try-1",
            "metadata": {"agent": "mini"},
            "runProfile": {"envVars": {"A": "1"}, "purpose": "debug"},
            "x_future_field": "kept",
        },
        {"benchmark_run_id": "bmr_7", "run_profile.env_vars": {"A": "1"}},
    ),
    (
        InputContext,
        {"problem_statement": "p", "additional_context": {"files": ["a"]}, "x_future_field": 1},
        {"additional_context": {"files": ["a"]}},
    ),
    (
        InputContextUpdate,
        {"additional_context": [1, 2], "x_future_field": 1},
        {"problem_statement": None},
    ),
    (
        ScoringContract,
        {**CONTRACT, "x_future_field": 1},
        {"scoring_function_parameters.0.weight": 0.75},
    ),
    (ScoringContractUpdate, {**CONTRACT, "x_future_field": 1}, {}),
    (
        ScenarioEnvironment,
        {**ENVIRONMENT, "x_future_field": 1},
        {"working_directory": "/home/user/repo"},
    ),
    (
        TestFile,
        {"file_path": "t.py", "file_contents": "", "x_future_field": 1},
        {"file_path": "t.py", "file_contents": ""},
    ),
]


@pytest.mark.parametrize(("model", "sample", "attrs"), CASES, ids=case_ids(CASES))
def test_service_json_parses_and_dumps_back_unchanged(
    model: type, sample: dict[str, Any], attrs: dict[str, Any]
) -> None:
    assert_round_trip(model, sample, attrs)


@pytest.mark.parametrize(("scorer", "cls"), SCORERS, ids=[cls.__name__ for _, cls in SCORERS])
def test_scorer_type_picks_its_class_and_round_trips(scorer: dict[str, Any], cls: type) -> None:
    function = ScoringFunction.model_validate({"name": "f", "weight": 1.0, "scorer": scorer})
    assert type(function.scorer) is cls
    assert function.to_wire() == {"name": "f", "weight": 1.0, "scorer": scorer}


def test_python_scorer_without_version_constraint_stays_without_one() -> None:
    parsed = TypeAdapter(Scorer).validate_python(SCORERS[3][0])
    assert isinstance(parsed, PythonScriptScorer)
    assert parsed.python_version_constraint is None
    assert "python_version_constraint" not in parsed.to_wire()


def test_scorer_built_in_python_sends_its_type() -> None:
    assert CommandScorer(command="make test").to_wire() == {
        "type": "command_scorer",
        "command": "make test",
    }


@pytest.mark.parametrize(
    "bad",
    [
        {"type": "swebench_scorer", "command": "x"},
        {"command": "no type"},
        {"type": "ast_grep_scorer", "pattern": "x"},
        {"type": "command_scorer", "command": {"argv": ["ls"]}},
        {"type": "custom_scorer", "custom_scorer_type": ""},
    ],
)
def test_bad_scorer_is_rejected(bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(Scorer).validate_python(bad)


@pytest.mark.parametrize(
    "bad",
    [
        {"name": "has space", "weight": 1.0, "scorer": SCORERS[1][0]},
        {"name": "ok", "weight": 0.0, "scorer": SCORERS[1][0]},
        {"name": "ok", "weight": "heavy", "scorer": SCORERS[1][0]},
    ],
)
def test_bad_scoring_function_is_rejected(bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        ScoringFunction.model_validate(bad)


def test_create_defaults_scorer_timeout_without_sending_it() -> None:
    params = ScenarioCreateParams.model_validate(CREATE)
    assert params.scorer_timeout_sec == 1800
    assert "scorer_timeout_sec" not in params.to_wire()


@pytest.mark.parametrize(
    "bad",
    [
        {**CREATE, "scoring_contract": {"scoring_function_parameters": []}},
        {**CREATE, "name": ""},
        {**CREATE, "validation_type": "SIDEWAYS"},
        {**CREATE, "input_context": {"additional_context": 1}},
        {**CREATE, "scorer_timeout_sec": 0},
    ],
)
def test_bad_create_is_rejected(bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        ScenarioCreateParams.model_validate(bad)


def test_empty_contract_error_says_what_to_do() -> None:
    with pytest.raises(ValidationError, match="add at least one scoring function"):
        ScenarioCreateParams.model_validate(
            {**CREATE, "scoring_contract": {"scoring_function_parameters": []}}
        )
