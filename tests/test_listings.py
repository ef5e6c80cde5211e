"""`runloop-nb benchmarks | scenarios | runs`, run as a user would against the real local server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from runloop_nb.client import RunloopClient
from runloop_nb.local import ServerInfo


def runloop_nb(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`runloop-nb ARGS` in a fresh process that finds the server as connect() does (no key)."""
    env = {k: v for k, v in os.environ.items() if k not in {"RUNLOOP_API_KEY", "RUNLOOP_BASE_URL"}}
    env["RUNLOOP_NB_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "runloop_nb.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def lines_of(done: subprocess.CompletedProcess[str]) -> list[str]:
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_benchmarks_lists_the_bundled_ones(local_server: tuple[Path, ServerInfo]) -> None:
    lines = lines_of(runloop_nb(local_server[0], "benchmarks"))
    assert lines[0].split() == ["ID", "NAME", "SCENARIOS", "PUBLIC", "DESCRIPTION"]
    assert set(lines[1]) == {"-", " "}
    rows = {line.split()[1]: line.split() for line in lines[2:]}
    assert rows["smoke"][2:4] == ["3", "yes"]
    assert rows["repo-bugfix"][2:4] == ["12", "yes"]
    assert rows["humaneval"][2:4] == ["164", "yes"]
    name_column = lines[0].index("NAME")
    assert all(line[name_column - 2 : name_column] == "  " for line in lines)  # aligned


def test_scenarios_takes_a_name_or_an_id(local_server: tuple[Path, ServerInfo]) -> None:
    by_name = lines_of(runloop_nb(local_server[0], "scenarios", "repo-bugfix"))
    benchmark_id = by_name[0].split("(")[1].split(")")[0]
    assert by_name[0] == f"repo-bugfix ({benchmark_id}): 12 scenarios"
    assert by_name[1].split() == ["ID", "NAME", "SCORERS", "WORKING", "DIRECTORY"]
    assert len(by_name) == 3 + 12
    assert "fail_to_pass (0.7), pass_to_pass (0.3)" in by_name[3]
    assert lines_of(runloop_nb(local_server[0], "scenarios", benchmark_id)) == by_name


def test_scenarios_of_an_unknown_benchmark_says_so(local_server: tuple[Path, ServerInfo]) -> None:
    done = runloop_nb(local_server[0], "scenarios", "no-such-benchmark")
    assert done.returncode == 1
    assert (
        "runloop-nb scenarios: No benchmark has the id or name 'no-such-benchmark'" in done.stderr
    )
    assert done.stdout == ""


async def test_runs_shows_a_live_run_then_the_same_run_as_recent(
    local_server: tuple[Path, ServerInfo], client: RunloopClient
) -> None:
    [scenario] = await client.api.scenarios.list_public(name="smoke-create-file")
    run = await client.api.scenarios.start_run(scenario_id=scenario.id, run_name="cli-runs")
    try:
        lines = lines_of(runloop_nb(local_server[0], "runs"))
        header = "ID STATE SCORE SCENARIO BENCHMARK RUN ID DEVBOX ID STARTED"
        assert lines[1].split() == header.split(" ")
        live = next(line for line in lines if line.startswith(run.id))
        assert live.split()[1] == "running"
        assert "smoke-create-file" in live
        assert run.devbox_id in live
        assert int(lines[0].split()[0]) >= 1  # "N live, M recent"
    finally:
        await client.api.scenarios.runs.cancel(run.id)
    lines = lines_of(runloop_nb(local_server[0], "runs", "--recent", "100"))
    after = next(line for line in lines if line.startswith(run.id))
    assert after.split()[1] == "canceled"


def test_a_reader_that_goes_away_is_not_an_error(local_server: tuple[Path, ServerInfo]) -> None:
    """`runloop-nb benchmarks | head -0`: the pipe is closed before anything is written."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    env = {k: v for k, v in os.environ.items() if k not in {"RUNLOOP_API_KEY", "RUNLOOP_BASE_URL"}}
    env["RUNLOOP_NB_HOME"] = str(local_server[0])
    try:
        done = subprocess.run(
            [sys.executable, "-m", "runloop_nb.cli", "benchmarks"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            timeout=120,
        )
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (0, "")
