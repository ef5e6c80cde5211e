"""ScenarioBuilder: local checks with messages that say what to do, and real pushes."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from runloop_nb.authoring import ScenarioBuilder
from runloop_nb.client import RunloopClient
from runloop_nb.stepping import ReferenceAgent

# Never contacted: the checks under test happen before any request.
UNREACHABLE = RunloopClient(api_key="unused", base_url="http://127.0.0.1:9")


def builder(name: str = "fix-add") -> ScenarioBuilder:
    return ScenarioBuilder(UNREACHABLE, name)


def complete() -> ScenarioBuilder:
    return (
        builder()
        .with_problem_statement("Fix add().")
        .add_shell_command_scorer("tests", command="true")
    )


def test_minimal_scenario_builds_the_create_body() -> None:
    assert complete().build() == {
        "name": "fix-add",
        "input_context": {"problem_statement": "Fix add()."},
        "scoring_contract": {
            "scoring_function_parameters": [
                {
                    "name": "tests",
                    "weight": 1.0,
                    "scorer": {"type": "command_scorer", "command": "true"},
                }
            ]
        },
    }


def test_weights_are_normalised_to_sum_to_one() -> None:
    params = (
        complete()
        .add_bash_script_scorer("style", bash_script="echo 1", weight=3)
        .add_ast_grep_scorer("shape", pattern="def add($A, $B)", weight=4.0)
        .build()
    )
    weights = [f["weight"] for f in params["scoring_contract"]["scoring_function_parameters"]]
    assert weights == [0.125, 0.375, 0.5]
    assert math.isclose(sum(weights), 1.0)


def test_problem_statement_is_required() -> None:
    with pytest.raises(ValueError, match=r"with_problem_statement\(\)"):
        builder().add_shell_command_scorer("t", command="true").build()


def test_at_least_one_scorer_is_required() -> None:
    with pytest.raises(ValueError, match=r"add_test_command_scorer\(\)"):
        builder().with_problem_statement("x").build()


@pytest.mark.parametrize("weight", [0, -1.0, math.nan, math.inf, True, "1"])
def test_weight_must_be_a_positive_finite_number(weight: Any) -> None:
    with pytest.raises(ValueError, match="weight must be"):
        builder().add_shell_command_scorer("t", command="true", weight=weight)


@pytest.mark.parametrize("name", ["unit tests", "", "a/b", "ünit"])
def test_scorer_names_are_restricted(name: str) -> None:
    with pytest.raises(ValueError, match="letters, digits"):
        builder().add_shell_command_scorer(name, command="true")


def test_scorer_names_are_unique() -> None:
    with pytest.raises(ValueError, match="already added"):
        complete().add_bash_script_scorer("tests", bash_script="echo 1")


def test_empty_scorer_fields_are_rejected_naming_the_field() -> None:
    with pytest.raises(ValueError, match="test_command must be a non-empty"):
        builder().add_test_command_scorer("t", test_command="  ")
    with pytest.raises(ValueError, match="custom_scorer_type must be a non-empty"):
        builder().add_custom_scorer("c", custom_scorer_type="")


def test_every_scorer_type_builds_its_wire_shape() -> None:
    params = (
        builder()
        .with_problem_statement("x")
        .add_test_command_scorer(
            "tests", test_command="pytest -q", test_files={"tests/test_a.py": "def test(): pass"}
        )
        .add_shell_command_scorer("cmd", command="make check")
        .add_bash_script_scorer("bash", bash_script="echo score=1")
        .add_python_script_scorer(
            "py", python_script="print(1)", python_version_constraint=">=3.11"
        )
        .add_ast_grep_scorer("ast", pattern="print($X)", search_directory="src", lang="python")
        .add_custom_scorer("custom", custom_scorer_type="my_type", scorer_params={"k": 1})
        .build()
    )
    scorers = {
        f["name"]: f["scorer"] for f in params["scoring_contract"]["scoring_function_parameters"]
    }
    assert scorers["tests"] == {
        "type": "test_based_scorer",
        "test_command": "pytest -q",
        "test_files": [{"file_path": "tests/test_a.py", "file_contents": "def test(): pass"}],
    }
    assert scorers["cmd"] == {"type": "command_scorer", "command": "make check"}
    assert scorers["bash"]["type"] == "bash_script_scorer"
    assert scorers["py"]["python_version_constraint"] == ">=3.11"
    assert scorers["ast"] == {
        "type": "ast_grep_scorer",
        "pattern": "print($X)",
        "search_directory": "src",
        "lang": "python",
    }
    assert scorers["custom"]["scorer_params"] == {"k": 1}


def test_test_files_must_be_relative_paths() -> None:
    with pytest.raises(ValueError, match="relative to the working directory"):
        builder().add_test_command_scorer("t", test_command="x", test_files={"/etc/x": ""})
    with pytest.raises(ValueError, match="'file_path' and 'file_contents'"):
        builder().add_test_command_scorer("t", test_command="x", test_files=[{"path": "a"}])


def test_environment_is_sent_only_when_set_and_sources_replace_each_other() -> None:
    assert "environment_parameters" not in complete().build()
    params = complete().from_snapshot("snp_1").from_blueprint("bpt_1").build()
    assert params["environment_parameters"] == {"blueprint_id": "bpt_1"}
    params = complete().from_snapshot("snp_2").with_working_directory("/home/user/app").build()
    assert params["environment_parameters"] == {
        "snapshot_id": "snp_2",
        "working_directory": "/home/user/app",
    }


def test_other_fields_are_checked_and_included() -> None:
    params = (
        complete()
        .with_additional_context({"hint": "look at add"})
        .with_reference_output("sed -i s/-/+/ calc.py")
        .with_metadata({"team": "a"})
        .with_scorer_timeout(60)
        .with_required_env_vars(["TOKEN"])
        .build()
    )
    assert params["input_context"]["additional_context"] == {"hint": "look at add"}
    assert params["reference_output"] == "sed -i s/-/+/ calc.py"
    assert params["metadata"] == {"team": "a"}
    assert params["scorer_timeout_sec"] == 60
    assert params["required_environment_variables"] == ["TOKEN"]
    with pytest.raises(ValueError, match="seconds > 0"):
        complete().with_scorer_timeout(0)
    with pytest.raises(ValueError, match="strings"):
        complete().with_metadata({"n": 1})  # type: ignore[dict-item]


def test_from_directory_needs_an_existing_directory(tmp_path: Path) -> None:
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(ValueError, match="not an existing directory"):
        builder().from_directory(tmp_path / "file.txt")


def test_build_after_from_directory_says_to_push_first(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"await builder.push\(\)"):
        complete().from_directory(tmp_path).build()


async def test_push_checks_the_scenario_before_uploading_anything(tmp_path: Path) -> None:
    # UNREACHABLE would raise a connection error if an upload were attempted.
    with pytest.raises(ValueError, match="problem statement is required"):
        await builder().from_directory(tmp_path).add_shell_command_scorer("t", command="x").push()


def make_project(root: Path) -> Path:
    project = root / "calc project"
    (project / "pkg").mkdir(parents=True)
    (project / "pkg" / "calc.py").write_text("def add(a, b):\n    return a - b\n")
    (project / "test_calc.py").write_text(
        "import unittest\nfrom pkg.calc import add\n\n"
        "class T(unittest.TestCase):\n"
        "    def test_add(self):\n        self.assertEqual(add(2, 3), 5)\n"
    )
    (project / "notes it's here.txt").write_text("keep me\n")
    return project


async def test_scenario_from_a_directory_scores_one_after_its_reference(
    client: RunloopClient, tmp_path: Path
) -> None:
    scenario = await (
        ScenarioBuilder(client, "calc-from-directory")
        .from_directory(make_project(tmp_path))
        .with_problem_statement("add() subtracts; make it add.")
        .add_test_command_scorer("unit", test_command="python3 -m unittest -q test_calc")
        .with_reference_output("sed -i 's/a - b/a + b/' pkg/calc.py\n")
        .push()
    )
    assert scenario.environment is not None
    assert scenario.environment.snapshot_id
    assert scenario.environment.working_directory == "/home/user/calc_project"

    run = await client.api.scenarios.start_run(scenario_id=scenario.id)
    devbox = client.devbox.from_id(run.devbox_id)
    await devbox.await_running()
    listing = await devbox.cmd.exec(
        "ls -A /home/user; cat '/home/user/calc_project/notes it'\\''s here.txt'"
    )
    assert await listing.stdout() == "calc_project\nkeep me\n"  # the upload archive is gone
    await ReferenceAgent().run(devbox, scenario)
    scored = await client.api.scenarios.runs.score_and_complete(run.id)
    run = await client.api.scenarios.runs.retrieve(run.id)
    assert run.scoring_contract_result is not None
    assert run.scoring_contract_result.score == 1.0
    assert scored.state == "completed"
