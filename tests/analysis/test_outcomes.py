"""Honest outcomes: every scenario of the benchmark once per attempt, and the summaries."""

from __future__ import annotations

import pandas as pd
import pytest
from support.analysis_views import benchmark, benchmark_run, run_set, scenario, scenario_run

from runloop_nb import analysis
from runloop_nb.analysis._stats import clustered_standard_error, wilson_interval


@pytest.mark.parametrize(
    ("state", "score", "errors", "expected"),
    [
        ("completed", 1.0, (), "passed"),
        ("scored", 1.0, (), "passed"),
        ("completed", 0.4, (), "partial"),
        ("completed", 0.0, (), "failed"),
        ("completed", 0.7, ("lint",), "scorer_error"),
        ("failed", 0.0, ("tests",), "scorer_error"),
        ("failed", None, (), "infra_failed"),
        ("timeout", None, (), "timeout"),
        ("canceled", None, (), "canceled"),
        ("canceled", 1.0, (), "canceled"),
        ("completed", None, (), "canceled"),
        ("running", None, (), "in_progress"),
        ("scoring", None, (), "in_progress"),
    ],
)
def test_classify(state: str, score: float | None, errors: tuple[str, ...], expected: str) -> None:
    run = scenario_run("r", "s", None, state, score, errors=errors)
    assert analysis.classify(run) == expected


def _gold_data():
    scenarios = [
        scenario("s1", library="lib"),
        scenario("s2", library="lib"),
        scenario("s3"),
        scenario("s4"),
    ]
    runs = [
        # attempt 1: a canceled try of s1, then the retry that counts; s4 never started
        scenario_run("r0", "s1", "bmr_g", "canceled", agent="gold", attempt=1, start=5),
        scenario_run("r1", "s1", "bmr_g", score=1.0, agent="gold", attempt=1, start=10),
        scenario_run("r2", "s2", "bmr_g", score=1.0, agent="gold", attempt=1, start=11),
        scenario_run("r3", "s3", "bmr_g", score=0.5, agent="gold", attempt=1, start=12),
        # attempt 2
        scenario_run("r4", "s1", "bmr_g", score=1.0, agent="gold", attempt=2, start=20),
        scenario_run("r5", "s2", "bmr_g", score=1.0, agent="gold", attempt=2, errors=("lint",)),
        scenario_run("r6", "s3", "bmr_g", score=0.0, agent="gold", attempt=2, start=22),
        scenario_run("r7", "s4", "bmr_g", "timeout", agent="gold", attempt=2, start=23),
    ]
    return run_set(
        scenarios,
        [benchmark("bmd", ["s1", "s2", "s3", "s4"])],
        [benchmark_run("bmr_g", "bmd"), benchmark_run("bmr_empty", "bmd")],
        runs,
    )


def test_every_scenario_once_per_attempt() -> None:
    data = _gold_data()
    outcomes = analysis.outcomes_frame(data, analysis.runs_frame(data))
    gold = outcomes[outcomes.benchmark_run_id == "bmr_g"]
    assert len(gold) == 8  # 4 scenarios x 2 attempts
    assert not gold.duplicated(["attempt", "scenario_id"]).any()
    by = gold.set_index(["attempt", "scenario_id"])
    assert by.loc[(1, "s1"), "run_id"] == "r1"  # the retry, not the canceled try
    assert by.loc[(1, "s4"), "outcome"] == "not_started"
    assert pd.isna(by.loc[(1, "s4"), "run_id"])
    assert by.loc[(2, "s2"), "outcome"] == "scorer_error"
    assert pd.isna(by.loc[(2, "s2"), "score"])
    # a benchmark run with no scenario run at all: its whole benchmark, not started
    empty = outcomes[outcomes.benchmark_run_id == "bmr_empty"]
    assert list(empty.outcome) == ["not_started"] * 4


def test_summary_counts_the_whole_benchmark() -> None:
    data = _gold_data()
    outcomes = analysis.outcomes_frame(data, analysis.runs_frame(data))
    summary = analysis.summarize(outcomes).set_index("benchmark_run_id")
    row = summary.loc["bmr_g"]
    assert (row.scenarios, row.attempts, row.n) == (4, 2, 8)
    counts = {o: row[o] for o in analysis.OUTCOMES}
    assert counts == {
        "passed": 3, "partial": 1, "failed": 1, "scorer_error": 1, "timeout": 1,
        "infra_failed": 0, "canceled": 0, "in_progress": 0, "not_started": 1,
    }  # fmt: skip
    assert row.pass_rate == 3 / 8
    assert (row.pass_rate_low, row.pass_rate_high) == pytest.approx(wilson_interval(3, 8))
    # scores 1, 1, .5, 0 (not started) | 1, 0 (scorer error), 0, 0 (timeout)
    assert row.mean_score == pytest.approx(3.5 / 8)
    scores = [1, 1, 0.5, 0, 1, 0, 0, 0]
    clusters = ["lib", "lib", "s3", "s4", "lib", "lib", "s3", "s4"]
    assert row.mean_score_se == pytest.approx(clustered_standard_error(scores, clusters))
    assert row.mean_score_low == pytest.approx(row.mean_score - 1.959964 * row.mean_score_se)
    assert not row.reliable
    assert "incomplete: 1 of 8" in row.warnings
    assert "2 of 8 runs ended in scorer errors, timeouts or infrastructure" in row.warnings
    assert "from 38% to 62%" in row.warnings
    empty = summary.loc["bmr_empty"]
    assert empty.n == 4
    assert empty.not_started == 4
    assert empty.pass_rate == 0.0


def test_a_clean_run_has_no_warnings() -> None:
    data = run_set(
        [scenario("a"), scenario("b")],
        [benchmark("bmd", ["a", "b"])],
        [benchmark_run("bmr", "bmd")],
        [scenario_run("1", "a", "bmr", score=1.0), scenario_run("2", "b", "bmr", score=0.0)],
    )
    summary = analysis.summarize(analysis.outcomes_frame(data, analysis.runs_frame(data)))
    assert summary.loc[0, "warnings"] == ""
    assert bool(summary.loc[0, "reliable"]) is True
    assert summary.loc[0, "pass_rate"] == 0.5


def test_summary_dtypes() -> None:
    data = _gold_data()
    summary = analysis.summarize(analysis.outcomes_frame(data, analysis.runs_frame(data)))
    dtypes = {name: str(t) for name, t in summary.dtypes.items()}
    assert dtypes["benchmark_run_id"] == "string"
    assert dtypes["agent"] == "string"
    assert all(dtypes[o] == "Int64" for o in analysis.OUTCOMES)
    assert dtypes["pass_rate"] == dtypes["mean_score_se"] == "float64"
    assert dtypes["reliable"] == "boolean"
    assert dtypes["warnings"] == "string"
