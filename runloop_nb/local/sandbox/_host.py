"""What both sandbox modes share: the on-disk layout, the exec agent, files, snapshots, disk watch.

A subclass says how the agent is launched (``_launch``) and how every process of the devbox is
killed (``_kill_processes``); everything else talks to the agent over its socket.
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import logging
import os
import re
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from runloop_nb.local.sandbox._agent_procs import host_pid_of, is_stopped
from runloop_nb.local.sandbox._base import (
    OUTPUT_CAP_BYTES,
    Limits,
    Sandbox,
    SandboxFailed,
    SandboxMode,
    read_exit_status,
)
from runloop_nb.local.sandbox._cgroups import DevboxCgroups, cgroups_for
from runloop_nb.local.sandbox._channel import AgentChannel, listen_socket
from runloop_nb.local.sandbox._disk import disk_usage, pack_home, unpack_home
from runloop_nb.local.sandbox._users import Identity, identity_for, release, transfer

log = logging.getLogger("runloop_nb.local.sandbox")

#: Status recorded for an execution whose devbox was stopped under it (as if SIGKILLed).
KILLED_STATUS = 137
DISK_CHECK_SECONDS = 0.5
_START_TIMEOUT = 30.0
_STDIN_TIMEOUT = 10.0
#: Longest hold of one ``wait`` call to the agent (the call then repeats).
_WAIT_HOLD_SECONDS = 30.0
#: Poll interval for an execution the agent cannot tell about (its exit file is the record).
_UNKNOWN_POLL_SECONDS = 0.05
#: How often a call in flight, and the watchdog, look whether the agent was stopped.
_HEALTH_SECONDS = 0.5
STOPPED_MESSAGE = (
    "The devbox's exec agent was stopped from inside the devbox (SIGSTOP or a tracer), so it "
    "could no longer run commands or reach files; the devbox was stopped and marked failed. "
    "Create a new devbox (a snapshot of this one keeps its files)."
)
DIED_MESSAGE = (
    "The devbox's exec agent ended (killed from inside the devbox, or by a limit); the devbox "
    "was stopped and marked failed. Create a new devbox."
)
#: ``sh -c`` script: write 0 to each of the first ``$1`` files (cgroup.procs), then exec the rest.
_JOIN_CGROUPS = (
    'n=$1; shift; while [ "$n" -gt 0 ]; do echo 0 > "$1" || exit 125; shift; n=$((n - 1)); done; '
    'exec "$@"'
)
_EXECUTION_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")
SANE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


#: Directories under a devbox's root, and their modes. ``ctl/exec`` is searchable by the devbox's
#: group only (its agent opens the output files there through an fd), ``ctl/sock`` by the server.
_LAYOUT = (("", 0o711), ("home", 0o700), ("ctl", 0o711), ("ctl/exec", 0o710), ("ctl/sock", 0o700))


class AgentSandbox(Sandbox, abc.ABC):
    """A devbox whose commands run through the exec agent (see ``_agent``)."""

    def __init__(
        self,
        devbox_id: str,
        root: Path,
        *,
        limits: Limits,
        snapshot: Path | None,
        mode: SandboxMode,
    ) -> None:
        self.devbox_id, self.root, self.limits, self.mode = devbox_id, root, limits, mode
        self.failure_reason = self.failure_message = None
        self._snapshot = snapshot
        self._agent_pid: int | None = None  # host pid of the agent (the launcher's descendant)
        # Private to the devbox: other local users may enter nothing (0711 lets the devbox uid
        # walk to its own 0700 directories in the unsandboxed mode; bwrap binds them by fd).
        for directory, bits in _LAYOUT:
            (root / directory).mkdir(parents=True, exist_ok=True, mode=bits)
            (root / directory).chmod(bits)
        self.identity: Identity = identity_for(root, devbox_id)
        self.identity.chown(self.home)  # ctl/sock stays the server's: see _channel
        if self.identity.switch:
            os.chown(root / "ctl" / "exec", -1, self.identity.gid)
        self._process: asyncio.subprocess.Process | None = None
        self._channel: AgentChannel | None = None
        self._watchdog: asyncio.Task[None] | None = None
        #: Cgroups of the running devbox (cpu quota, total memory, pids), empty if unavailable.
        self.cgroups = DevboxCgroups([])

    # ---- what a mode provides ----------------------------------------------------------

    @abc.abstractmethod
    async def _launch(self, config: dict[str, Any]) -> asyncio.subprocess.Process:
        """Start the agent (with ``config`` completed by the mode) and return the launcher.

        ``config["listen_fd"]`` (the agent's listening socket) and ``config["exec_dir_fd"]`` (the
        execution directory) are fds the launcher must pass on (``pass_fds``).
        """

    @abc.abstractmethod
    async def _kill_processes(self) -> None:
        """SIGKILL every process of the devbox, the launcher included."""

    def agent_config(self) -> dict[str, Any]:
        """Settings every mode passes to the agent (paths are added by the mode)."""
        ulimits: list[tuple[str, int]] = [
            ("c", 0),
            ("v", self.limits.memory_mb * 1024),
            ("f", self.limits.max_file_mb * 1024),
        ]
        # RLIMIT_NPROC counts processes per uid (per user namespace): it limits this devbox
        # alone only with its own uid or inside bwrap's user namespace.
        if self.identity.switch or self.mode == "bwrap":
            ulimits.append(("u", self.limits.max_processes))
        return {"output_cap": OUTPUT_CAP_BYTES, "ulimits": ulimits, "virtual_home": "/home/user"}

    # ---- lifecycle ----------------------------------------------------------------------

    async def start(self) -> None:
        if self.alive():
            return
        self.failure_reason = self.failure_message = None
        await self._restore_snapshot()
        self.cgroups = await asyncio.to_thread(
            cgroups_for, self.devbox_id, self.limits, root_server=self.identity.switch
        )
        try:
            listener = listen_socket(self.root / "ctl" / "sock")
            # The agent reaches the execution directories only by this fd: they are not
            # mounted in the devbox, so its code cannot write output or exit statuses.
            exec_fd = os.open(self.root / "ctl" / "exec", os.O_PATH | os.O_DIRECTORY)
            try:
                config = self.agent_config()
                config |= {"listen_fd": listener.fileno(), "exec_dir_fd": exec_fd}
                self._process = await self._launch(config)
            finally:
                listener.close()  # the agent holds its own copies now
                os.close(exec_fd)
            self._channel = AgentChannel(self.root / "ctl" / "sock")
            self._agent_pid = host_pid_of(self._process.pid, await self._await_agent())
        except BaseException:
            await self._stop_all()  # nothing half-started stays behind (processes, cgroups)
            raise
        self._watchdog = asyncio.get_running_loop().create_task(self._watch_disk())

    @property
    def launcher_pid(self) -> int | None:
        """Host pid of the process that holds the devbox (bwrap, or the agent); None if stopped."""
        return self._process.pid if self.alive() and self._process else None

    def alive(self) -> bool:
        return self._process is not None and self._process.returncode is None

    async def suspend(self) -> None:
        await self._stop_all()

    async def shutdown(self, *, keep_disk: bool = False) -> None:
        await self._stop_all()
        if not keep_disk:
            release(self.devbox_id, self.identity)
            await asyncio.to_thread(shutil.rmtree, self.root, ignore_errors=True)

    async def _await_agent(self) -> int:
        """Wait until the agent answers; its pid (in its own pid namespace)."""
        deadline = asyncio.get_running_loop().time() + _START_TIMEOUT
        while True:
            if not self.alive():
                raise RuntimeError(f"devbox {self.devbox_id} did not start: {self._launch_log()}")
            try:
                reply, _ = await self._running().call({"op": "ping"}, timeout=2.0)
                return int(reply["pid"])
            except (ConnectionError, TimeoutError):  # not listening yet, or a slow host
                if asyncio.get_running_loop().time() > deadline:
                    raise RuntimeError(
                        f"devbox {self.devbox_id}: exec agent not ready after {_START_TIMEOUT}s; "
                        f"{self._launch_log()}"
                    ) from None
                await asyncio.sleep(0.005)

    def _launch_log(self) -> str:
        with contextlib.suppress(OSError):
            text = (self.root / "ctl" / "launch.log").read_text(errors="replace").strip()
            return f"launcher said: {text[-2000:]}" if text else "the launcher printed nothing"
        return "no launcher log"

    def launcher_argv(self, argv: list[str]) -> list[str]:
        """``argv`` behind what makes the launcher join the devbox's cgroups, then drop to its
        uid (both before the launcher makes any child, so every process of the devbox is in
        the groups and runs as the devbox user).

        Done by ``sh`` and ``setpriv`` in the launched process rather than a ``preexec_fn``:
        the server then launches with vfork instead of forking its whole ~100 MB (measured
        here: 0.4 instead of 5 ms of server CPU, 1.4 instead of 18 ms with its loop blocked).
        """
        prefix: list[str] = []
        procs = [str(directory / "cgroup.procs") for directory in self.cgroups.directories]
        if procs:
            # "0" moves the writing process itself; the groups are root's, so this comes first.
            prefix = ["/bin/sh", "-c", _JOIN_CGROUPS, "sh", str(len(procs)), *procs]
        return [*prefix, *self.identity.launch_prefix(), *argv]

    def launch_log_file(self) -> int:
        """An fd for the launcher's stdout/stderr (``root/ctl/launch.log``, host-only)."""
        return os.open(self.root / "ctl" / "launch.log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)

    async def _stop_all(self) -> None:
        watchdog, self._watchdog = self._watchdog, None
        if watchdog is not None and watchdog is not asyncio.current_task():
            watchdog.cancel()
        if self._process is not None:
            await self._kill_processes()
            await self._process.wait()
        if self._channel is not None:
            self._channel.close()
            self._channel = None
        await self.cgroups.remove()
        self._mark_unfinished()

    def _mark_unfinished(self) -> None:
        """Executions cut off by a stop get status 137, so nobody waits for them forever."""
        exec_root = self.root / "ctl" / "exec"
        for directory in exec_root.iterdir() if exec_root.is_dir() else ():
            if self.exit_status(directory.name) is None:
                with contextlib.suppress(OSError):
                    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
                    fd = os.open(directory / "exit", flags, 0o644)
                    os.write(fd, str(KILLED_STATUS).encode())
                    os.close(fd)

    # ---- executions -------------------------------------------------------------------------

    async def exec(
        self,
        execution_id: str,
        command: str,
        *,
        env: Mapping[str, str] | None = None,
        attach_stdin: bool = False,
        login: bool = True,
    ) -> None:
        if not _EXECUTION_ID.fullmatch(execution_id):
            raise ValueError(f"execution id {execution_id!r} must match {_EXECUTION_ID.pattern}")
        extra = dict(env or {})
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in extra.items()):
            raise ValueError("env must map str to str")
        self._running()
        try:
            self._make_exec_dir(execution_id)
        except FileExistsError:
            raise ValueError(f"execution id {execution_id!r} was already used") from None
        request: dict[str, Any] = {"op": "exec", "id": execution_id, "command": command}
        request |= {"env": extra, "login": login}
        await self._call({**request, "stdin": attach_stdin})

    def _make_exec_dir(self, execution_id: str) -> None:
        """The execution's directory, with ``stdout``/``stderr`` made by the host.

        The directory is ours with the devbox's group, sticky and group-writable: the devbox
        can write the output files and create ``exit``, but cannot swap the output files for
        symlinks that the server (root) would then follow when it reads them.
        """
        directory = self.exec_dir(execution_id)
        directory.mkdir()
        group = self.identity.gid if self.identity.switch else -1
        os.chown(directory, -1, group)
        os.chmod(directory, 0o1770)
        for name in ("stdout", "stderr"):
            fd = os.open(directory / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o660)
            os.fchown(fd, -1, group)
            os.fchmod(fd, 0o660)
            os.close(fd)

    def exit_status(self, execution_id: str) -> int | None:
        return read_exit_status(self.exec_dir(execution_id))

    async def wait(self, execution_id: str, timeout: float | None) -> int | None:
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        pause = False  # look at the exit file again shortly, without asking the agent
        while (status := self.exit_status(execution_id)) is None:
            if not self.alive():
                if not self.exec_dir(execution_id).is_dir():
                    return None  # never started here: nothing will ever end it
                self._mark_unfinished()  # the devbox died under it
                continue
            remaining = _WAIT_HOLD_SECONDS if deadline is None else deadline - loop.time()
            if remaining <= 0:
                return None
            if pause:
                pause = False
                await asyncio.sleep(min(_UNKNOWN_POLL_SECONDS, remaining))
                continue
            # The agent answers once it has written ``exit``: no polling, and the status is
            # read the moment it exists. The file stays the record (the reply only wakes us).
            # Not through ``_call``: a devbox that dies or is stopped under this wait is judged
            # by the reaper and the watchdog, as when no call is in flight.
            hold = min(remaining, _WAIT_HOLD_SECONDS)
            request = {"op": "wait", "id": execution_id, "timeout": hold}
            try:
                reply, _ = await self._running().call(request, timeout=hold + 5.0)
            except (RuntimeError, ConnectionError, TimeoutError):
                pause = True  # an agent that answers nothing (or is gone: see alive())
                continue
            # Unless the hold merely ran out: the agent does not know the execution (started
            # by one since replaced), or it ended and its exit file does not read (overwritten
            # from inside an unsandboxed devbox). Either way the file is the only record: look
            # at it again shortly rather than spin on the agent.
            pause = not (reply.get("ok") and not reply.get("done"))
        return status

    async def kill(self, execution_id: str) -> None:
        if self.alive() and self.exec_dir(execution_id).is_dir():
            await self._call({"op": "kill", "id": execution_id})
            await self.wait(execution_id, 5.0)

    async def send_stdin(self, execution_id: str, text: str | None, *, eof: bool = False) -> bool:
        if not self.alive():
            return False
        request = {"op": "stdin", "id": execution_id, "eof": eof}
        try:
            data = (text or "").encode()
            reply, _ = await self._call(request, data, timeout=_STDIN_TIMEOUT)
        except (TimeoutError, ConnectionError):
            return False
        return bool(reply.get("ok"))

    # ---- files --------------------------------------------------------------------------

    async def read_file(self, path: str) -> bytes:
        _, data = await self._call({"op": "read_file", "path": path})
        return data

    async def write_file(self, path: str, data: bytes, *, mode: int | None = None) -> None:
        await self._call({"op": "write_file", "path": path, "mode": mode}, data)

    async def path_kind(self, path: str) -> str | None:
        reply, _ = await self._call({"op": "stat", "path": path})
        kind = reply.get("kind")
        return None if kind is None else str(kind)

    async def remove(self, path: str) -> bool:
        reply, _ = await self._call({"op": "remove", "path": path})
        return bool(reply.get("ok"))

    async def snapshot(self, archive: Path) -> int:
        try:
            return await pack_home(self.home, archive)
        except RuntimeError as exc:
            raise RuntimeError(f"snapshot of {self.devbox_id} failed: {exc}") from exc

    async def adopt(self, devbox_id: str, root: Path, snapshot: Path | None) -> None:
        """Become devbox ``devbox_id`` while running (a warm, pooled sandbox, see ``_pool``).

        The folder moves to ``root`` (the running sandbox holds its directories by fd, so it
        does not notice), the uid claim passes to the new id, and ``snapshot`` is unpacked
        into the live home.
        """
        await asyncio.to_thread(os.rename, self.root, root)
        await asyncio.to_thread(transfer, self.devbox_id, devbox_id, self.identity)
        self.devbox_id, self.root, self._snapshot = devbox_id, root, snapshot
        await self._restore_snapshot()

    async def _restore_snapshot(self) -> None:
        marker = self.root / "ctl" / "restored"
        if self._snapshot is None or marker.exists():
            return
        await unpack_home(self._snapshot, self.home, self.identity.launch_prefix())
        self.home.chmod(0o700)  # the archive's "." entry may carry another mode
        marker.write_text(str(self._snapshot))

    # ---- limits -------------------------------------------------------------------------

    async def _watch_disk(self) -> None:
        """Stop the devbox when it uses more disk than ``disk_mb``, or its agent was stopped."""
        limit = self.limits.disk_mb * 1024 * 1024
        exec_root = self.root / "ctl" / "exec"
        while self.alive():
            if self._agent_stopped():
                await self._fail(STOPPED_MESSAGE)
                return
            # Output is host disk too: counted, so many capped executions cannot fill the host.
            used = await asyncio.to_thread(lambda: disk_usage(self.home) + disk_usage(exec_root))
            if used > limit:
                log.warning("devbox %s used %d bytes > disk_mb; stopping it", self.devbox_id, used)
                self.failure_reason = "out_of_disk"
                await self._stop_all()
                return
            await asyncio.sleep(DISK_CHECK_SECONDS)

    def _agent_stopped(self) -> bool:
        """Whether the agent sits stopped (SIGSTOP) or in a tracing stop."""
        return self._agent_pid is not None and is_stopped(self._agent_pid)

    async def _fail(self, message: str) -> None:
        """The devbox cannot go on: stop its processes and say why (the reaper records it)."""
        if self.failure_reason is None:
            log.warning("devbox %s failed: %s", self.devbox_id, message)
            self.failure_reason, self.failure_message = "execution_failed", message
        await self._stop_all()

    async def _call(
        self, request: dict[str, Any], payload: bytes = b"", *, timeout: float = 60.0
    ) -> tuple[dict[str, Any], bytes]:
        """A call to the agent that ends in ``SandboxFailed`` at once if the agent is stopped
        or dies meanwhile, instead of waiting out ``timeout``."""
        call = asyncio.ensure_future(self._running().call(request, payload, timeout=timeout))
        try:
            while True:
                done, _ = await asyncio.wait({call}, timeout=_HEALTH_SECONDS)
                if done:
                    return call.result()
                if self._agent_stopped():
                    await self._fail(STOPPED_MESSAGE)
                    raise SandboxFailed(STOPPED_MESSAGE)
        except ConnectionError:
            if self.failure_reason is None and self._process is not None:
                with contextlib.suppress(TimeoutError):  # is it the agent that is gone?
                    await asyncio.wait_for(asyncio.shield(self._process.wait()), 1.0)
                if self.alive():
                    raise
                await self._fail(DIED_MESSAGE)
            raise SandboxFailed(self.failure_message or DIED_MESSAGE) from None
        finally:
            if not call.done():
                call.cancel()
                with contextlib.suppress(BaseException):
                    await call

    def _running(self) -> AgentChannel:
        if self._channel is None or not self.alive():
            raise RuntimeError(f"devbox {self.devbox_id} is not running; start or resume it first")
        return self._channel
