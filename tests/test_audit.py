"""Gold audit: the table's verdicts, the bundled benchmarks' gold checks, a broken benchmark."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pandas as pd
import pytest

from runloop_nb.audit import (
    COLUMNS,
    METADATA_KEY,
    BenchmarkNotFoundError,
    RunOutcome,
    audit,
    audit_passed,
    cli_main,
    format_report,
    summary_line,
)
from runloop_nb.audit._table import audit_frame, scenario_row
from runloop_nb.authoring import ScenarioBuilder, create_benchmark
from runloop_nb.cli import main as runloop_nb_main
from runloop_nb.client import RunloopClient
from runloop_nb.local import ServerInfo


def row(*outcomes: tuple[str, float | None, str | None]) -> dict[str, object]:
    runs = [RunOutcome("scn_1", kind, score, error) for kind, score, error in outcomes]  # type: ignore[arg-type]
    return scenario_row("scn_1", "one", runs)


def test_gold_one_and_untouched_below_one_is_ok() -> None:
    made = row(("gold", 1.0, None), ("untouched", 0.0, None))
    assert made == {
        "scenario_id": "scn_1",
        "scenario_name": "one",
        "gold_score": 1.0,
        "untouched_score": 0.0,
        "gold_scores": [1.0],
        "untouched_scores": [0.0],
        "flaky": False,
        "ok": True,
        "error": None,
    }


@pytest.mark.parametrize(
    "outcomes",
    [
        [("gold", 0.5, None), ("untouched", 0.0, None)],  # the reference does not fully fix it
        [("gold", 1.0, None), ("untouched", 1.0, None)],  # solved without doing anything
        [("gold", None, "ReferenceOutputError: boom"), ("untouched", 0.0, None)],
        [("gold", 1.0, None)],  # no untouched run at all
    ],
)
def test_anything_else_is_not_ok(outcomes: list[tuple[str, float | None, str | None]]) -> None:
    assert row(*outcomes)["ok"] is False


def test_disagreeing_repeats_are_flaky_and_not_ok() -> None:
    made = row(("gold", 1.0, None), ("gold", 0.0, None), ("untouched", 0.0, None))
    assert (made["flaky"], made["ok"], made["gold_score"]) == (True, False, 0.5)


def test_failed_runs_keep_their_reason_and_a_missing_score() -> None:
    made = row(("gold", None, "UnexpectedStateError: scoring failed"), ("untouched", 0.0, None))
    assert made["error"] == "gold run: UnexpectedStateError: scoring failed"
    assert made["gold_scores"] == [None]
    assert made["gold_score"] is None


def test_summary_counts_every_scenario_as_the_denominator() -> None:
    outcomes = [
        RunOutcome("a", "gold", 1.0),
        RunOutcome("a", "untouched", 0.0),
        RunOutcome("b", "gold", 1.0),
        RunOutcome("b", "untouched", 1.0),
        RunOutcome("c", "gold", None, "boom"),
        RunOutcome("c", "untouched", 0.0),
        RunOutcome("c", "untouched", 1.0),
    ]
    frame = audit_frame([("a", "A"), ("b", "B"), ("c", "C")], outcomes)
    assert list(frame.columns) == list(COLUMNS)
    assert summary_line(frame) == "3 scenarios: gold 67%, untouched 67%, flaky 1, errors 1"
    assert not audit_passed(frame)
    assert audit_passed(frame.iloc[:1])
    assert not audit_passed(frame.iloc[:0]), "an audit of nothing proves nothing"


def test_report_shows_one_line_per_scenario_and_the_summary() -> None:
    frame = audit_frame(
        [("a", "alpha"), ("b", "beta")],
        [
            RunOutcome("a", "gold", 1.0),
            RunOutcome("a", "untouched", 0.0),
            RunOutcome("b", "gold", None, "x" * 500),
            RunOutcome("b", "untouched", 0.25),
        ],
    )
    lines = format_report(frame).splitlines()
    assert len(lines) == 4
    assert lines[1].split()[:3] == ["alpha", "1", "0"]
    assert "gold run: xxx" in lines[2]
    assert lines[2].rstrip().endswith("...")
    assert lines[3] == "2 scenarios: gold 50%, untouched 0%, flaky 0, errors 1"


# --- against the real local server --------------------------------------------------------


def assert_gold_check(frame: pd.DataFrame) -> None:
    failing = frame[~frame["ok"]]
    assert failing.empty, format_report(failing)
    total = len(frame)
    assert summary_line(frame) == f"{total} scenarios: gold 100%, untouched 0%, flaky 0"


async def assert_no_run_left_open(client: RunloopClient, scenario_ids: list[str]) -> None:
    for scenario_id in scenario_ids:
        runs = [r async for r in client.api.scenarios.runs.list(scenario_id=scenario_id)]
        audited = [r for r in runs if METADATA_KEY in r.metadata]
        assert audited, f"no audit run of {scenario_id}"
        assert {r.state for r in audited} <= {"completed", "canceled"}


async def test_smoke_benchmark_passes_its_gold_check(client: RunloopClient) -> None:
    frame = await audit(client, "smoke", concurrency=3)
    assert len(frame) == 3
    assert_gold_check(frame)
    await assert_no_run_left_open(client, list(frame["scenario_id"]))


async def test_repo_bugfix_benchmark_passes_its_gold_check(client: RunloopClient) -> None:
    frame = await audit(client, "repo-bugfix")
    assert len(frame) >= 12
    assert_gold_check(frame)


async def make_broken_benchmark(client: RunloopClient, name: str) -> tuple[str, list[str]]:
    """Three scenarios on a flag file: a good reference, one that does not fix, one that fails."""
    references = {
        "flag-fixed": "echo fixed > flag.txt",
        "flag-not-fixed": "echo still-broken > flag.txt",
        "flag-reference-fails": "echo 'cannot apply the patch' >&2; exit 2",
    }
    ids = []
    for scenario_name, reference in references.items():
        scenario = await (
            ScenarioBuilder(client, scenario_name)
            .with_working_directory("/home/user")
            .with_problem_statement("Make flag.txt say fixed.")
            .add_shell_command_scorer("flag", command="grep -qx fixed flag.txt")
            .with_reference_output(reference)
            .push()
        )
        ids.append(scenario.id)
    benchmark = await create_benchmark(client, name, ids)  # names are unique per account
    return benchmark.id, ids


async def test_broken_benchmark_is_reported_not_ok_with_reasons(client: RunloopClient) -> None:
    benchmark_id, ids = await make_broken_benchmark(client, "audit-broken")
    frame = await audit(client, benchmark_id, repeat=2)
    assert list(frame["scenario_id"]) == ids
    assert list(frame["ok"]) == [True, False, False]
    assert list(frame["gold_scores"])[:2] == [[1.0, 1.0], [0.0, 0.0]]
    assert "cannot apply the patch" in frame["error"].iloc[2]
    assert frame["error"].iloc[:2].isna().all()
    await assert_no_run_left_open(client, ids)


async def test_unknown_benchmark_says_how_to_find_one(client: RunloopClient) -> None:
    with pytest.raises(BenchmarkNotFoundError, match="list_public"):
        await audit(client, "no-such-benchmark")
    with pytest.raises(ValueError, match="repeat must be"):
        await audit(client, "smoke", repeat=0)


@pytest.fixture
def cli_env(local_server: tuple[Path, ServerInfo], monkeypatch: pytest.MonkeyPatch) -> None:
    # The CLI connects like runloop_nb.connect(): no key, so the local server of RUNLOOP_NB_HOME.
    monkeypatch.delenv("RUNLOOP_API_KEY", raising=False)
    monkeypatch.delenv("RUNLOOP_BASE_URL", raising=False)
    monkeypatch.setenv("RUNLOOP_NB_HOME", str(local_server[0]))


async def _broken_benchmark_id(info: ServerInfo) -> str:
    async with RunloopClient(api_key=info.token, base_url=info.url) as made:
        return (await make_broken_benchmark(made, "audit-broken-cli"))[0]


@pytest.mark.usefixtures("cli_env")
def test_cli_exits_1_and_prints_the_table_for_a_broken_benchmark(
    local_server: tuple[Path, ServerInfo], capsys: pytest.CaptureFixture[str]
) -> None:
    benchmark_id = asyncio.run(_broken_benchmark_id(local_server[1]))
    assert cli_main([benchmark_id, "--concurrency", "2"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 5
    assert lines[-1] == "3 scenarios: gold 33%, untouched 0%, flaky 0, errors 1"


@pytest.mark.usefixtures("cli_env")
def test_cli_exits_0_when_every_scenario_is_ok(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["smoke"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "3 scenarios: gold 100%, untouched 0%, flaky 0"
    )


@pytest.mark.usefixtures("cli_env")
def test_cli_exits_2_for_an_unknown_benchmark(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["no-such-benchmark"]) == 2
    assert "No benchmark has the id or name" in capsys.readouterr().err
    assert runloop_nb_main(["audit", "no-such-benchmark"]) == 2  # the `runloop-nb audit` route
    assert "No benchmark has the id or name" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli_main(["smoke", "--repeat", "0"])
