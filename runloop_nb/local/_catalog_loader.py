"""Loads the bundled public benchmarks into a data directory, and keeps them current.

For each bundled benchmark not loaded yet: one snapshot per scenario (its home archive), one
public scenario per scenario (environment = that snapshot + working directory), then one public
benchmark listing them, all in one store transaction (a crash leaves no half-loaded benchmark;
archives written before a crash are just unused files). Store meta ``catalog_loaded`` keeps the
names loaded and ``catalog_version`` the catalog's version: a later start with the same version
skips the catalog entirely (fast). A start with another version also *refreshes* the benchmarks
loaded before: a scenario whose statement, scoring contract, reference, timeout, metadata or
home archive changed is rewritten in place (same id, so earlier runs still resolve it; a changed
archive becomes a new snapshot), new scenarios are added and dropped ones leave the benchmark's
list (their documents stay for the runs that used them). Without this, a fix to a bundled scorer
never reached a user whose data directory predates it.

The server's start passes ``write_archives_later``: the home archives are then written in a
thread after the documents are committed (a devbox asking for one first gets it written at
once: ``SnapshotService.archive_path``), and ``catalog_version`` is recorded only once they are
all on disk. A crash before that leaves snapshots without files and no version, so the next
start refreshes the catalog, which finds those archives missing and adds them again.
"""

from __future__ import annotations

import gzip
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

# The fields of a stored scenario that come from the bundle (``environment`` is compared apart,
# by archive content).
_BUNDLED_FIELDS = (
    "input_context",
    "scoring_contract",
    "metadata",
    "reference_output",
    "scorer_timeout_sec",
)


async def load_catalog(state: ServerState, *, write_archives_later: bool = False) -> int:
    """Load bundled benchmarks not loaded yet, refresh older ones; return how many were loaded.

    With ``write_archives_later`` the home archives are written in a thread (see above);
    ``await state.snapshots.archives_written()`` waits for them.
    """
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
    count = refreshed = 0
    later = write_archives_later
    for benchmark in benchmarks:
        if benchmark.name not in loaded:
            _load_one(state, benchmark, later)
            loaded.append(benchmark.name)
            state.store.set_meta(LOADED_KEY, json.dumps(loaded))
            count += 1
        else:
            refreshed += _refresh_one(state, benchmark, later)
    if later:
        state.snapshots.write_later_in_background(
            lambda: state.store.set_meta(VERSION_KEY, version)
        )
    else:
        state.store.set_meta(VERSION_KEY, version)
    log.info(
        "loaded %d bundled benchmarks and refreshed %d scenarios in %.2fs",
        count,
        refreshed,
        time.perf_counter() - started,
    )
    return count


def _load_one(state: ServerState, benchmark: Any, later: bool) -> None:
    with state.store.transaction():
        scenario_ids = [
            _load_scenario(state, benchmark.name, s, later)["id"] for s in benchmark.scenarios
        ]
        params = BenchmarkCreateParams(
            name=benchmark.name,
            scenario_ids=scenario_ids,
            description=benchmark.description,
            attribution=benchmark.attribution,
            metadata={str(k): str(v) for k, v in (benchmark.metadata or {}).items()},
        )
        state.benchmarks.create(params, is_public=True)


def _load_scenario(
    state: ServerState, benchmark_name: str, scenario: Any, later: bool
) -> dict[str, Any]:
    snapshot_id = _add_snapshot(state, benchmark_name, scenario, scenario.home_archive(), later)
    return state.scenarios.create(
        _scenario_params(benchmark_name, scenario, snapshot_id), is_public=True
    )


def _refresh_one(state: ServerState, benchmark: Any, later: bool) -> int:
    """Bring a loaded public benchmark up to the bundle; return how many scenarios changed.

    Public documents are read-only through the API (403), so this writes the store directly.
    """
    stored = state.store.all("benchmark", where={"name": benchmark.name, "is_public": True})
    if not stored:
        return 0
    doc = stored[0]
    by_name = {
        s["name"]: s
        for s in (state.store.get("scenario", i) for i in doc["scenarioIds"])
        if s is not None
    }
    changed = 0
    with state.store.transaction():
        scenario_ids = []
        for scenario in benchmark.scenarios:
            current = by_name.get(scenario.name)
            if current is None:
                scenario_ids.append(_load_scenario(state, benchmark.name, scenario, later)["id"])
                changed += 1
                continue
            scenario_ids.append(current["id"])
            if _refresh_scenario(state, benchmark.name, scenario, current, later):
                changed += 1
        if scenario_ids != doc["scenarioIds"]:
            doc["scenarioIds"] = scenario_ids
            state.store.put("benchmark", doc)
    return changed


def _refresh_scenario(
    state: ServerState, benchmark_name: str, scenario: Any, current: dict[str, Any], later: bool
) -> bool:
    archive = scenario.home_archive()
    environment = current.get("environment") or {}
    snapshot_id = environment.get("snapshot_id")
    if not snapshot_id or not _same_archive(state, snapshot_id, archive):
        snapshot_id = _add_snapshot(state, benchmark_name, scenario, archive, later)
    wanted = state.scenarios.create_doc(
        _scenario_params(benchmark_name, scenario, snapshot_id), is_public=True
    )
    update = {name: wanted[name] for name in (*_BUNDLED_FIELDS, "environment")}
    if all(current.get(name) == value for name, value in update.items()):
        return False
    state.store.put("scenario", {**current, **update})
    log.info("bundled scenario %s/%s updated", benchmark_name, scenario.name)
    return True


def _same_archive(state: ServerState, snapshot_id: str, archive: bytes) -> bool:
    """Same files: gzip headers differ by their timestamps, so compare the tar streams."""
    try:
        stored = state.snapshots.archive_path(snapshot_id).read_bytes()
        return gzip.decompress(stored) == gzip.decompress(archive)
    except (OSError, EOFError, gzip.BadGzipFile):
        return False


def _add_snapshot(
    state: ServerState, benchmark_name: str, scenario: Any, archive: bytes, later: bool
) -> str:
    snapshot = state.snapshots.add_archive(
        archive,
        name=f"{benchmark_name}/{scenario.name}",
        metadata={"benchmark": benchmark_name, "scenario": scenario.name},
        write_later=later,
    )
    return str(snapshot["id"])


def _scenario_params(benchmark_name: str, scenario: Any, snapshot_id: str) -> ScenarioCreateParams:
    metadata = {str(k): str(v) for k, v in (scenario.metadata or {}).items()}
    params = ScenarioCreateParams.model_validate(
        {
            "name": scenario.name,
            "input_context": {"problem_statement": scenario.problem_statement},
            "scoring_contract": scenario.scoring_contract,
            "environment_parameters": {
                "snapshot_id": snapshot_id,
                "working_directory": scenario.working_directory,
            },
            "metadata": {**metadata, "benchmark": benchmark_name},
            "reference_output": scenario.reference_output,
        }
    )
    if scenario.scorer_timeout_sec:
        params.scorer_timeout_sec = int(scenario.scorer_timeout_sec)
    return params


def _names_hash(benchmarks: list[Any]) -> str:
    names = "\n".join(sorted(b.name for b in benchmarks))
    return "names-" + hashlib.sha256(names.encode()).hexdigest()[:16]
