"""SnapshotService: disk snapshots of devboxes, stored as tar.gz archives of the home directory.

Archives live at ``<data_dir>/snapshots/<snapshot id>.tar.gz`` and never depend on the devbox
they came from, so a devbox can be shut down (and its disk freed) while its snapshots stay
usable. A snapshot record is the DevboxSnapshotView JSON plus ``_status`` (``in_progress``,
``complete`` or ``error``) and ``_error_message``. Snapshots of the bundled catalog come from
``add_archive`` and have an empty ``source_devbox_id`` (no devbox made them).

Deleting answers 409 while a snapshot is in progress (clients retry 409, and an in-progress
snapshot soon ends); a complete or failed snapshot is deleted with its archive.

``add_archive(..., write_later=True)`` records the snapshot now and keeps its archive in memory:
``archive_path()`` writes it before anyone can read it, and ``write_later_in_background()``
writes all of them in a thread (the bundled catalog's ~180 files, so that a fresh data
directory's first start does not wait for them; creating them costs up to 1 ms each on a busy
disk).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from runloop_nb.local._devbox_records import Doc, now_ms, public_view
from runloop_nb.local._errors import Conflict, InvalidRequest, NotFound
from runloop_nb.local._ids import new_id
from runloop_nb.local._store import Store
from runloop_nb.wire import SnapshotDiskParams, SnapshotUpdateParams

if TYPE_CHECKING:
    from runloop_nb.local._devboxes import DevboxService

log = logging.getLogger(__name__)
KIND = "snapshot"
RESTART_MESSAGE = "The local server restarted while this snapshot was being written."


class SnapshotService:
    """Snapshots of the devboxes of one ``DevboxService`` (``ServerState.snapshots``)."""

    def __init__(self, store: Store, data_dir: Path, devboxes: DevboxService | None = None) -> None:
        self._store = store
        self._dir = data_dir / "snapshots"
        self._devboxes = devboxes
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._unwritten: dict[str, bytes] = {}
        self._unwritten_lock = threading.Lock()
        self._writer: threading.Thread | None = None

    def archive_path(self, snapshot_id: str) -> Path:
        """Where the archive of ``snapshot_id`` is (or will be) stored; an archive added with
        ``write_later`` is written first."""
        self._write_unwritten(snapshot_id)
        return self._dir / f"{snapshot_id}.tar.gz"

    def add_archive(
        self, archive: bytes, *, name: str, metadata: dict[str, str], write_later: bool = False
    ) -> Doc:
        """Store a ready-made home archive (the bundled catalog) as a complete snapshot.

        With ``write_later`` the file is written by ``archive_path()`` or
        ``write_later_in_background()``, whichever comes first.
        """
        doc = self._new_doc("", name=name, metadata=metadata, commit_message=None)
        if write_later:
            with self._unwritten_lock:
                self._unwritten[doc["id"]] = archive
        else:
            self._dir.mkdir(parents=True, exist_ok=True)
            self.archive_path(doc["id"]).write_bytes(archive)
        doc.update(_status="complete", size_bytes=len(archive))
        self._store.insert(KIND, doc)
        return public_view(doc)

    def write_later_in_background(self, then: Callable[[], None]) -> None:
        """Write every archive added with ``write_later`` in a thread, then call ``then``
        (in that thread; not if a write failed, which is logged). ``close()`` waits for it."""

        def write_all() -> None:
            try:
                with self._unwritten_lock:
                    pending = list(self._unwritten)
                for snapshot_id in pending:
                    self._write_unwritten(snapshot_id)
            except Exception:
                log.exception("writing the bundled snapshot archives failed")
                return
            then()

        self._writer = threading.Thread(target=write_all, name="runloop-nb archives", daemon=True)
        self._writer.start()

    def _write_unwritten(self, snapshot_id: str) -> None:
        with self._unwritten_lock:  # held while writing: a reader waits until the file is whole
            archive = self._unwritten.get(snapshot_id)
            if archive is None:
                return
            self._dir.mkdir(parents=True, exist_ok=True)
            (self._dir / f"{snapshot_id}.tar.gz").write_bytes(archive)
            del self._unwritten[snapshot_id]

    async def snapshot(self, devbox_id: str, params: SnapshotDiskParams, *, wait: bool) -> Doc:
        """Snapshot a running devbox's home; with ``wait`` return only once it is complete.

        Raises:
            NotFound / IllegalState: no such devbox, or it is not running.
            InvalidRequest: ``wait`` and the archive could not be written.
        """
        if self._devboxes is None:
            raise RuntimeError("this SnapshotService has no DevboxService; use devboxes.snapshots")
        sandbox = self._devboxes.sandbox(devbox_id)
        doc = self._new_doc(
            devbox_id,
            name=params.name,
            metadata=params.metadata or {},
            commit_message=params.commit_message,
        )
        self._store.insert(KIND, doc)
        self._dir.mkdir(parents=True, exist_ok=True)
        task = asyncio.create_task(self._write(doc["id"], sandbox.snapshot))
        self._tasks[doc["id"]] = task
        task.add_done_callback(lambda _: self._tasks.pop(doc["id"], None))
        if wait:
            await asyncio.shield(task)
            done = self._doc(doc["id"])
            if done["_status"] == "error":
                raise InvalidRequest(f"The snapshot failed: {done['_error_message']}")
            return public_view(done)
        return public_view(doc)

    def get(self, snapshot_id: str) -> Doc:
        return public_view(self._doc(snapshot_id))

    def status(self, snapshot_id: str) -> Doc:
        """``{status, error_message?, snapshot?}`` for polling an async snapshot."""
        doc = self._doc(snapshot_id)
        view: Doc = {"status": doc["_status"], "snapshot": public_view(doc)}
        if doc.get("_error_message"):
            view["error_message"] = doc["_error_message"]
        return view

    def in_progress(self, devbox_id: str) -> bool:
        return bool(
            self._store.count(KIND, where={"source_devbox_id": devbox_id, "_status": "in_progress"})
        )

    def matching(
        self,
        *,
        devbox_id: str | None,
        source_blueprint_id: str | None,
        metadata: Mapping[str, list[str]],
    ) -> list[Doc]:
        """Snapshot views, newest first; ``metadata`` maps a key to its accepted values."""
        return [
            public_view(d)
            for d in reversed(self._store.all(KIND))
            if _matches(d, devbox_id=devbox_id, blueprint_id=source_blueprint_id, metadata=metadata)
        ]

    def update(self, snapshot_id: str, params: SnapshotUpdateParams) -> Doc:
        """Replace name, metadata and commit_message (a field left out is cleared)."""
        doc = self._doc(snapshot_id)
        doc.update(
            name=params.name,
            metadata=dict(params.metadata or {}),
            commit_message=params.commit_message,
        )
        self._store.put(KIND, doc)
        return public_view(doc)

    def delete(self, snapshot_id: str) -> None:
        """Delete a snapshot and its archive. Raises Conflict (409) while in progress."""
        doc = self._doc(snapshot_id)
        if doc["_status"] == "in_progress":
            raise Conflict(
                f"Snapshot {snapshot_id} is still in progress; delete it once its "
                "status is complete."
            )
        self.archive_path(snapshot_id).unlink(missing_ok=True)
        self._store.delete(KIND, snapshot_id)

    def recover(self) -> None:
        """After a restart: snapshots that were being written failed."""
        for doc in self._store.all(KIND, where={"_status": "in_progress"}):
            doc.update(_status="error", _error_message=RESTART_MESSAGE)
            self._store.put(KIND, doc)

    async def archives_written(self) -> None:
        """Wait until ``write_later_in_background()`` has written every archive."""
        if self._writer is not None:
            await asyncio.to_thread(self._writer.join)

    async def close(self) -> None:
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)
        await self.archives_written()

    async def _write(self, snapshot_id: str, write: Any) -> None:
        doc = self._doc(snapshot_id)
        try:
            size = await write(self.archive_path(snapshot_id))
            doc.update(_status="complete", size_bytes=size)
        except Exception as exc:
            log.warning("snapshot %s failed: %s", snapshot_id, exc)
            self.archive_path(snapshot_id).unlink(missing_ok=True)
            doc.update(_status="error", _error_message=f"{type(exc).__name__}: {exc}")
        self._store.put(KIND, doc)

    def _new_doc(
        self,
        devbox_id: str,
        *,
        name: str | None,
        metadata: Mapping[str, str],
        commit_message: str | None,
    ) -> Doc:
        return {
            "id": new_id("snapshot"),
            "create_time_ms": now_ms(),
            "metadata": dict(metadata),
            "source_devbox_id": devbox_id,
            "name": name,
            "commit_message": commit_message,
            "size_bytes": None,
            "source_blueprint_id": None,
            "_status": "in_progress",
        }

    def _doc(self, snapshot_id: str) -> Doc:
        doc = self._store.get(KIND, snapshot_id)
        if doc is None:
            raise NotFound("snapshot", snapshot_id)
        return doc


def _matches(
    doc: Doc, *, devbox_id: str | None, blueprint_id: str | None, metadata: Mapping[str, list[str]]
) -> bool:
    if devbox_id is not None and doc["source_devbox_id"] != devbox_id:
        return False
    if blueprint_id is not None and doc.get("source_blueprint_id") != blueprint_id:
        return False
    return all(doc["metadata"].get(key) in values for key, values in metadata.items())
