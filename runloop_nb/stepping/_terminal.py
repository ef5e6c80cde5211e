"""A terminal over exec: runs actions one after another in one devbox as if in one shell.

Each action is one execution (a fresh login shell) wrapped by `_shell.step_command`, followed by a
look (`_shell.look_command`) that reads where the shell ended, what it exported, and the file
listing of the working tree; the files that changed are fetched (one tar) so `_diff.Tree` can
diff them. Only `exec` and the file API are used, so it works the same on the cloud.
"""

from __future__ import annotations

import base64
import shlex
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from runloop_nb.errors import RunloopNBError
from runloop_nb.stepping import _shell
from runloop_nb.stepping._diff import FileChange, Tree, untar
from runloop_nb.stepping._trajectory import OUTPUT_LIMIT

if TYPE_CHECKING:
    from runloop_nb.client import Devbox
    from runloop_nb.client._handles import ExecutionResult
    from runloop_nb.stepping._protocol import Action

# One fetch carries at most this many bytes of file contents (bigger changes: size/hash only).
_FETCH_BUDGET = 16 * 1024 * 1024


@dataclass(frozen=True)
class Executed:
    """What one action did."""

    exit_code: int | None
    stdout: str
    stderr: str
    stdout_truncated: bool
    stderr_truncated: bool
    execution_id: str
    cwd: str
    cwd_after: str
    duration_s: float
    changes: list[FileChange]


class Terminal:
    """One shell's worth of state (cwd, exported variables, the tree) held on the client."""

    def __init__(self, devbox: Devbox, working_directory: str, *, track_files: bool = True) -> None:
        self.devbox = devbox
        self.working_directory = working_directory
        self.cwd = working_directory
        self.env_changes: dict[str, str | None] = {}
        self.track_files = track_files
        self.tree = Tree()
        self._fresh_env: dict[str, str] = {}
        self._token = uuid.uuid4().hex[:16]

    async def start(self) -> None:
        """Read a fresh shell's environment and the working tree as it starts."""
        fresh = await self.devbox.cmd.exec(_shell.fresh_env_command())
        self._fresh_env = _shell.parse_env(base64.b64decode((await fresh.stdout()).strip()))
        await self.look()

    async def execute(self, action: Action, *, timeout: float | None = None) -> Executed:
        """Run `action` as the next command of the terminal, then look at what it did."""
        cwd = self.cwd
        began = time.monotonic()
        result = await self.devbox.cmd.exec(await self._command(action), timeout=timeout)
        duration = time.monotonic() - began
        changes = await self.look()
        stdout, out_cut = _bounded(result, "stdout")
        stderr, err_cut = _bounded(result, "stderr")
        return Executed(
            exit_code=result.exit_code,
            stdout=stdout,
            stderr=stderr,
            stdout_truncated=out_cut,
            stderr_truncated=err_cut,
            execution_id=result.execution_id,
            cwd=cwd,
            cwd_after=self.cwd,
            duration_s=round(duration, 3),
            changes=changes,
        )

    async def look(self) -> list[FileChange]:
        """Read the last step's end state and diff the tree against the one seen before."""
        command = _shell.look_command(working_directory=self.working_directory, token=self._token)
        result = await self.devbox.cmd.exec(command)
        if not result.success:
            raise RunloopNBError(
                f"Could not list the working directory {self.working_directory} in devbox "
                f"{self.devbox.id} (exit status {result.exit_code}): "
                f"{(await result.stderr(num_lines=5)).strip()}. Does it still exist?"
            )
        seen = _shell.parse_look(await result.stdout())
        if seen.cwd is not None:
            self.cwd = seen.cwd
        if seen.env is not None:
            self.env_changes = _shell.env_delta(self._fresh_env, seen.env)
        if not self.track_files:
            return []
        fetched = await self._fetch(self.tree.wanted(seen.files), seen.files)
        return self.tree.advance(seen.files, fetched)

    async def _command(self, action: Action) -> str:
        body = _body(action)
        uploaded = None
        if len(body) > _shell.INLINE_LIMIT:
            uploaded = f".runloop_nb_stepper_{self._token}.cmd"
            await self.devbox.file.upload(path=uploaded, file=body.encode())
        return _shell.step_command(
            body=body,
            cwd=self.cwd,
            fallback_cwd=self.working_directory,
            env_changes=self.env_changes,
            token=self._token,
            uploaded=uploaded,
        )

    async def _fetch(
        self, paths: list[str], listing: dict[str, tuple[int, str]]
    ) -> dict[str, bytes]:
        batch, size = [], 0
        for path in paths:
            size += listing[path][0]
            if size > _FETCH_BUDGET:
                break
            batch.append(path)
        if not batch:
            return {}
        command = _shell.fetch_command(working_directory=self.working_directory, paths=batch)
        result = await self.devbox.cmd.exec(command)
        if not result.success:
            return {}  # the files changed again or vanished: diffs fall back to size/hash
        return untar(base64.b64decode((await result.stdout()).strip()))


def _body(action: Action) -> str:
    if action.kind == "command":
        return action.command or ""
    path = action.path or ""
    encoded = _shell.b64(action.contents or "")
    quoted = shlex.quote(path)
    return (
        f'mkdir -p -- "$(dirname -- {quoted})" && '
        f"printf %s {shlex.quote(encoded)} | base64 -d > {quoted}"
    )


def _bounded(result: ExecutionResult, kind: str) -> tuple[str, bool]:
    # The view carries the last lines (the server's default tail); the record keeps at most
    # OUTPUT_LIMIT characters of it. The whole output stays readable by execution id.
    text = getattr(result.view, kind) or ""
    truncated = bool(getattr(result.view, f"{kind}_truncated"))
    if len(text) > OUTPUT_LIMIT:
        return text[-OUTPUT_LIMIT:], True
    return text, truncated
