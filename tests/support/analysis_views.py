"""Wire views for analysis tests: benchmarks, benchmark runs, scenarios and scenario runs as the
server sends them (parsed by the real wire models), and a RunSet made of them."""

from __future__ import annotations

from typing import Any

from runloop_nb.analysis import RunSet
from runloop_nb.wire import BenchmarkRunView, BenchmarkView, ScenarioRunView, ScenarioView


def scenario(id: str, name: str | None = None, **metadata: str) -> ScenarioView:
    """A scenario with two scoring functions: tests (weight 0.7) and lint (0.3)."""
    functions = [
        {"name": n, "weight": w, "scorer": {"type": "command_scorer", "command": "true"}}
        for n, w in (("tests", 0.7), ("lint", 0.3))
    ]
    return ScenarioView.model_validate(
        {
            "id": id,
            "name": name or f"name-{id}",
            "input_context": {"problem_statement": f"solve {id}"},
            "scoring_contract": {"scoring_function_parameters": functions},
            "metadata": metadata,
            "status": "active",
            "reference_output": "true",
            "environment": {"working_directory": "/home/user/work"},
            "scorer_timeout_sec": 60,
        }
    )


def benchmark(id: str, scenario_ids: list[str], name: str = "bench") -> BenchmarkView:
    return BenchmarkView.model_validate(
        {"id": id, "name": name, "scenarioIds": scenario_ids, "metadata": {}, "status": "active"}
    )


def benchmark_run(id: str, benchmark_id: str, **metadata: str) -> BenchmarkRunView:
    return BenchmarkRunView.model_validate(
        {
            "id": id,
            "benchmark_id": benchmark_id,
            "name": f"run {id}",
            "start_time_ms": 1_700_000_000_000,
            "state": "completed",
            "metadata": metadata,
        }
    )


def scenario_run(
    id: str,
    scenario_id: str,
    benchmark_run_id: str | None,
    state: str = "completed",
    score: float | None = None,
    *,
    agent: str | None = None,
    attempt: int | None = None,
    errors: tuple[str, ...] = (),
    start: int = 1_700_000_000_000,
    duration_ms: int | None = 2_500,
    **extra: Any,
) -> ScenarioRunView:
    """A scenario run; `score` (when given) is split 0.7/0.3 over tests/lint with the same
    value each, and the functions named in `errors` are in state error."""
    metadata: dict[str, str] = {}
    if agent is not None:
        metadata["runloop_nb.agent"] = agent
    if attempt is not None:
        metadata["runloop_nb.attempt"] = str(attempt)
    result = None
    if score is not None:
        result = {
            "score": score,
            "scoring_function_results": [
                {
                    "scoring_function_name": n,
                    "score": score,
                    "output": f"output of {n} " + "x" * 400 + " the end",
                    "state": "error" if n in errors else "complete",
                }
                for n in ("tests", "lint")
            ],
        }
    return ScenarioRunView.model_validate(
        {
            "id": id,
            "scenario_id": scenario_id,
            "devbox_id": f"dbx_{id}",
            "benchmark_run_id": benchmark_run_id,
            "name": f"run {id}",
            "state": state,
            "metadata": metadata,
            "scoring_contract_result": result,
            "start_time_ms": start,
            "duration_ms": duration_ms,
            **extra,
        }
    )


def run_set(
    scenarios: list[ScenarioView],
    benchmarks: list[BenchmarkView],
    benchmark_runs: list[BenchmarkRunView],
    runs: list[ScenarioRunView],
) -> RunSet:
    return RunSet(
        scenario_runs=runs,
        benchmark_runs={r.id: r for r in benchmark_runs},
        benchmarks={b.id: b for b in benchmarks},
        scenarios={s.id: s for s in scenarios},
        base_url="http://127.0.0.1:1/",
    )
