"""Build the frames from views (no requests here; `_load.py` fetches, `_api.py` documents).

Every builder fills one list per column and casts once (`_columns.frame`), which keeps 10,000
runs well under a second; the column contracts are the `*_COLUMNS` dicts (name -> dtype).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from runloop_nb.analysis._classify import classify
from runloop_nb.analysis._columns import OUTCOME_DTYPE, TIME_DTYPE, empty_columns, frame
from runloop_nb.analysis._keys import AGENT_KEY, ATTEMPT_KEY, CLUSTER_FALLBACK_KEYS

if TYPE_CHECKING:
    import pandas as pd

    from runloop_nb.analysis._load import RunSet
    from runloop_nb.wire import BenchmarkRunView, BenchmarkView, ScenarioRunView, ScenarioView

# Characters of a scorer's output kept in scores_df (the end says why it failed).
EXCERPT_CHARS = 300

BENCHMARK_COLUMNS: dict[str, Any] = {
    "benchmark_id": "string",
    "name": "string",
    "status": "string",
    "scenarios": "Int64",
    "is_public": "boolean",
    "description": "string",
    "attribution": "string",
}
SCENARIO_COLUMNS: dict[str, Any] = {
    "scenario_id": "string",
    "name": "string",
    "benchmark_id": "string",
    "position": "Int64",
    "status": "string",
    "scoring_functions": "Int64",
    "scorer_types": "string",
    "cluster": "string",
    "working_directory": "string",
    "scorer_timeout_s": "Int64",
    "has_reference": "boolean",
    "problem_statement": "string",
}
RUN_COLUMNS: dict[str, Any] = {
    "run_id": "string",
    "run_name": "string",
    "scenario_id": "string",
    "scenario_name": "string",
    "benchmark_run_id": "string",
    "benchmark_run_name": "string",
    "benchmark_id": "string",
    "agent": "string",
    "attempt": "Int64",
    "state": "string",
    "score": "float64",
    "outcome": OUTCOME_DTYPE,
    "started_at": TIME_DTYPE,
    "duration_s": "float64",
    "cluster": "string",
    "reason": "string",
}
SCORE_COLUMNS: dict[str, Any] = {
    "run_id": "string",
    "scenario_id": "string",
    "scenario_name": "string",
    "benchmark_run_id": "string",
    "agent": "string",
    "attempt": "Int64",
    "scoring_function": "string",
    "weight": "float64",
    "score": "float64",
    "state": "string",
    "output_excerpt": "string",
}


def benchmarks_frame(benchmarks: Iterable[BenchmarkView]) -> pd.DataFrame:
    """One row per benchmark (columns: BENCHMARK_COLUMNS)."""
    cols = empty_columns(BENCHMARK_COLUMNS)
    for b in benchmarks:
        _append(
            cols, b.id, b.name, b.status, len(b.scenario_ids), b.is_public, b.description,
            b.attribution,
        )  # fmt: skip
    return frame(cols, BENCHMARK_COLUMNS)


def scenarios_frame(
    scenarios: Iterable[ScenarioView], benchmark: BenchmarkView | None = None
) -> pd.DataFrame:
    """One row per scenario (columns: SCENARIO_COLUMNS); `position` is its index in
    `benchmark.scenario_ids` when a benchmark is given."""
    positions = {s: i for i, s in enumerate(benchmark.scenario_ids)} if benchmark else {}
    cols = empty_columns(SCENARIO_COLUMNS)
    for s in scenarios:
        functions = s.scoring_contract.scoring_function_parameters
        types = ", ".join(dict.fromkeys(f.scorer.type for f in functions))
        env = s.environment
        _append(
            cols, s.id, s.name, benchmark.id if benchmark else None, positions.get(s.id),
            s.status, len(functions), types, cluster_of(s),
            env.working_directory if env else None, s.scorer_timeout_sec,
            bool(s.reference_output and s.reference_output.strip()),
            s.input_context.problem_statement,
        )  # fmt: skip
    return frame(cols, SCENARIO_COLUMNS)


def runs_frame(data: RunSet) -> pd.DataFrame:
    """One row per scenario run of `data` (columns: RUN_COLUMNS)."""
    attempts = _attempts(data.scenario_runs, data.benchmark_runs)
    cols = empty_columns(RUN_COLUMNS)
    for run, attempt in zip(data.scenario_runs, attempts, strict=True):
        scenario = data.scenarios.get(run.scenario_id) or run.scenario
        parent = data.benchmark_runs.get(run.benchmark_run_id or "")
        result = run.scoring_contract_result
        _append(
            cols, run.id, run.name, run.scenario_id, scenario.name if scenario else None,
            run.benchmark_run_id, parent.name if parent else None,
            parent.benchmark_id if parent else None, agent_of(run, parent), attempt, run.state,
            None if result is None else result.score, classify(run), run.start_time_ms,
            None if run.duration_ms is None else run.duration_ms / 1000.0,
            cluster_of(scenario) if scenario else None, _reason(run),
        )  # fmt: skip
    return frame(cols, RUN_COLUMNS)


def scores_frame(data: RunSet) -> pd.DataFrame:
    """One row per scoring-function result of every scored run (columns: SCORE_COLUMNS)."""
    attempts = _attempts(data.scenario_runs, data.benchmark_runs)
    cols = empty_columns(SCORE_COLUMNS)
    for run, attempt in zip(data.scenario_runs, attempts, strict=True):
        result = run.scoring_contract_result
        if result is None:
            continue
        scenario = data.scenarios.get(run.scenario_id) or run.scenario
        weights = _weights(scenario)
        agent = agent_of(run, data.benchmark_runs.get(run.benchmark_run_id or ""))
        for f in result.scoring_function_results:
            _append(
                cols, run.id, run.scenario_id, scenario.name if scenario else None,
                run.benchmark_run_id, agent, attempt, f.scoring_function_name,
                weights.get(f.scoring_function_name), f.score, f.state,
                f.output.strip()[-EXCERPT_CHARS:],
            )  # fmt: skip
    return frame(cols, SCORE_COLUMNS)


def agent_of(run: ScenarioRunView, parent: BenchmarkRunView | None) -> str | None:
    """The run's agent by the metadata convention (`_keys.py`): the run's, else its
    benchmark run's, else None."""
    name = run.metadata.get(AGENT_KEY) or (parent.metadata.get(AGENT_KEY) if parent else None)
    return name or None


def cluster_of(scenario: ScenarioView) -> str:
    """The scenario's cluster by the convention (`_keys.py`); its own id when it has none."""
    for key in CLUSTER_FALLBACK_KEYS:
        value = scenario.metadata.get(key)
        if value:
            return value
    return scenario.id


def _attempts(runs: list[ScenarioRunView], parents: Mapping[str, BenchmarkRunView]) -> list[int]:
    """The attempt of each run: its metadata's, else its benchmark run's, else its rank by
    start time among the runs of the same benchmark run, agent and scenario that carry none."""
    found: list[int | None] = []
    for run in runs:
        parent = parents.get(run.benchmark_run_id or "")
        own = _attempt_key(run.metadata)
        found.append(own if own is not None else _attempt_key(parent.metadata if parent else {}))
    unnumbered: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for i, run in enumerate(runs):
        if found[i] is None:
            key = (run.benchmark_run_id or "", run.metadata.get(AGENT_KEY, ""), run.scenario_id)
            unnumbered[key].append(i)
    for indices in unnumbered.values():
        indices.sort(key=lambda i: (runs[i].start_time_ms or 0, runs[i].id))
        for rank, i in enumerate(indices, start=1):
            found[i] = rank
    return [a if a is not None else 1 for a in found]


def _attempt_key(metadata: Mapping[str, str]) -> int | None:
    text = metadata.get(ATTEMPT_KEY)
    if text is None:
        return None
    try:
        value = int(text)
    except ValueError:
        return None  # not ours to reject: numbered by start time instead (documented)
    return value if value >= 1 else None


def _weights(scenario: ScenarioView | None) -> Mapping[str, float]:
    if scenario is None:
        return {}
    return {f.name: f.weight for f in scenario.scoring_contract.scoring_function_parameters}


def _reason(run: ScenarioRunView) -> str | None:
    # Not in the contract: the local server adds `failure_reason` to failed/timed-out runs
    # (kept as an extra field); the cloud may not send it.
    extra = run.model_extra or {}
    value = extra.get("failure_reason")
    return str(value) if value else None


def _append(cols: dict[str, list[Any]], *values: Any) -> None:
    for column, value in zip(cols.values(), values, strict=True):
        column.append(value)
