"""The object layer of the notebook flow: `client.devbox.from_id(id)` → `Devbox` handle (§12)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from runloop_nb._shield import shielded
from runloop_nb.client._devbox_io import FileContent, uuid7
from runloop_nb.client._devboxes import Devboxes
from runloop_nb.client._polling import PollingConfig, loop_kept_awake
from runloop_nb.errors import CommandTimeoutError
from runloop_nb.wire import DevboxSnapshotView, DevboxView, ExecutionDetailView, ExecutionView

#: Longest time an interrupted `exec` spends killing its command before re-raising.
KILL_BUDGET_SECONDS = 5.0
#: How long `exec`'s first call asks the server to hold for the result (the API's most).
OPTIMISTIC_SECONDS = 25.0
_log = logging.getLogger("runloop_nb")


class ExecutionResult:
    """A finished command: `exit_code`, `success`, and its output via `await stdout()`."""

    def __init__(self, view: ExecutionView, devboxes: Devboxes) -> None:
        self.view = view
        self._devboxes = devboxes

    @property
    def execution_id(self) -> str:
        """The execution's id."""
        return self.view.execution_id

    @property
    def exit_code(self) -> int | None:
        """The exit status (None if the command has not completed)."""
        return self.view.exit_status

    @property
    def success(self) -> bool:
        """True when the command exited with status 0."""
        return self.view.exit_status == 0

    async def stdout(self, num_lines: int | None = None) -> str:
        """The output (last `num_lines` lines), re-read in full when the view was truncated."""
        return await self._output("stdout", num_lines)

    async def stderr(self, num_lines: int | None = None) -> str:
        """The error output, like `stdout()`."""
        return await self._output("stderr", num_lines)

    async def _output(self, kind: str, num_lines: int | None) -> str:
        text = getattr(self.view, kind) or ""
        truncated = bool(getattr(self.view, f"{kind}_truncated"))
        if truncated and (num_lines is None or num_lines > len(text.splitlines())):
            text = await self._read_stream(kind)
        return _last_lines(text, num_lines)

    async def _read_stream(self, kind: str) -> str:
        executions = self._devboxes.executions
        stream = executions.stream_updates(
            self.view.execution_id,
            devbox_id=self.view.devbox_id,
            kind="stdout" if kind == "stdout" else "stderr",
        )
        return "".join([chunk.output async for chunk in stream])

    def __repr__(self) -> str:
        return f"ExecutionResult(execution_id={self.execution_id!r}, exit_code={self.exit_code})"

    def _repr_html_(self) -> str:
        return self.view._repr_html_()


def _last_lines(text: str, num_lines: int | None) -> str:
    if num_lines is None:
        return text
    if num_lines <= 0:
        return ""
    return "".join(text.splitlines(keepends=True)[-num_lines:])


class _Commands:
    def __init__(self, devbox: Devbox) -> None:
        self._devbox = devbox

    async def exec(
        self,
        command: str,
        *,
        timeout: float | None = None,
        polling: PollingConfig | None = None,
    ) -> ExecutionResult:
        """Run a command to completion: one optimistic `execute` (the server answers as soon as
        the command ends, within its 25 s hold), then `await_completed` for a longer one.

        `timeout` (seconds) bounds the command: past it the command is killed and
        `CommandTimeoutError` (a `TimeoutError`) says which command and execution timed out.

        Interrupting the wait (Kernel → Interrupt, Ctrl-C, `asyncio.wait_for`, a cancelled
        task) kills the command in the devbox, at most `KILL_BUDGET_SECONDS` and immune to the
        interrupt itself, then re-raises; the exception gets a note naming the execution and
        whether it was killed (also logged to the `runloop_nb` logger). An interrupt during the
        first call finds the execution by its `command_id` (`execute` is idempotent on it); if
        that call had not reached the server yet, the command starts then and is killed at once.
        `asyncio.wait_for` builds its own message-less `TimeoutError`: the note is on its cause,
        printed just above it; prefer `timeout=` for a message that names the command.
        """
        api, command_id = self._devbox.api, uuid7()
        started: ExecutionView | None = None
        try:
            async with asyncio.timeout(timeout):
                async with loop_kept_awake():  # the server holds this call, as a long poll
                    started = await api.execute(
                        self._devbox.id,
                        command=command,
                        command_id=command_id,
                        optimistic_timeout=OPTIMISTIC_SECONDS,
                    )
                view = started
                if view.status != "completed":
                    view = await api.executions.await_completed(
                        view.execution_id, devbox_id=self._devbox.id, polling=polling
                    )
        except TimeoutError:
            if timeout is None:
                raise  # not ours: a read timeout deeper down keeps its own message
            found, killed = await self._kill(command, command_id, started)
            raise CommandTimeoutError(
                _short(command),
                execution_id=found.execution_id if found else f"(command_id {command_id})",
                devbox_id=self._devbox.id,
                timeout_seconds=timeout,
                killed=killed is not None,
            ) from None
        except (asyncio.CancelledError, KeyboardInterrupt) as exc:
            found, killed = await self._kill(command, command_id, started)
            note = _interrupt_note(self._devbox.id, command, command_id, found, killed)
            # The same kind of exception, raised here: its traceback ends at this call
            # instead of running 200 lines through httpx and anyio (the original is kept
            # as __context__ for debugging).
            short = type(exc)(*exc.args)
            short.add_note(note)
            raise short from None
        return ExecutionResult(view, api)

    async def _kill(
        self, command: str, command_id: str, started: ExecutionView | None
    ) -> tuple[ExecutionView | None, ExecutionView | None]:
        """Find (if need be) and kill the command's whole process group, bounded and shielded:
        (the execution, its view once killed); None for what failed."""
        api, found = self._devbox.api, started

        async def find_and_kill() -> ExecutionView:
            nonlocal found
            if found is None:  # interrupted before the first answer: ask by command_id
                found = await api.execute(
                    self._devbox.id, command=command, command_id=command_id, optimistic_timeout=0
                )
            return await api.executions.kill(
                found.execution_id, devbox_id=self._devbox.id, kill_process_group=True
            )

        what = f"killing {_short(command)} (command_id {command_id}) on devbox {self._devbox.id}"
        killed = await shielded(find_and_kill(), what=what, timeout=KILL_BUDGET_SECONDS)
        return found, killed

    async def exec_async(self, command: str, *, attach_stdin: bool = False) -> ExecutionView:
        """Start a command and return at once; await it with `executions.await_completed`."""
        return await self._devbox.api.execute_async(
            self._devbox.id, command=command, attach_stdin=attach_stdin
        )


def _interrupt_note(
    devbox_id: str,
    command: str,
    command_id: str,
    found: ExecutionView | None,
    killed: ExecutionView | None,
) -> str:
    """What an interrupted `exec` did to its command (also logged)."""
    # Without the kill the command would keep running in the devbox with its id lost (issue 9).
    execution = found.execution_id if found else f"with command_id {command_id}"
    what = f"execution {execution} ({_short(command)}) on devbox {devbox_id}"
    if killed is None:
        note = f"Interrupted {what}; killing it failed, it may still run (see the log)."
    else:
        note = f"Interrupted {what}; it was killed (exit status {killed.exit_status})."
    _log.warning("%s", note)
    return note


def _short(command: str) -> str:
    line = command.strip().splitlines()[0] if command.strip() else command
    return repr(line if len(line) <= 60 else line[:57] + "...")


class _Files:
    def __init__(self, devbox: Devbox) -> None:
        self._devbox = devbox

    async def read(self, *, file_path: str) -> str:
        """A text file's contents."""
        return await self._devbox.api.read_file_contents(self._devbox.id, file_path=file_path)

    async def write(self, *, file_path: str, contents: str) -> ExecutionDetailView:
        """Write a text file."""
        return await self._devbox.api.write_file_contents(
            self._devbox.id, file_path=file_path, contents=contents
        )

    async def upload(self, *, path: str, file: FileContent) -> dict[str, Any]:
        """Upload bytes, a binary file or a local path's contents."""
        return await self._devbox.api.upload_file(self._devbox.id, path=path, file=file)

    async def download(self, *, path: str) -> bytes:
        """A file's raw bytes."""
        return await self._devbox.api.download_file(self._devbox.id, path=path)


class Devbox:
    """A handle on one devbox; it holds only the id, every call asks the server."""

    def __init__(self, id: str, api: Devboxes) -> None:
        self.id = id
        self.api = api
        self.cmd = _Commands(self)
        self.file = _Files(self)

    async def await_running(self, *, polling: PollingConfig | None = None) -> DevboxView:
        """Wait until the devbox is running."""
        return await self.api.await_running(self.id, polling=polling)

    async def get_info(self) -> DevboxView:
        """The devbox's current view."""
        return await self.api.retrieve(self.id)

    async def shutdown(self) -> DevboxView:
        """Shut the devbox down."""
        return await self.api.shutdown(self.id)

    async def suspend(self) -> DevboxView:
        """Ask the devbox to suspend (returns at once)."""
        return await self.api.suspend(self.id)

    async def resume(self, *, polling: PollingConfig | None = None) -> DevboxView:
        """Resume the devbox and wait until it is running again."""
        await self.api.resume(self.id)
        return await self.api.await_running(self.id, polling=polling)

    async def keep_alive(self) -> dict[str, Any]:
        """Reset the idle timer."""
        return await self.api.keep_alive(self.id)

    async def snapshot_disk(
        self, *, polling: PollingConfig | None = None, **params: Any
    ) -> DevboxSnapshotView:
        """Snapshot the disk and wait until the snapshot is complete."""
        started = await self.api.snapshot_disk_async(self.id, **params)
        status = await self.api.disk_snapshots.await_completed(started.id, polling=polling)
        return status.snapshot or started

    def __repr__(self) -> str:
        return f"Devbox(id={self.id!r})"


class DevboxFactory:
    """`client.devbox`: make handles."""

    def __init__(self, api: Devboxes) -> None:
        self._api = api

    def from_id(self, id: str) -> Devbox:
        """A handle on an existing devbox (no request is made)."""
        if not isinstance(id, str) or not id:
            raise ValueError(f"devbox id must be a non-empty string (got {id!r}).")
        return Devbox(id, self._api)

    async def create(self, *, polling: PollingConfig | None = None, **params: Any) -> Devbox:
        """Create a devbox, wait until it runs, and return its handle."""
        view = await self._api.create_and_await_running(polling=polling, **params)
        return Devbox(view.id, self._api)
