"""ExecutionService: commands run in devboxes, their records, output, waits, kill and stdin.

An execution record (store kind ``execution``) holds the command, status and exit status; the
output itself stays in the sandbox's files (``<devbox root>/ctl/exec/<id>/``), which outlive the
devbox's shutdown, so executions stay readable afterwards and after a restart.

An execution still running when its devbox stops (shutdown, suspend, failure, server restart)
is recorded as ``completed`` with the exit status its shell wrote, or 137 (killed, as by SIGKILL)
when none was written.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from runloop_nb.local._devbox_records import Doc, now_ms
from runloop_nb.local._errors import NotFound
from runloop_nb.local._exec_output import iter_text, read_all, read_chunk, tail_lines
from runloop_nb.local._ids import new_id
from runloop_nb.local._input_limits import check_command
from runloop_nb.local._store import Store
from runloop_nb.local.sandbox import Sandbox
from runloop_nb.local.sandbox._base import read_exit_status

if TYPE_CHECKING:
    from runloop_nb.local._devboxes import DevboxService

KIND = "execution"
COMMAND_KIND = "execution_command"
KILLED_EXIT_STATUS = 137
MAX_WAIT_SECONDS = 25.0
_STREAM_POLL_SECONDS = 0.05


class ExecutionService:
    """Executions of the devboxes of one ``DevboxService`` (reached as ``devboxes.executions``)."""

    def __init__(self, store: Store, devboxes: DevboxService) -> None:
        self._store = store
        self._devboxes = devboxes
        self._watchers: dict[str, asyncio.Task[None]] = {}
        self._start_lock = asyncio.Lock()

    async def start(
        self,
        devbox_id: str,
        command: str,
        *,
        attach_stdin: bool = False,
        command_id: str | None = None,
    ) -> Doc:
        """Start ``command``; with a ``command_id`` already used on this devbox, return that
        execution instead (so a retried ``execute`` never runs a command twice).

        Raises:
            InvalidRequest: a command the kernel would refuse (NUL, longer than 128 KiB).
            NotFound: no such devbox. IllegalState: the devbox is not running.
        """
        check_command(command)
        if command_id is None:
            return await self._start(devbox_id, command, attach_stdin, None)
        key = f"{devbox_id}/{command_id}"
        async with self._start_lock:  # two concurrent retries must not both start it
            earlier = self._store.get(COMMAND_KIND, key)
            if earlier is not None:
                return self.get(devbox_id, earlier["execution_id"])
            doc = await self._start(devbox_id, command, attach_stdin, command_id)
            # An index by id, so the lookup above costs the same after a million executions.
            self._store.insert(COMMAND_KIND, {"id": key, "execution_id": doc["id"]})
            return doc

    async def _start(
        self, devbox_id: str, command: str, attach_stdin: bool, command_id: str | None
    ) -> Doc:
        sandbox = self._devboxes.sandbox(devbox_id)
        execution_id = new_id("execution")
        env = self._devboxes.env(devbox_id)
        await sandbox.exec(execution_id, command, env=env, attach_stdin=attach_stdin)
        doc: Doc = {
            "id": execution_id,
            "devbox_id": devbox_id,
            "command": command,
            "command_id": command_id,
            "attach_stdin": attach_stdin,
            "status": "running",
            "exit_status": None,
            "create_time_ms": now_ms(),
            "end_time_ms": None,
        }
        self._store.insert(KIND, doc)
        self._devboxes.touch(devbox_id)
        self._watchers[execution_id] = asyncio.create_task(self._watch(sandbox, execution_id))
        return doc

    def get(self, devbox_id: str, execution_id: str) -> Doc:
        doc = self._store.get(KIND, execution_id)
        if doc is None or doc["devbox_id"] != devbox_id:
            raise NotFound("execution", execution_id)
        return doc

    def view(self, doc: Doc, *, last_n: int = 100) -> Doc:
        """ExecutionView JSON: the last ``last_n`` lines of output once completed."""
        view: Doc = {
            "devbox_id": doc["devbox_id"],
            "execution_id": doc["id"],
            "status": doc["status"],
        }
        if doc["status"] == "completed":
            view["exit_status"] = doc["exit_status"]
            for stream in ("stdout", "stderr"):
                text, truncated = tail_lines(self.output_path(doc, stream), last_n)
                view[stream], view[f"{stream}_truncated"] = text, truncated
        return view

    async def detail(self, doc: Doc) -> Doc:
        """ExecutionDetailView JSON (whole output) of a completed execution, read off the loop."""
        stdout = await asyncio.to_thread(read_all, self.output_path(doc, "stdout"))
        stderr = await asyncio.to_thread(read_all, self.output_path(doc, "stderr"))
        return {
            "devbox_id": doc["devbox_id"],
            "exit_status": doc["exit_status"],
            "stdout": stdout,
            "stderr": stderr,
        }

    async def detail_json(self, doc: Doc) -> AsyncIterator[bytes]:
        """``detail`` as encoded JSON, in pieces: up to twice 64 MiB of output is never whole in
        memory (as text, then again as JSON), and the reads happen off the event loop."""
        head = {"devbox_id": doc["devbox_id"], "exit_status": doc["exit_status"]}
        yield json.dumps(head)[:-1].encode()
        for stream in ("stdout", "stderr"):
            yield f', "{stream}": "'.encode()
            pieces = iter_text(self.output_path(doc, stream))
            while (piece := await asyncio.to_thread(next, pieces, None)) is not None:
                yield json.dumps(piece)[1:-1].encode()
            yield b'"'
        yield b"}"

    def output_path(self, doc: Doc, stream: str) -> Path:
        root = self._devboxes.exec_root(doc["devbox_id"])
        return root / "ctl" / "exec" / doc["id"] / stream

    async def wait(
        self, devbox_id: str, execution_id: str, statuses: list[str], timeout: float
    ) -> Doc | None:
        """Hold until the execution has one of ``statuses``; None when ``timeout`` runs out."""
        self.get(devbox_id, execution_id)
        wanted = set(statuses)
        reached = await self._devboxes.changes.hold_until(
            execution_id, lambda: self.get(devbox_id, execution_id)["status"] in wanted, timeout
        )
        return self.get(devbox_id, execution_id) if reached else None

    async def kill(self, devbox_id: str, execution_id: str) -> Doc:
        """Kill the execution and every process it started; returns the completed record.

        An execution whose shell has ended may have left processes running (``cmd &``, or a
        fork bomb whose leader is gone): killing it kills those, in a running devbox.
        """
        doc = self.get(devbox_id, execution_id)
        if doc["status"] == "completed":
            if self._devboxes.record(devbox_id)["status"] == "running":
                await self._devboxes.sandbox(devbox_id).kill(execution_id)
            return doc
        sandbox = self._devboxes.sandbox(devbox_id)
        await sandbox.kill(execution_id)
        status = await sandbox.wait(execution_id, 5.0)
        return self._complete(execution_id, KILLED_EXIT_STATUS if status is None else status)

    async def send_stdin(
        self, devbox_id: str, execution_id: str, text: str | None, signal: str | None
    ) -> bool:
        """Write to stdin (``signal`` EOF closes it). False when stdin was not attached, the
        execution has finished, or for ``INTERRUPT`` (not supported locally)."""
        doc = self.get(devbox_id, execution_id)
        if doc["status"] == "completed" or not doc["attach_stdin"] or signal == "INTERRUPT":
            return False
        sandbox = self._devboxes.sandbox(devbox_id)
        self._devboxes.touch(devbox_id)
        return await sandbox.send_stdin(execution_id, text, eof=signal == "EOF")

    async def stream(
        self, devbox_id: str, execution_id: str, stream: str, offset: int
    ) -> AsyncIterator[Doc]:
        """Chunks ``{"output", "offset"}`` after byte ``offset`` until the execution completes
        and everything was sent; ``offset`` is each chunk's END byte offset."""
        doc = self.get(devbox_id, execution_id)
        path = self.output_path(doc, stream)
        while True:
            finished = self.get(devbox_id, execution_id)["status"] == "completed"
            text, end = read_chunk(path, offset, final=finished)
            if end > offset:
                offset = end
                yield {"output": text, "offset": end}
            elif finished:
                return
            else:
                await self._devboxes.changes.hold_until(
                    execution_id, lambda: False, _STREAM_POLL_SECONDS
                )

    async def run(
        self, devbox_id: str, command: str, *, timeout: float
    ) -> tuple[int | None, str, str]:
        """Run to completion (killed after ``timeout``): (exit status or None, stdout, stderr)."""
        doc = await self.start(devbox_id, command)
        done = await self.wait(devbox_id, doc["id"], ["completed"], timeout)
        if done is None:
            await self.kill(devbox_id, doc["id"])
        final = self.get(devbox_id, doc["id"])
        detail = await self.detail(final)
        return (final["exit_status"] if done else None), detail["stdout"], detail["stderr"]

    def logs(self, devbox_id: str, execution_id: str | None) -> list[Doc]:
        """Log entries (source ``exec``): one when each command started, one when it ended."""
        where: dict[str, Any] = {"devbox_id": devbox_id}
        if execution_id is not None:
            where["id"] = execution_id
        entries: list[Doc] = []
        for doc in self._store.all(KIND, where=where):
            base = {"level": "info", "source": "exec", "cmd": doc["command"], "cmd_id": doc["id"]}
            entries.append(
                {
                    **base,
                    "timestamp_ms": doc["create_time_ms"],
                    "message": f"started: {doc['command']}",
                }
            )
            if doc["status"] == "completed":
                entries.append(
                    {
                        **base,
                        "timestamp_ms": doc["end_time_ms"],
                        "exit_code": doc["exit_status"],
                        "message": f"exited with status {doc['exit_status']}",
                    }
                )
        return sorted(entries, key=lambda entry: entry["timestamp_ms"])

    async def end_all(self, devbox_id: str, sandbox: Sandbox | None) -> None:
        """The devbox stopped: complete its running executions (exit file, else 137)."""
        for doc in self._store.all(KIND, where={"devbox_id": devbox_id, "status": "running"}):
            watcher = self._watchers.pop(doc["id"], None)
            if watcher is not None:
                watcher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watcher
            self._complete(doc["id"], self._recorded_exit(doc, sandbox))

    async def close(self) -> None:
        """Stop watching executions (their records stay as they are, for ``recover``)."""
        watchers = list(self._watchers.values())
        for watcher in watchers:
            watcher.cancel()
        await asyncio.gather(*watchers, return_exceptions=True)
        self._watchers.clear()

    async def recover(self) -> None:
        """After a restart: executions recorded as running ended with their devbox."""
        for doc in self._store.all(KIND, where={"status": "running"}):
            self._complete(doc["id"], self._recorded_exit(doc, None))

    async def _watch(self, sandbox: Sandbox, execution_id: str) -> None:
        status = await sandbox.wait(execution_id, None)
        self._watchers.pop(execution_id, None)
        if status is not None:
            self._complete(execution_id, status)

    def _recorded_exit(self, doc: Doc, sandbox: Sandbox | None) -> int:
        if sandbox is not None:
            status = sandbox.exit_status(doc["id"])
            if status is not None:
                return status
        status = read_exit_status(self.output_path(doc, "exit").parent)
        return KILLED_EXIT_STATUS if status is None else status

    def _complete(self, execution_id: str, exit_status: int) -> Doc:
        doc = self._store.get(KIND, execution_id)
        if doc is None:
            raise NotFound("execution", execution_id)
        if doc["status"] != "completed":
            doc.update(status="completed", exit_status=exit_status, end_time_ms=now_ms())
            self._store.put(KIND, doc)
        self._devboxes.changes.notify(execution_id)
        return doc
