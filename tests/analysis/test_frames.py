"""Frames built from wire views: the column contract in each docstring, and the values."""

from __future__ import annotations

import inspect
import re
import time

import pandas as pd
import pytest
from support.analysis_views import benchmark, benchmark_run, run_set, scenario, scenario_run

from runloop_nb import analysis
from runloop_nb.analysis._frames import benchmarks_frame, scenarios_frame


def documented_columns(function: object) -> dict[str, str]:
    """column -> dtype from the table in a docstring (rows between the 2nd and 3rd rule),
    each cell cut at the rule's column boundaries."""
    lines = inspect.cleandoc(function.__doc__ or "").splitlines()
    rules = [i for i, line in enumerate(lines) if line.strip().startswith("====")]
    assert len(rules) >= 3, f"{function} has no column table"
    spans = [m.span() for m in re.finditer("=+", lines[rules[0]])]
    columns: dict[str, str] = {}
    for row in lines[rules[1] + 1 : rules[2]]:
        name = row[spans[0][0] : spans[0][1]].strip()
        if name:  # a row; the others continue the meaning of the row above
            columns[name] = row[spans[1][0] : spans[1][1]].strip()
    return columns


def _data():
    scenarios = [scenario("s1", library="toolz"), scenario("s2", library="toolz"), scenario("s3")]
    bench = benchmark("bmd_1", ["s1", "s2", "s3"])
    parent = benchmark_run("bmr_1", "bmd_1", **{"runloop_nb.agent": "from-parent"})
    runs = [
        scenario_run("r1", "s1", "bmr_1", score=1.0, agent="gold", attempt=1),
        scenario_run("r2", "s2", "bmr_1", "failed", failure_reason="devbox died", start=2),
        scenario_run("r3", "s3", "bmr_1", "running", duration_ms=None, start=3),
    ]
    return run_set(scenarios, [bench], [parent], runs)


@pytest.mark.parametrize(
    ("function", "build"),
    [
        (analysis.runs_df, lambda d: analysis.runs_frame(d)),
        (analysis.scores_df, lambda d: analysis.scores_frame(d)),
        (analysis.outcomes_df, lambda d: analysis.outcomes_frame(d, analysis.runs_frame(d))),
        (analysis.benchmarks_df, lambda d: benchmarks_frame(d.benchmarks.values())),
        (analysis.scenarios_df, lambda d: scenarios_frame(d.scenarios.values())),
        (analysis.steps_df, None),
    ],
    ids=lambda x: getattr(x, "__name__", ""),
)
def test_each_frame_has_exactly_the_documented_columns_and_dtypes(function, build, tmp_path):
    if build is None:
        path = tmp_path / "t.jsonl"
        path.write_text('{"step": 1, "who": "agent", "files_changed": ["a"]}\n')
        frame = analysis.steps_df(path)
    else:
        frame = build(_data())
    assert len(frame) > 0
    actual = {name: str(dtype) for name, dtype in frame.dtypes.items()}
    assert actual == documented_columns(function)
    # and the same columns, same dtypes, when there is nothing to show
    empty = run_set([], [], [], [])
    if build is not None and function not in (analysis.outcomes_df,):
        assert {n: str(t) for n, t in build(empty).dtypes.items()} == actual


def test_runs_frame_values() -> None:
    runs = analysis.runs_frame(_data()).set_index("run_id")
    gold = runs.loc["r1"]
    assert gold.agent == "gold"
    assert gold.attempt == 1
    assert gold.outcome == "passed"
    assert gold.score == 1.0
    assert gold.duration_s == 2.5
    assert gold.cluster == "toolz"
    assert gold.started_at == pd.Timestamp(1_700_000_000_000, unit="ms", tz="UTC")
    assert gold.benchmark_id == "bmd_1"
    assert gold.scenario_name == "name-s1"
    failed = runs.loc["r2"]
    # no agent of its own: the benchmark run's; no attempt: numbered by start time
    assert failed.agent == "from-parent"
    assert failed.attempt == 1
    assert failed.outcome == "infra_failed"
    assert failed.reason == "devbox died"
    assert pd.isna(failed.score)
    running = runs.loc["r3"]
    assert running.outcome == "in_progress"
    assert pd.isna(running.duration_s)
    assert running.cluster == "s3"  # no cluster metadata: its own


def test_attempts_without_metadata_are_numbered_by_start_time() -> None:
    data = run_set(
        [scenario("s1")],
        [benchmark("b", ["s1"])],
        [benchmark_run("bmr", "b")],
        [
            scenario_run("late", "s1", "bmr", score=0.0, start=30),
            scenario_run("early", "s1", "bmr", score=1.0, start=10),
            scenario_run("tagged", "s1", "bmr", score=1.0, start=20, attempt=7),
        ],
    )
    attempts = analysis.runs_frame(data).set_index("run_id")["attempt"].to_dict()
    assert attempts == {"late": 2, "early": 1, "tagged": 7}


def test_scores_frame_has_one_row_per_function_with_weights_and_excerpts() -> None:
    scores = analysis.scores_frame(_data())
    assert list(scores["scoring_function"]) == ["tests", "lint"]  # only r1 was scored
    assert list(scores["weight"]) == [0.7, 0.3]
    assert all(len(x) == 300 and x.endswith("the end") for x in scores["output_excerpt"])
    assert set(scores["agent"]) == {"gold"}


def test_runs_frame_is_fast_for_ten_thousand_runs() -> None:
    scenarios = [scenario(f"s{i}") for i in range(100)]
    runs = [
        scenario_run(f"r{i}", f"s{i % 100}", "bmr", score=float(i % 3 == 0), attempt=i // 100 + 1)
        for i in range(10_000)
    ]
    data = run_set(
        scenarios, [benchmark("b", [s.id for s in scenarios])], [benchmark_run("bmr", "b")], runs
    )
    start = time.perf_counter()
    frame = analysis.runs_frame(data)
    outcomes = analysis.outcomes_frame(data, frame)
    elapsed = time.perf_counter() - start
    assert len(frame) == 10_000
    assert len(outcomes) == 10_000
    # "about a second" for 10,000 runs; generous for a loaded 2-core machine
    assert elapsed < 5.0, f"{elapsed:.2f} s"


def test_the_attempt_of_the_benchmark_run_counts_when_the_run_has_none() -> None:
    data = run_set(
        [scenario("s1")],
        [benchmark("b", ["s1"])],
        [benchmark_run("bmr", "b", **{"runloop_nb.attempt": "3"})],
        [scenario_run("r", "s1", "bmr", score=1.0), scenario_run("t", "s1", "bmr", attempt=1)],
    )
    attempts = analysis.runs_frame(data).set_index("run_id")["attempt"].to_dict()
    assert attempts == {"r": 3, "t": 1}
