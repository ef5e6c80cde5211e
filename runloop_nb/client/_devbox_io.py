"""Devbox commands, files, logs and disk snapshots (§9.7-§9.10); the base of `Devboxes`."""

from __future__ import annotations

import os
import secrets
import threading
import time
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any, TypeAlias

from runloop_nb.client._resource import Resource, path_id, wire_body
from runloop_nb.client._types import NOT_GIVEN, NotGiven, body_of
from runloop_nb.wire import (
    DevboxLogsView,
    DevboxSnapshotView,
    DownloadFileParams,
    ExecuteAsyncParams,
    ExecuteParams,
    ExecutionDetailView,
    ExecutionView,
    ReadFileParams,
    SnapshotDiskParams,
    WriteFileParams,
)

FileContent: TypeAlias = bytes | IO[bytes] | os.PathLike[str]


_uuid7_lock = threading.Lock()
_uuid7_last = [0, 0]  # [unix ms, rand_a counter] of the last uuid7 made


def uuid7() -> str:
    """A UUIDv7 string for `command_id`, strictly increasing within this process.

    RFC 9562 section 6.2 method 1: the 12 ``rand_a`` bits are a counter, seeded at random with
    its top bit clear each new millisecond and incremented within one; a counter that runs out
    borrows the next millisecond. ``rand_b`` stays random.
    """
    with _uuid7_lock:
        ms = time.time_ns() // 1_000_000
        last_ms, counter = _uuid7_last
        if ms > last_ms:
            counter = secrets.randbits(11)
        elif counter < 0xFFF:
            ms, counter = last_ms, counter + 1
        else:
            ms, counter = last_ms + 1, secrets.randbits(11)
        _uuid7_last[:] = [ms, counter]
    value = ms << 80 | 0x7 << 76 | counter << 64 | 0x2 << 62 | secrets.randbits(62)
    return str(uuid.UUID(int=value))


class DevboxIO(Resource):
    """Calls that run commands in, move files in and out of, and snapshot a devbox."""

    async def execute(
        self,
        id: str,
        *,
        command: str,
        command_id: str | NotGiven = NOT_GIVEN,
        optimistic_timeout: float | NotGiven | None = NOT_GIVEN,
        attach_stdin: bool | NotGiven = NOT_GIVEN,
        last_n: int | NotGiven = NOT_GIVEN,
    ) -> ExecutionView:
        """Run a command and wait up to `optimistic_timeout` s (≤25) for it to finish.

        A `command_id` (UUIDv7) is generated when none is given, so a retried call is not run
        twice. If the command is still running, the running status is returned.
        """
        body = wire_body(
            ExecuteParams,
            command=command,
            command_id=uuid7() if command_id is NOT_GIVEN else command_id,
            optimistic_timeout=optimistic_timeout,
            attach_stdin=attach_stdin,
        )
        return await self._transport.fetch(
            ExecutionView,
            "POST",
            _path(id, "/execute"),
            json_body=body,
            query=body_of(last_n=last_n),
            long=True,
        )

    async def execute_async(
        self, id: str, *, command: str, attach_stdin: bool | NotGiven = NOT_GIVEN
    ) -> ExecutionView:
        """Start a command and return at once (status `queued` or `running`)."""
        body = wire_body(ExecuteAsyncParams, command=command, attach_stdin=attach_stdin)
        return await self._transport.fetch(
            ExecutionView, "POST", _path(id, "/execute_async"), json_body=body
        )

    async def logs(self, id: str, *, execution_id: str | NotGiven = NOT_GIVEN) -> DevboxLogsView:
        """The devbox's log entries, optionally of one execution."""
        return await self._transport.fetch(
            DevboxLogsView, "GET", _path(id, "/logs"), query=body_of(execution_id=execution_id)
        )

    async def read_file_contents(self, id: str, *, file_path: str) -> str:
        """A text file's contents (path relative to the home directory)."""
        body = wire_body(ReadFileParams, file_path=file_path)
        response = await self._transport.request(
            "POST",
            _path(id, "/read_file_contents"),
            json_body=body,
            accept="text/plain",
            long=True,
        )
        return response.content.decode("utf-8")

    async def write_file_contents(
        self, id: str, *, file_path: str, contents: str
    ) -> ExecutionDetailView:
        """Write a UTF-8 text file (path relative to the home directory)."""
        body = wire_body(WriteFileParams, file_path=file_path, contents=contents)
        return await self._transport.fetch(
            ExecutionDetailView,
            "POST",
            _path(id, "/write_file_contents"),
            json_body=body,
            long=True,
        )

    async def upload_file(self, id: str, *, path: str, file: FileContent) -> dict[str, Any]:
        """Upload bytes, an open binary file or a local path's contents to `path` in the devbox."""
        if not isinstance(path, str) or not path:
            raise ValueError("path must be the non-empty destination path inside the devbox.")
        name, content = _read_upload(file)
        data = await self._transport.request_json(
            "POST",
            _path(id, "/upload_file"),
            form={"path": path},
            files={"file": (name, content, "application/octet-stream")},
            long=True,
        )
        return data if isinstance(data, dict) else {}

    async def download_file(self, id: str, *, path: str) -> bytes:
        """A file's raw bytes."""
        body = wire_body(DownloadFileParams, path=path)
        response = await self._transport.request(
            "POST",
            _path(id, "/download_file"),
            json_body=body,
            accept="application/octet-stream",
            long=True,
        )
        return response.content

    async def snapshot_disk(
        self,
        id: str,
        *,
        name: str | NotGiven | None = NOT_GIVEN,
        metadata: Mapping[str, str] | NotGiven | None = NOT_GIVEN,
        commit_message: str | NotGiven | None = NOT_GIVEN,
    ) -> DevboxSnapshotView:
        """Snapshot the devbox's disk and wait for it (up to 10 minutes)."""
        body = wire_body(
            SnapshotDiskParams, name=name, metadata=metadata, commit_message=commit_message
        )
        return await self._transport.fetch(
            DevboxSnapshotView, "POST", _path(id, "/snapshot_disk"), json_body=body, long=True
        )

    async def snapshot_disk_async(
        self,
        id: str,
        *,
        name: str | NotGiven | None = NOT_GIVEN,
        metadata: Mapping[str, str] | NotGiven | None = NOT_GIVEN,
        commit_message: str | NotGiven | None = NOT_GIVEN,
    ) -> DevboxSnapshotView:
        """Start a disk snapshot; await it with `disk_snapshots.await_completed`."""
        body = wire_body(
            SnapshotDiskParams, name=name, metadata=metadata, commit_message=commit_message
        )
        return await self._transport.fetch(
            DevboxSnapshotView, "POST", _path(id, "/snapshot_disk_async"), json_body=body
        )


def _read_upload(file: FileContent) -> tuple[str, bytes]:
    """Read the upload once, up front, so a retry resends exactly the same bytes."""
    if isinstance(file, bytes | bytearray):
        return "upload", bytes(file)
    if isinstance(file, os.PathLike):
        local = Path(file)
        return local.name, local.read_bytes()
    if hasattr(file, "read"):
        content = file.read()
        if not isinstance(content, bytes):
            raise TypeError("file must be opened in binary mode ('rb').")
        return Path(str(getattr(file, "name", "upload"))).name, content
    raise TypeError(
        f"file must be bytes, a binary file object or a pathlib.Path (got {type(file).__name__});"
        " for text, pass text.encode()."
    )


def _path(id: str, suffix: str = "") -> str:
    return f"/v1/devboxes/{path_id(id, 'devbox id')}{suffix}"
