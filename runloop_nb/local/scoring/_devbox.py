"""Running scorer commands in a devbox; staging scorer files that must not outlive scoring."""

from __future__ import annotations

import logging
import posixpath
import shlex
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from runloop_nb.local.sandbox._base import Sandbox

from ._errors import ScoringInfrastructureError

HOME = "/home/user"
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CommandOutcome:
    """What one scorer command did. ``exit_code`` is None when it was killed on timeout."""

    exit_code: int | None
    stdout: str
    stderr: str


class DevboxSession:
    """One scoring pass inside one devbox.

    Scorer files go either into a private scoring directory under the home (removed as a whole by
    ``close``) or to paths the scorer names (``put``), where any file they replace is restored
    afterwards, so the agent's work is never lost and it never sees the scorer's files.
    """

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.scratch = f"{HOME}/.rl_scoring_{uuid.uuid4().hex[:12]}"
        self._replaced: list[tuple[str, bytes | None]] = []
        #: Whether anything was written to the scratch dir (its random name cannot pre-exist).
        self._scratch_used = False

    def scratch_path(self, name: str) -> str:
        """Absolute devbox path of a file in the private scoring directory."""
        return f"{self.scratch}/{name}"

    async def write_scratch(self, name: str, data: bytes, *, executable: bool = False) -> str:
        """Write a scorer file into the scoring directory; return its devbox path."""
        path = self.scratch_path(name)
        self._scratch_used = True
        await self._write(path, data, mode=0o755 if executable else None)
        return path

    async def put(self, path: str, data: bytes) -> None:
        """Write ``data`` at ``path`` for one scorer; ``restore`` puts back what was there."""
        try:
            previous: bytes | None = await self.sandbox.read_file(path)
        except FileNotFoundError:
            previous = None
        created = await self._missing_ancestor(posixpath.dirname(path))
        if created:
            self._replaced.append((created, None))
        self._replaced.append((path, previous))
        await self._write(path, data)

    async def restore(self) -> None:
        """Undo every ``put``, newest first: old contents back, new files removed."""
        while self._replaced:
            path, previous = self._replaced.pop()
            if previous is None:
                await self._remove(path)
            else:
                await self._write(path, previous)

    async def close(self) -> None:
        """Remove the scoring directory and restore replaced files (skipped if the devbox died)."""
        if not self.sandbox.alive():
            return
        await self.restore()
        if self._scratch_used:
            await self._remove(self.scratch)

    async def _missing_ancestor(self, directory: str) -> str | None:
        """The outermost directory of ``directory`` that does not exist yet, if any."""
        top = None
        while directory != HOME and await self._kind(directory) is None:
            top, directory = directory, posixpath.dirname(directory)
        return top

    async def is_directory(self, path: str) -> bool:
        """True when ``path`` is a directory inside the devbox (symlinks followed).

        Paths in the home are looked up by the exec agent (no shell: one round trip, nothing
        the agent's files control); others, such as a working directory outside the home, by
        ``test -d`` in a plain shell.
        """
        if path == HOME or path.startswith(HOME + "/"):
            try:
                return await self._kind(path) == "dir"
            except PermissionError:  # a symlink on it leads out of the home: ask the shell
                pass
        outcome = await self.run(f"test -d {shell_path(path)}", timeout=60)
        return outcome.exit_code == 0

    async def _kind(self, path: str) -> str | None:
        """What ``path`` in the home is (None: nothing); PermissionError if it leads out."""
        try:
            return await self.sandbox.path_kind(path)
        except PermissionError:
            raise
        except (RuntimeError, OSError) as exc:
            raise ScoringInfrastructureError(f"cannot inspect the devbox: {exc}") from exc

    async def _remove(self, path: str) -> None:
        try:
            await self.sandbox.remove(path)
        except PermissionError:
            # Code left running in the devbox swapped a directory on the path for a symlink out
            # of the home: nothing of ours is left to remove inside it.
            logger.warning("scorer file %s now leads out of the devbox home; left alone", path)
        except (RuntimeError, OSError) as exc:
            raise ScoringInfrastructureError(f"cannot remove scorer files: {exc}") from exc

    async def run(
        self,
        command: str,
        *,
        timeout: float,
        cwd: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> CommandOutcome:
        """Run ``command`` (bash) in the devbox, from ``cwd``; kill it after ``timeout`` seconds.

        The shell reads no profile or rc file and gets a fixed environment (see
        ``Sandbox.exec``'s ``login``): files the agent controls cannot change a score.

        Raises:
            ScoringInfrastructureError: the devbox did not accept the command.
        """
        if cwd is not None:
            command = f"cd {shell_path(cwd)} || exit 97\n{command}"
        execution_id = f"scoring_{uuid.uuid4().hex}"
        try:
            await self.sandbox.exec(execution_id, command, env=env, login=False)
            exit_code = await self.sandbox.wait(execution_id, timeout)
            if exit_code is None:
                await self.sandbox.kill(execution_id)
        except RuntimeError as exc:
            message = f"the devbox stopped accepting commands: {exc}"
            raise ScoringInfrastructureError(message) from exc
        directory = self.sandbox.exec_dir(execution_id)
        return CommandOutcome(
            exit_code,
            _read_text(directory / "stdout"),
            _read_text(directory / "stderr"),
        )

    async def _write(self, path: str, data: bytes, *, mode: int | None = None) -> None:
        try:
            await self.sandbox.write_file(path, data, mode=mode)
        except RuntimeError as exc:
            raise ScoringInfrastructureError(f"cannot write scorer files: {exc}") from exc


def shell_path(path: str) -> str:
    """``path`` quoted for bash, with /home/user spelled ``"$HOME"``.

    Commands start in the devbox user's home; going through ``$HOME`` keeps scorer commands right
    in a sandbox that maps the home elsewhere than /home/user (the unsandboxed fallback).
    """
    if path == HOME:
        return '"$HOME"'
    if path.startswith(HOME + "/"):
        return '"$HOME"/' + shlex.quote(path[len(HOME) + 1 :])
    return shlex.quote(path)


def resolve_in_home(working_directory: str, relative: str) -> str:
    """Absolute devbox path of ``relative`` (to the working directory); must stay in the home.

    Raises:
        ValueError: the path leaves /home/user (the message names it).
    """
    path = posixpath.normpath(posixpath.join(working_directory, relative))
    if path != HOME and not path.startswith(HOME + "/"):
        raise ValueError(f"file path {relative!r} resolves to {path}, outside {HOME}")
    return path


def _read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return ""
