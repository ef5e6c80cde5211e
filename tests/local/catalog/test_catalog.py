"""Shapes of the bundled benchmarks: counts, unique names, valid wire scoring contracts."""

from __future__ import annotations

import io
import json
import re
import shlex
import tarfile
from typing import Any

import pytest

from runloop_nb.local.catalog import BundledBenchmark, bundled_benchmarks
from runloop_nb.local.catalog._repo_bugfix import F2P_WEIGHT, P2P_WEIGHT, RUNNER_FILE
from runloop_nb.local.scoring._engine import SCORERS


@pytest.fixture(scope="module")
def benchmarks() -> dict[str, BundledBenchmark]:
    return {benchmark.name: benchmark for benchmark in bundled_benchmarks()}


def test_the_three_benchmarks_have_their_sizes(benchmarks: dict[str, BundledBenchmark]) -> None:
    assert sorted(benchmarks) == ["humaneval", "repo-bugfix", "smoke"]
    assert len(benchmarks["humaneval"].scenarios) == 164
    assert len(benchmarks["smoke"].scenarios) == 3
    bugfix = benchmarks["repo-bugfix"].scenarios
    assert len(bugfix) >= 12
    assert len({scenario.metadata["library"] for scenario in bugfix}) >= 3


def test_scenario_names_are_unique(benchmarks: dict[str, BundledBenchmark]) -> None:
    names = [s.name for b in benchmarks.values() for s in b.scenarios]
    assert len(names) == len(set(names))


def check_contract(contract: dict[str, Any]) -> None:
    functions = contract["scoring_function_parameters"]
    assert functions
    assert sum(f["weight"] for f in functions) == pytest.approx(1.0)
    for function in functions:
        assert re.fullmatch(r"[a-zA-Z0-9_-]+", function["name"])
        assert function["scorer"]["type"] in SCORERS


def test_every_contract_is_valid_wire_json(benchmarks: dict[str, BundledBenchmark]) -> None:
    for benchmark in benchmarks.values():
        assert benchmark.attribution
        assert all(isinstance(v, str) for v in benchmark.metadata.values())
        for scenario in benchmark.scenarios:
            check_contract(scenario.scoring_contract)
            assert scenario.working_directory.startswith("/home/user/")
            assert scenario.problem_statement.strip()
            assert all(isinstance(v, str) for v in scenario.metadata.values())


def test_smoke_uses_different_scorer_types(benchmarks: dict[str, BundledBenchmark]) -> None:
    types = {s.metadata["scorer_type"] for s in benchmarks["smoke"].scenarios}
    assert len(types) == 3


def test_bug_reports_do_not_contain_the_fix(benchmarks: dict[str, BundledBenchmark]) -> None:
    for scenario in benchmarks["repo-bugfix"].scenarios:
        added = [
            line[1:].strip()
            for line in scenario.reference_output.splitlines()
            if line.startswith("+") and not line.startswith("+++") and line[1:].strip()
        ]
        assert added
        assert not any(line in scenario.problem_statement for line in added), scenario.name


def test_archives_hold_paths_below_the_working_directory(
    benchmarks: dict[str, BundledBenchmark],
) -> None:
    for scenario in [
        *benchmarks["repo-bugfix"].scenarios[:2],
        benchmarks["humaneval"].scenarios[0],
    ]:
        with tarfile.open(fileobj=io.BytesIO(scenario.home_archive())) as archive:
            names = archive.getnames()
        top = scenario.working_directory.removeprefix("/home/user/")
        assert all(name == top or name.startswith(top + "/") for name in names)
        assert not any(name.startswith("/") or ".." in name for name in names)


def _tests_run_by(command: str) -> list[str]:
    words = shlex.split(command)
    runner = next(i for i, w in enumerate(words) if w in {"unittest", RUNNER_FILE})
    return words[runner + 1 :]


def test_each_repo_bugfix_scorer_runs_the_tests_its_name_says(
    benchmarks: dict[str, BundledBenchmark],
) -> None:
    for scenario in benchmarks["repo-bugfix"].scenarios:
        functions = scenario.scoring_contract["scoring_function_parameters"]
        by_name = {f["name"]: f for f in functions}
        assert {n: f["weight"] for n, f in by_name.items()} == {
            "fail_to_pass": F2P_WEIGHT,
            "pass_to_pass": P2P_WEIGHT,
        }
        for name in ("fail_to_pass", "pass_to_pass"):
            command = by_name[name]["scorer"]["test_command"]
            assert "&&" not in command, (scenario.name, command)
            assert _tests_run_by(command) == json.loads(scenario.metadata[name]), scenario.name
