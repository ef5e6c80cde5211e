"""The SQLite document store the local server keeps everything in."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from runloop_nb.local._store import Store


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "s.sqlite3")


def test_put_keeps_the_place_in_listings_and_survives_reopen(tmp_path: Path) -> None:
    first = Store(tmp_path / "s.sqlite3")
    for i in range(3):
        first.insert("thing", {"id": f"t{i}", "n": i})
    first.put("thing", {"id": "t0", "n": 99})
    first.close()
    again = Store(tmp_path / "s.sqlite3")
    assert [d["n"] for d in again.all("thing")] == [99, 1, 2]


def test_page_by_cursor_both_directions_and_unknown_cursor(store: Store) -> None:
    for i in range(5):
        store.insert("thing", {"id": f"t{i}"})
    page = store.page("thing", limit=2, starting_after="t1")
    assert [d["id"] for d in page.items] == ["t2", "t3"]
    assert page.has_more is True
    assert page.total_count == 5
    newest = store.page("thing", limit=2, starting_after="t3", newest_first=True)
    assert [d["id"] for d in newest.items] == ["t2", "t1"]
    assert store.page("thing", limit=9, include_total_count=False).total_count is None
    with pytest.raises(KeyError):
        store.page("thing", limit=2, starting_after="missing")


def test_filters_booleans_and_search_escapes_wildcards(store: Store) -> None:
    store.insert("b", {"id": "b1", "name": "100% done", "is_public": True, "state": "x"})
    store.insert("b", {"id": "b2", "name": "1000 done", "is_public": False, "state": "y"})
    assert [d["id"] for d in store.all("b", where={"is_public": True})] == ["b1"]
    assert store.count("b", where={"is_public": False}) == 1
    page = store.page("b", limit=10, where_not={"state": "x"})
    assert [d["id"] for d in page.items] == ["b2"]
    assert [d["id"] for d in store.page("b", limit=10, search="0%").items] == ["b1"]
    assert [d["id"] for d in store.page("b", limit=10, search="b2").items] == ["b2"]


def test_transaction_rolls_back_every_write_on_error(store: Store) -> None:
    def write_then_fail() -> None:
        with store.transaction():
            store.insert("thing", {"id": "a"})
            with store.transaction():
                store.insert("thing", {"id": "b"})
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        write_then_fail()
    assert store.all("thing") == []


def test_meta_and_nul_or_unicode_text_round_trip(store: Store) -> None:
    store.set_meta("k", "v1")
    store.set_meta("k", "v2")
    assert store.get_meta("k") == "v2"
    assert store.get_meta("absent") is None
    doc = {"id": "u", "name": "ü\x00☃" * 1000}
    store.insert("thing", doc)
    assert store.get("thing", "u") == doc


def test_the_database_and_its_wal_files_are_private(tmp_path: Path) -> None:
    db = tmp_path / "state.sqlite3"
    store = Store(db)
    store.insert("devbox", {"id": "dbx_1", "_env": {"SECRET": "s3cr3t"}})
    files = [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]
    assert all(path.exists() for path in files)
    assert [stat.S_IMODE(path.stat().st_mode) for path in files] == [0o600] * 3
