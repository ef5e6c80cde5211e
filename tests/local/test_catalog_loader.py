"""The bundled catalog in an existing data directory: loaded once, refreshed when it changes.

A data directory made by an older version keeps its ids and runs, but its bundled scenarios
take the current statement, scorers and home archive (a scorer fix reaches every user).
"""

from __future__ import annotations

from typing import Any

from runloop_nb.local._catalog_loader import VERSION_KEY, load_catalog
from runloop_nb.local._state import ServerState
from runloop_nb.local.catalog import CATALOG_VERSION, bundled_benchmarks
from runloop_nb.local.catalog._model import tar_gz


def _public_benchmark(state: ServerState, name: str) -> dict[str, Any]:
    (doc,) = state.store.all("benchmark", where={"name": name, "is_public": True})
    return doc


def _scenarios_of(state: ServerState, name: str) -> dict[str, dict[str, Any]]:
    ids = _public_benchmark(state, name)["scenarioIds"]
    docs = [state.store.get("scenario", i) for i in ids]
    return {d["name"]: d for d in docs if d is not None}


def _bundled(name: str) -> Any:
    (benchmark,) = [b for b in bundled_benchmarks() if b.name == name]
    return benchmark


async def test_an_older_data_directory_gets_the_current_bundled_scenarios(
    state: ServerState,
) -> None:
    assert await load_catalog(state) == 3
    bugfix = _scenarios_of(state, "repo-bugfix")
    smoke = _scenarios_of(state, "smoke")
    stale_name, stale = next(iter(bugfix.items()))
    dropped_name = next(iter(smoke))
    archived_name, archived = list(smoke.items())[1]
    # What a data directory of an earlier catalog looks like: another pass_to_pass command,
    # another home archive, a scenario the benchmark did not list yet, an older version.
    stale_contract = {
        "scoring_function_parameters": [
            {"name": "old", "weight": 1.0, "scorer": {"type": "command_scorer", "command": "true"}}
        ]
    }
    state.store.put("scenario", {**stale, "scoring_contract": stale_contract})
    old_snapshot = archived["environment"]["snapshot_id"]
    state.snapshots.archive_path(old_snapshot).write_bytes(tar_gz({"old.txt": b"old\n"}))
    listing = _public_benchmark(state, "smoke")
    listing["scenarioIds"] = [i for i in listing["scenarioIds"] if i != smoke[dropped_name]["id"]]
    state.store.put("benchmark", listing)
    state.store.set_meta(VERSION_KEY, "1")

    assert await load_catalog(state) == 0, "nothing is loaded twice"

    refreshed = _scenarios_of(state, "repo-bugfix")[stale_name]
    assert refreshed["id"] == stale["id"], "runs made before keep resolving their scenario"
    assert refreshed["scoring_contract"] == stale["scoring_contract"], "as the bundle says"
    smoke_now = _scenarios_of(state, "smoke")
    assert list(smoke_now) == [s.name for s in _bundled("smoke").scenarios]
    assert smoke_now[dropped_name]["id"] != smoke[dropped_name]["id"], "added as a new scenario"
    new_snapshot = smoke_now[archived_name]["environment"]["snapshot_id"]
    assert new_snapshot != old_snapshot
    bundled_archive = next(s for s in _bundled("smoke").scenarios if s.name == archived_name)
    assert state.snapshots.archive_path(new_snapshot).read_bytes() == bundled_archive.home_archive()
    assert state.store.get_meta(VERSION_KEY) == CATALOG_VERSION


async def test_an_unchanged_catalog_under_a_new_version_rewrites_nothing(
    state: ServerState,
) -> None:
    await load_catalog(state)
    before = {d["id"]: d for d in state.store.all("scenario")}
    snapshots_before = state.store.count("snapshot")
    state.store.set_meta(VERSION_KEY, "1")
    await load_catalog(state)
    assert {d["id"]: d for d in state.store.all("scenario")} == before
    assert state.store.count("snapshot") == snapshots_before


def _snapshot_files_match_the_bundle(state: ServerState) -> None:
    for benchmark in bundled_benchmarks():
        stored = _scenarios_of(state, benchmark.name)
        for scenario in benchmark.scenarios:
            snapshot_id = stored[scenario.name]["environment"]["snapshot_id"]
            on_disk = state.data_dir / "snapshots" / f"{snapshot_id}.tar.gz"
            assert on_disk.read_bytes() == scenario.home_archive(), scenario.name


async def test_archives_written_later_are_all_on_disk_before_the_version_is_recorded(
    state: ServerState,
) -> None:
    assert await load_catalog(state, write_archives_later=True) == 3
    await state.snapshots.archives_written()
    assert state.store.get_meta(VERSION_KEY) == CATALOG_VERSION
    _snapshot_files_match_the_bundle(state)


async def test_a_crash_before_the_archives_were_written_is_repaired_by_the_next_start(
    state: ServerState,
) -> None:
    await load_catalog(state, write_archives_later=True)
    await state.snapshots.archives_written()
    # What a crash leaves: the documents committed, no archive files, no version recorded.
    for archive in (state.data_dir / "snapshots").iterdir():
        archive.unlink()
    state.store.set_meta(VERSION_KEY, "")
    assert await load_catalog(state, write_archives_later=True) == 0
    await state.snapshots.archives_written()
    assert state.store.get_meta(VERSION_KEY) == CATALOG_VERSION
    _snapshot_files_match_the_bundle(state)
