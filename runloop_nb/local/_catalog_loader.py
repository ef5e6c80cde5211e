"""Loads the bundled public benchmarks into a fresh data directory, once.

For each bundled benchmark not loaded yet: one snapshot per scenario (its home archive), one
public scenario per scenario (environment = that snapshot + working directory), then one public
benchmark listing them, all in one store transaction (a crash leaves no half-loaded benchmark;
archives written before a crash are just unused files). Store meta ``catalog_loaded`` keeps the
names loaded and ``catalog_version`` the catalog's version: a later start with the same version
skips the catalog entirely (fast), a newer version loads only benchmarks it has not seen.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from typing import TYPE_CHECKING, Any

from runloop_nb.wire import BenchmarkCreateParams, ScenarioCreateParams

if TYPE_CHECKING:
    from runloop_nb.local._state import ServerState

log = logging.getLogger(__name__)

LOADED_KEY = "catalog_loaded"
VERSION_KEY = "catalog_version"


async def load_catalog(state: ServerState) -> int:
    """Load bundled benchmarks not loaded yet; return how many were loaded now."""
    try:
        from runloop_nb.local import catalog
    except ImportError:
        return 0
    bundled_benchmarks = getattr(catalog, "bundled_benchmarks", None)
    if bundled_benchmarks is None:
        return 0
    version = getattr(catalog, "CATALOG_VERSION", None)
    if version is not None and state.store.get_meta(VERSION_KEY) == str(version):
        return 0
    started = time.perf_counter()
    benchmarks = bundled_benchmarks()
    version = str(version) if version is not None else _names_hash(benchmarks)
    loaded: list[str] = json.loads(state.store.get_meta(LOADED_KEY) or "[]")
    count = 0
    for benchmark in benchmarks:
        if benchmark.name not in loaded:
            _load_one(state, benchmark)
            loaded.append(benchmark.name)
            state.store.set_meta(LOADED_KEY, json.dumps(loaded))
            count += 1
    state.store.set_meta(VERSION_KEY, version)
    log.info("loaded %d bundled benchmarks in %.2fs", count, time.perf_counter() - started)
    return count


def _load_one(state: ServerState, benchmark: Any) -> None:
    with state.store.transaction():
        scenario_ids = [_load_scenario(state, benchmark.name, s)["id"] for s in benchmark.scenarios]
        params = BenchmarkCreateParams(
            name=benchmark.name,
            scenario_ids=scenario_ids,
            description=benchmark.description,
            attribution=benchmark.attribution,
            metadata={str(k): str(v) for k, v in (benchmark.metadata or {}).items()},
        )
        state.benchmarks.create(params, is_public=True)


def _load_scenario(state: ServerState, benchmark_name: str, scenario: Any) -> dict[str, Any]:
    metadata = {str(k): str(v) for k, v in (scenario.metadata or {}).items()}
    snapshot = state.snapshots.add_archive(
        scenario.home_archive(),
        name=f"{benchmark_name}/{scenario.name}",
        metadata={"benchmark": benchmark_name, "scenario": scenario.name},
    )
    params = ScenarioCreateParams.model_validate(
        {
            "name": scenario.name,
            "input_context": {"problem_statement": scenario.problem_statement},
            "scoring_contract": scenario.scoring_contract,
            "environment_parameters": {
                "snapshot_id": snapshot["id"],
                "working_directory": scenario.working_directory,
            },
            "metadata": {**metadata, "benchmark": benchmark_name},
            "reference_output": scenario.reference_output,
        }
    )
    if scenario.scorer_timeout_sec:
        params.scorer_timeout_sec = int(scenario.scorer_timeout_sec)
    return state.scenarios.create(params, is_public=True)


def _names_hash(benchmarks: list[Any]) -> str:
    names = "\n".join(sorted(b.name for b in benchmarks))
    return "names-" + hashlib.sha256(names.encode()).hexdigest()[:16]
