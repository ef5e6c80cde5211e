"""SQLite (WAL) document store: every resource is a JSON document of one kind, listed by cursor.

Each write is committed before the call returns, so an answer the server has sent is never lost
by a crash. Listing is cheap for thousands of documents: one indexed range scan per page.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (
    seq  INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    id   TEXT NOT NULL UNIQUE,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS docs_kind_seq ON docs(kind, seq);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

Doc = dict[str, Any]


@dataclass(frozen=True)
class ListResult:
    """One page of documents, as the list endpoints answer it."""

    items: list[Doc]
    has_more: bool
    total_count: int | None


class Store:
    """Documents by kind and id. Thread-safe; each call is one committed transaction."""

    def __init__(self, path: Path | str) -> None:
        self._lock = threading.RLock()
        _private_files(Path(path))
        self._conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA busy_timeout=5000")
        self._conn.executescript(_SCHEMA)
        self._depth = 0

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group several writes so that either all of them land or none does."""
        with self._lock:
            outermost = self._depth == 0
            if outermost:
                self._conn.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if outermost:
                    self._conn.execute("ROLLBACK")
                raise
            self._depth -= 1
            if outermost:
                self._conn.execute("COMMIT")

    def insert(self, kind: str, doc: Doc) -> Doc:
        with self._lock:
            self._conn.execute(
                "INSERT INTO docs (kind, id, data) VALUES (?, ?, ?)",
                (kind, doc["id"], json.dumps(doc)),
            )
        return doc

    def put(self, kind: str, doc: Doc) -> Doc:
        """Replace an existing document (keeping its place in listings) or insert a new one."""
        with self._lock:
            cur = self._conn.execute(
                "UPDATE docs SET data = ? WHERE id = ? AND kind = ?",
                (json.dumps(doc), doc["id"], kind),
            )
            if cur.rowcount == 0:
                self.insert(kind, doc)
        return doc

    def get(self, kind: str, doc_id: str) -> Doc | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT data FROM docs WHERE id = ? AND kind = ?", (doc_id, kind)
            ).fetchone()
        return None if row is None else json.loads(row[0])

    def delete(self, kind: str, doc_id: str) -> None:
        with self._lock:
            self._conn.execute("DELETE FROM docs WHERE id = ? AND kind = ?", (doc_id, kind))

    def all(self, kind: str, *, where: Mapping[str, Any] | None = None) -> list[Doc]:
        """Every document of a kind matching ``where`` (field equality), oldest first."""
        clause, args = _where(kind, where, None, None)
        with self._lock:
            rows = self._conn.execute(
                f"SELECT data FROM docs WHERE {clause} ORDER BY seq", args
            ).fetchall()
        return [json.loads(r[0]) for r in rows]

    def count(self, kind: str, *, where: Mapping[str, Any] | None = None) -> int:
        clause, args = _where(kind, where, None, None)
        with self._lock:
            row = self._conn.execute(f"SELECT COUNT(*) FROM docs WHERE {clause}", args).fetchone()
        return int(row[0])

    def page(
        self,
        kind: str,
        *,
        limit: int,
        starting_after: str | None = None,
        where: Mapping[str, Any] | None = None,
        where_not: Mapping[str, Any] | None = None,
        search: str | None = None,
        newest_first: bool = False,
        include_total_count: bool = True,
    ) -> ListResult:
        """One page after the document ``starting_after`` (a cursor that must exist)."""
        clause, args = _where(kind, where, where_not, search)
        order = "DESC" if newest_first else "ASC"
        cursor_clause, cursor_args = "", []
        with self._lock:
            if starting_after is not None:
                seq = self._conn.execute(
                    "SELECT seq FROM docs WHERE id = ? AND kind = ?", (starting_after, kind)
                ).fetchone()
                if seq is None:
                    raise KeyError(starting_after)
                cursor_clause = f" AND seq {'<' if newest_first else '>'} ?"
                cursor_args = [seq[0]]
            rows = self._conn.execute(
                f"SELECT data FROM docs WHERE {clause}{cursor_clause} ORDER BY seq {order} LIMIT ?",
                [*args, *cursor_args, limit + 1],
            ).fetchall()
            total = None
            if include_total_count:
                total = int(
                    self._conn.execute(
                        f"SELECT COUNT(*) FROM docs WHERE {clause}", args
                    ).fetchone()[0]
                )
        items = [json.loads(r[0]) for r in rows[:limit]]
        return ListResult(items=items, has_more=len(rows) > limit, total_count=total)

    def get_meta(self, key: str) -> str | None:
        with self._lock:
            row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self._lock:
            self._conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )


def _where(
    kind: str,
    where: Mapping[str, Any] | None,
    where_not: Mapping[str, Any] | None,
    search: str | None,
) -> tuple[str, list[Any]]:
    parts, args = ["kind = ?"], [kind]
    for negate, filters in ((False, where), (True, where_not)):
        for field, value in (filters or {}).items():
            op = "IS NOT" if negate else "IS"
            parts.append(f"json_extract(data, ?) {op} ?")
            args += [f"$.{field}", _sql_value(value)]
    if search:
        parts.append("(id = ? OR json_extract(data, '$.name') LIKE ? ESCAPE '\\')")
        escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        args += [search, f"%{escaped}%"]
    return " AND ".join(parts), args


def _sql_value(value: Any) -> Any:
    # json_extract returns SQLite integers for JSON booleans.
    return int(value) if isinstance(value, bool) else value


def _private_files(db: Path) -> None:
    """The database and its WAL/SHM files are 0600: they hold devbox env vars and secrets.

    SQLite gives the -wal and -shm files the mode of the database file, so the database is
    created 0600 before SQLite opens it; files left by an older version are tightened.
    """
    if str(db) == ":memory:":
        return
    os.close(os.open(db, os.O_WRONLY | os.O_CREAT, 0o600))
    for path in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        with contextlib.suppress(FileNotFoundError):
            path.chmod(0o600)
