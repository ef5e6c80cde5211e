"""The sandbox contract: processes and files of one devbox, nothing about HTTP or records.

The devbox service of the local server owns the records (DevboxView, executions, states) and
calls a ``Sandbox`` for everything that touches processes or the devbox's disk. Two
implementations exist: ``bwrap`` (the default, a real isolation boundary) and ``unsandboxed`` (a
clearly flagged fallback for hosts without user namespaces).

On-disk layout under ``root`` (a directory the server owns, one per devbox, 0711)::

    root/home/          the devbox's /home/user (0700), kept on disk across suspend/resume
    root/ctl/           control directory (0711), never mounted in a bwrap devbox
    root/ctl/sock/      the agent's listening socket, made by the server (0700)
    root/ctl/exec/      execution directories (0710, the devbox's group): the agent opens them
                        through an fd it was given, so commands cannot write them
    root/ctl/exec/<execution_id>/{stdout,stderr,exit}

``stdout``/``stderr`` hold the exact bytes written by the command (up to ``OUTPUT_CAP_BYTES``
each), so readers can tail them and stream them by byte offset; ``exit`` appears when the command
ends (after its output is on disk), holding its exit status as decimal text (128+N for signal
N), so the status survives a server restart. A command whose output reaches the cap is not read
any further: its next write fails (SIGPIPE, status 141, for most programs). Executions cut off by
``suspend``/``shutdown``/a limit/a crash get status 137. ``stdout``/``stderr`` are created by
the host before the command starts, in a sticky directory the devbox user cannot rename in
(when the server is root), so they are regular files. In the unsandboxed mode commands can reach
these directories, so ``exit`` may be planted: read it with ``exit_status`` (which does not
follow symlinks). Their size counts against the devbox's disk limit.
"""

from __future__ import annotations

import abc
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

SandboxMode = Literal["bwrap", "unsandboxed"]

#: Bytes of stdout (and, separately, stderr) kept per execution; the rest is dropped.
OUTPUT_CAP_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Resource limits of one devbox (from ``launch_parameters``)."""

    cpus: float = 2.0
    memory_mb: int = 4096
    disk_mb: int = 8192
    max_processes: int = 512
    max_file_mb: int = 1024


class SandboxFailed(RuntimeError):
    """The devbox failed under a call (its processes are stopped, ``failure_reason`` is set)."""


def read_exit_status(exec_dir: Path) -> int | None:
    """The status in ``exec_dir/exit``, or None when absent or unreadable.

    ``O_NOFOLLOW`` and a bounded read: the devbox user may create ``exit`` itself, as a symlink
    to a host file the (root) server would otherwise read.
    """
    try:
        fd = os.open(exec_dir / "exit", os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        text = handle.read(32)
    try:
        return int(text)
    except ValueError:
        return None


class Sandbox(abc.ABC):
    """Processes and files of one devbox. Every method is safe to call from the server's loop."""

    devbox_id: str
    mode: SandboxMode
    root: Path
    #: Why a limit stopped the devbox's processes (``"out_of_disk"``); None while healthy.
    #: Reset by ``start``.
    failure_reason: str | None = None
    #: What a person should read about that failure (None: the reason says it all).
    failure_message: str | None = None

    @property
    def home(self) -> Path:
        """Host path of the devbox's home directory (``/home/user`` inside)."""
        return self.root / "home"

    def exec_dir(self, execution_id: str) -> Path:
        """Host directory holding ``stdout``, ``stderr`` and ``exit`` of one execution."""
        return self.root / "ctl" / "exec" / execution_id

    @abc.abstractmethod
    async def start(self) -> None:
        """Start (or restart after ``suspend``) the devbox's processes; return when it accepts exec.

        Raises:
            RuntimeError: the sandbox could not be started (message says why).
        """

    @abc.abstractmethod
    async def exec(
        self,
        execution_id: str,
        command: str,
        *,
        env: Mapping[str, str] | None = None,
        attach_stdin: bool = False,
        login: bool = True,
    ) -> None:
        """Start ``command`` in a fresh login shell in the home directory and return at once.

        Output goes to the files of ``exec_dir(execution_id)``. Without ``attach_stdin`` the
        command's stdin is empty (reads return EOF at once). ``env`` is added to the login
        shell's environment (HOME, USER=user, PATH, LANG=C.UTF-8). ``login=False`` (scorers)
        runs ``bash --noprofile --norc`` instead, with that fixed environment plus ``env`` and
        PYTHONNOUSERSITE=1, and without BASH_ENV, ENV or PYTHONPATH: nothing the devbox's
        user controls (profiles, rc files, user site-packages) runs before the command.

        Raises:
            RuntimeError: the devbox is not running.
            SandboxFailed: the devbox failed under the call (any call that reaches its processes).
            ValueError: ``execution_id`` is malformed or already used, or ``env`` is not str->str.
        """

    @abc.abstractmethod
    async def wait(self, execution_id: str, timeout: float | None) -> int | None:
        """Wait up to ``timeout`` seconds (None: forever): the exit status, or None if running."""

    @abc.abstractmethod
    def exit_status(self, execution_id: str) -> int | None:
        """The exit status if the execution has ended, else None. Never blocks."""

    @abc.abstractmethod
    async def kill(self, execution_id: str) -> None:
        """End the execution and every process it started (``setsid`` children included).

        Returns once its exit status (137) is recorded (waits at most 5 s); a no-op for unknown
        or finished executions (background processes they left behind are killed too).
        """

    @abc.abstractmethod
    async def send_stdin(self, execution_id: str, text: str | None, *, eof: bool = False) -> bool:
        """Write ``text`` to the execution's stdin, then close it if ``eof``; False if it can't."""

    @abc.abstractmethod
    async def read_file(self, path: str) -> bytes:
        """Bytes of ``path`` (relative to the home directory, or absolute under /home/user).

        Raises:
            FileNotFoundError: no such file.
            IsADirectoryError: the path is a directory.
            PermissionError: the path leaves the devbox (``..``, absolute elsewhere, symlinks out).
            RuntimeError: the devbox is not running.

        Symlinks that stay inside the home are followed.
        """

    @abc.abstractmethod
    async def write_file(self, path: str, data: bytes, *, mode: int | None = None) -> None:
        """Create or replace ``path`` (parents created), owned by the devbox user; ``mode``
        sets its permission bits (default: 0644 for a new file, unchanged for an old one).

        Raises:
            IsADirectoryError: the path is a directory.
            NotADirectoryError: a parent on the path is a file.
            PermissionError: the path leaves the devbox.
            RuntimeError: the devbox is not running.
        """

    @abc.abstractmethod
    async def path_kind(self, path: str) -> str | None:
        """``"dir"``, ``"file"`` or ``"other"`` for ``path`` (symlinks inside the home followed),
        None when it does not exist. No shell runs: nothing the devbox controls can answer.

        Raises:
            PermissionError: the path leaves the devbox home.
            RuntimeError: the devbox is not running.
        """

    @abc.abstractmethod
    async def remove(self, path: str) -> bool:
        """Remove ``path`` (a directory with all it holds; a symlink itself, not its target);
        False when there was nothing to remove. No shell runs.

        Raises:
            PermissionError: the path leaves the devbox home, or is the home itself.
            RuntimeError: the devbox is not running.
        """

    @abc.abstractmethod
    async def snapshot(self, archive: Path) -> int:
        """Write the home directory as a tar.gz archive at ``archive``; return its size in bytes."""

    @abc.abstractmethod
    async def suspend(self) -> None:
        """Stop every process of the devbox; keep its disk."""

    @abc.abstractmethod
    async def shutdown(self, *, keep_disk: bool = False) -> None:
        """Kill every process of the devbox (none survive); delete ``root`` unless ``keep_disk``."""

    @abc.abstractmethod
    def alive(self) -> bool:
        """True while the devbox's processes run (False after suspend, shutdown or a crash)."""
