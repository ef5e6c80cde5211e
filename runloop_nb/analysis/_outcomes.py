"""Honest outcomes: every scenario of the benchmark, once per attempt, and a summary per run.

The denominator is always the whole benchmark: a scenario that was never started, or whose
run failed for reasons that are not the agent's, still counts (as 0) in the pass rate and the
mean score. The summary says so, and warns when that makes the number unreliable.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from runloop_nb.analysis._classify import SCORED_OUTCOMES
from runloop_nb.analysis._columns import OUTCOME_DTYPE, OUTCOMES, frame, rows
from runloop_nb.analysis._frames import cluster_of
from runloop_nb.analysis._keys import AGENT_KEY
from runloop_nb.analysis._stats import clustered_standard_error, normal_interval, wilson_interval

if TYPE_CHECKING:
    from runloop_nb.analysis._load import RunSet

OUTCOME_COLUMNS: dict[str, Any] = {
    "benchmark_run_id": "string",
    "benchmark_id": "string",
    "agent": "string",
    "attempt": "Int64",
    "scenario_id": "string",
    "scenario_name": "string",
    "cluster": "string",
    "run_id": "string",
    "outcome": OUTCOME_DTYPE,
    "score": "float64",
    "passed": "boolean",
    "duration_s": "float64",
}
# Share of infrastructure failures (infra_failed, scorer_error, timeout) above which a
# summary's pass rate is flagged unreliable.
UNRELIABLE_SHARE = 0.05
_INFRA = ("scorer_error", "timeout", "infra_failed")
_KEY = ("benchmark_run_id", "agent", "attempt", "scenario_id")


def outcomes_frame(data: RunSet, runs: pd.DataFrame) -> pd.DataFrame:
    """One row per (benchmark run, agent, attempt, scenario of the benchmark).

    `runs` is `runs_frame(data)`. When several runs share a row's key (a retry), the one
    started last counts. Scenarios of the benchmark without a run are `not_started`; the
    benchmark's scenario list is the denominator (the scenarios seen in the run when the
    benchmark is unknown).
    """
    latest = runs.sort_values(["started_at", "run_id"], na_position="first").drop_duplicates(
        ["benchmark_run_id", "agent", "attempt", "scenario_id"], keep="last"
    )
    by_key = {
        (r.benchmark_run_id, r.agent, r.attempt, r.scenario_id): r
        for r in rows(latest, (*_KEY, "outcome", "score", "scenario_name", "run_id", "duration_s"))
    }
    groups = _groups(data, latest)
    cols: dict[str, list[Any]] = {name: [] for name in OUTCOME_COLUMNS}
    for (run_id, agent, attempt), scenario_ids in groups.items():
        parent = data.benchmark_runs.get(run_id)
        for scenario_id in scenario_ids:
            row = by_key.get((run_id, agent, attempt, scenario_id))
            scenario = data.scenarios.get(scenario_id)
            outcome = "not_started" if row is None else row.outcome
            score = row.score if row is not None and outcome in SCORED_OUTCOMES else None
            values = (
                run_id,
                parent.benchmark_id if parent else None,
                agent,
                attempt,
                scenario_id,
                scenario.name if scenario else (row.scenario_name if row is not None else None),
                cluster_of(scenario) if scenario else scenario_id,
                None if row is None else row.run_id,
                outcome,
                score,
                outcome == "passed",
                None if row is None else row.duration_s,
            )
            for column, value in zip(cols.values(), values, strict=True):
                column.append(_plain(value))
    return frame(cols, OUTCOME_COLUMNS)


def summarize(outcomes: pd.DataFrame, by: Sequence[str] = ("benchmark_run_id",)) -> pd.DataFrame:
    """One row per group of an outcomes frame (default: per benchmark run); columns:

    =================  =======  ==========================================================
    column             dtype    meaning
    =================  =======  ==========================================================
    (the `by` columns)          the group
    agent              string   the agents of the group, comma-separated (unless
                                `by` has it)
    scenarios          Int64    distinct scenarios (the benchmark's size)
    attempts           Int64    distinct attempts
    n                  Int64    rows: scenarios x attempts, the denominator
    passed ...         Int64    one count per outcome, in the order of OUTCOMES
    pass_rate          float64  passed / n
    pass_rate_low      float64  95 % Wilson interval of the pass rate (attempts taken as
    pass_rate_high     float64  independent draws)
    mean_score         float64  mean score over all n rows (0 for every row without a
                                score of the agent's work)
    mean_score_se      float64  Miller's clustered SE (clusters: the `cluster` column, so
                                attempts of one scenario are never taken as independent)
    mean_score_low     float64  mean_score -/+ 1.96 SE
    mean_score_high    float64
    reliable           boolean  False when infrastructure failures exceed 5 % of n or
                                rows are still in progress / not started
    warnings           string   what is wrong with the number, "" when nothing
    =================  =======  ==========================================================
    """
    keys = list(by)
    extra = [] if "agent" in keys else ["agent"]
    groups = outcomes.groupby(keys, sort=False, dropna=False)
    rows = [_summary_row(key, group, with_agents=bool(extra)) for key, group in groups]
    columns = [*keys, *extra, "scenarios", "attempts", "n", *OUTCOMES, "pass_rate",
               "pass_rate_low", "pass_rate_high", "mean_score", "mean_score_se",
               "mean_score_low", "mean_score_high", "reliable", "warnings"]  # fmt: skip
    table = pd.DataFrame(rows, columns=columns)
    ints = ["scenarios", "attempts", "n", *OUTCOMES]
    floats = columns[columns.index("pass_rate") : columns.index("reliable")]
    return table.astype(
        {
            **{c: "string" for c in [*keys, *extra] if c != "attempt"},
            **dict.fromkeys(ints, "Int64"),
            **dict.fromkeys(floats, "float64"),
            "reliable": "boolean",
            "warnings": "string",
        }
    )


def _summary_row(key: Any, group: pd.DataFrame, *, with_agents: bool) -> list[Any]:
    key = key if isinstance(key, tuple) else (key,)
    counts = group["outcome"].value_counts().reindex(OUTCOMES, fill_value=0)
    n = len(group)
    passed = int(counts["passed"])
    scores = group["score"].fillna(0.0).to_numpy(dtype=float)
    mean = float(scores.mean()) if n else math.nan
    se = clustered_standard_error(scores, group["cluster"].fillna(group["scenario_id"]).to_numpy())
    low, high = normal_interval(mean, se)
    warnings = _warnings(counts, n, passed)
    agents = ", ".join(sorted(set(group["agent"].dropna())))
    named = [agents or None] if with_agents else []
    return [
        *key, *named, group["scenario_id"].nunique(), group["attempt"].nunique(), n,
        *(int(counts[o]) for o in OUTCOMES), passed / n if n else math.nan,
        *wilson_interval(passed, n), mean, se, low, high, not warnings[1], "; ".join(warnings[0]),
    ]  # fmt: skip


def _warnings(counts: pd.Series, n: int, passed: int) -> tuple[list[str], bool]:
    notes: list[str] = []
    unreliable = False
    unfinished = int(counts["not_started"] + counts["in_progress"])
    if unfinished:
        unreliable = True
        notes.append(
            f"incomplete: {unfinished} of {n} scenario runs not started or not finished "
            "(counted as not passed)"
        )
    infra = int(sum(counts[o] for o in _INFRA))
    if infra:
        unreliable = unreliable or infra / n > UNRELIABLE_SHARE
        notes.append(
            f"{infra} of {n} runs ended in scorer errors, timeouts or infrastructure failures: "
            f"the pass rate could be anywhere from {passed / n:.0%} to {(passed + infra) / n:.0%}"
        )
    return notes, unreliable


def _groups(data: RunSet, runs: pd.DataFrame) -> dict[tuple[Any, Any, Any], list[str]]:
    """(benchmark run, agent, attempt) -> the scenario ids that group must account for."""
    groups: dict[tuple[Any, Any, Any], list[str]] = {}
    seen: dict[Any, list[str]] = {}
    for r in rows(runs, _KEY):
        groups.setdefault((r.benchmark_run_id, r.agent, r.attempt), [])
        seen.setdefault(r.benchmark_run_id, []).append(r.scenario_id)
    for parent in data.benchmark_runs.values():  # a run with no scenario run still counts
        if not any(key[0] == parent.id for key in groups):
            groups[(parent.id, parent.metadata.get(AGENT_KEY) or None, 1)] = []
    for key in groups:
        owner = data.benchmark_runs.get(key[0])
        benchmark = data.benchmarks.get(owner.benchmark_id or "") if owner else None
        expected = list(benchmark.scenario_ids) if benchmark else []
        extra = [s for s in dict.fromkeys(seen.get(key[0], [])) if s not in expected]
        groups[key] = expected + extra  # runs of scenarios since removed still count
    return groups


def _plain(value: Any) -> Any:
    """pandas' missing markers and numpy scalars as plain Python values (None for missing)."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value
