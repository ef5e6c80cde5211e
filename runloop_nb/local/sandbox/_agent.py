"""The exec agent: runs inside the devbox (stdlib only; started as a script by ``python3``).

It listens on a unix socket. A request is one JSON line, optionally followed by ``size`` raw
bytes; the reply has the same shape. Operations: ``ping``, ``exec``, ``wait`` (held until an
execution ends, so the host never polls), ``kill``, ``stdin``, ``read_file``, ``write_file``,
``stat`` and ``remove`` (paths resolved inside the home only, see ``_agent_paths``). Each exec
is a fresh shell (a login shell unless asked otherwise) in its own session whose stdout/stderr
are copied by the agent into ``<id>/{stdout,stderr}`` of the host's execution
directory (at most ``output_cap`` bytes each: on reaching the cap the agent closes the pipe, so the
writer gets SIGPIPE/EPIPE); ``exit`` is written (atomically) once the shell has ended and its
output is on disk.

That directory is not mounted in the devbox: the agent reaches it only through the fd
``exec_dir_fd`` the host passed in, and makes itself non-dumpable, so code in the devbox (which
shares the agent's uid) can neither ptrace it nor open its fds through ``/proc``: it cannot write
output after the fact, past the cap, or an exit status of its own.

The agent is a child subreaper, so orphans of a command stay in its process tree and every
process of an execution carries ``RUNLOOP_NB_EXEC_ID`` in its environment; kill uses both.
It runs outside the package: it imports only the stdlib and its ``_agent_*`` siblings.
"""

from __future__ import annotations

import ctypes
import json
import os
import select
import signal
import socket
import socketserver
import sys
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: typing costs the agent ~2 ms of start-up
    from typing import Any

if __package__:
    from runloop_nb.local.sandbox._agent_paths import kind_in_home, open_in_home, remove_in_home
    from runloop_nb.local.sandbox._agent_procs import (
        descendants,
        has_marker,
        proc_table,
        stop_then_kill,
    )
else:  # run as a script inside the devbox: the modules sit next to this file
    from _agent_paths import (  # type: ignore[import-not-found,no-redef]
        kind_in_home,
        open_in_home,
        remove_in_home,
    )
    from _agent_procs import (  # type: ignore[import-not-found,no-redef]
        descendants,
        has_marker,
        proc_table,
        stop_then_kill,
    )

EXEC_MARKER = "RUNLOOP_NB_EXEC_ID"
_PR_SET_CHILD_SUBREAPER = 36
_PR_SET_DUMPABLE = 4
_CHUNK = 1 << 16
# bash applies these limits to the shell it then execs; errors mean "already lower". A login
# shell for commands (as on Runloop); scorers get one that reads no profile or rc file of the
# agent-controlled home (they could otherwise `trap "exit 0" EXIT` every check into a pass).
_WRAPPER = '{limits} exec /bin/bash -l -c "$1"'
_PLAIN_WRAPPER = '{limits} exec /bin/bash --noprofile --norc -c "$1"'
#: The whole environment of a scorer (besides the scorer's own variables): nothing from the home.
_PLAIN_ENV = {"PYTHONNOUSERSITE": "1", "PYTHONDONTWRITEBYTECODE": "1"}


# ---- executions -----------------------------------------------------------------------------


class _Execution:
    def __init__(self, exec_id: str, directory: int) -> None:
        #: An fd of the execution's directory (the host made it, with the output files).
        self.id, self.dir = exec_id, directory
        self.pid = 0
        self.stdin_fd: int | None = None
        self.wake_r, self.wake_w = os.pipe()
        #: Set once ``exit`` is written: the host's ``wait`` blocks on it instead of polling.
        self.finished = threading.Event()
        self.drained = [threading.Event(), threading.Event()]
        self._wake_users = 3  # two copiers and the finisher
        self._lock = threading.Lock()

    def release_wake(self) -> None:
        with self._lock:
            self._wake_users -= 1
            if self._wake_users == 0:
                os.close(self.wake_r)
                os.close(self.wake_w)

    def members(self) -> set[int]:
        """Every process of this execution still alive (or a zombie)."""
        table = proc_table()
        marker = f"{EXEC_MARKER}={self.id}".encode()
        found = {p for p, (_, pgid, sid) in table.items() if self.pid in (pgid, sid)}
        found |= descendants(table, [self.pid, *found])
        found |= {pid for pid in table if has_marker(pid, marker)}
        found.discard(os.getpid())
        return found


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _pump(source: int, sink: int, room: list[int]) -> bool:
    """Move one chunk; False at EOF or once the cap is reached (``room`` is a 1-item counter)."""
    chunk = os.read(source, _CHUNK)
    if not chunk:
        return False
    _write_all(sink, chunk[: room[0]])
    room[0] -= min(room[0], len(chunk))
    return room[0] > 0


def _copy(source: int, sink: int, cap: int, ex: _Execution, drained: threading.Event) -> None:
    """Copy a command's pipe into its file; report ``drained`` once the leader's output is in."""
    room, watch = [cap], [source, ex.wake_r]
    try:
        while True:
            ready = select.select(watch, [], [])[0]
            if source in ready:
                if not _pump(source, sink, room):
                    return
            elif not drained.is_set():
                # The leader has exited, so all it wrote is in the pipe: take it without blocking.
                os.set_blocking(source, False)
                try:
                    while _pump(source, sink, room):
                        pass
                    return
                except BlockingIOError:
                    os.set_blocking(source, True)
                drained.set()
                watch = [source]  # background jobs may still write; keep copying until EOF
    finally:
        os.close(source)
        os.close(sink)
        drained.set()
        ex.release_wake()


class Agent:
    """State of the agent: running executions and the settings it was started with."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.home: str = config["home"]
        self.virtual_home: str = config["virtual_home"]
        self.exec_root: int = config["exec_dir_fd"]
        self.env: dict[str, str] = config["env"]
        self.cap: int = config["output_cap"]
        self.limits = "".join(f"ulimit -H -S -{k} {v} 2>/dev/null;" for k, v in config["ulimits"])
        self._lock = threading.Lock()
        self._by_pid: dict[int, _Execution] = {}
        self._by_id: dict[str, _Execution] = {}
        self._spawned = threading.Event()

    def dispatch(self, request: dict[str, Any], payload: bytes) -> tuple[dict[str, Any], bytes]:
        op = request.get("op")
        if op == "ping":
            return {"ok": True, "pid": os.getpid()}, b""
        if op == "exec":
            return self.start(request), b""
        if op == "wait":
            return self.wait(request["id"], float(request["timeout"])), b""
        if op == "kill":
            return self.kill(request["id"]), b""
        if op == "stdin":
            return self.stdin(request["id"], payload, bool(request.get("eof"))), b""
        if op == "read_file":
            return self.read_file(request["path"])
        if op == "write_file":
            return self.write_file(request["path"], payload, request.get("mode")), b""
        if op == "stat":
            return {
                "ok": True,
                "kind": kind_in_home(self.home, self.virtual_home, request["path"]),
            }, b""
        if op == "remove":
            return {"ok": remove_in_home(self.home, self.virtual_home, request["path"])}, b""
        return {"error": "ValueError", "message": f"unknown op {op!r}"}, b""

    def start(self, request: dict[str, Any]) -> dict[str, Any]:
        exec_id = request["id"]
        if not isinstance(exec_id, str) or "/" in exec_id or exec_id in ("", ".", ".."):
            raise ValueError(f"bad execution id {exec_id!r}")
        dir_flags = os.O_PATH | os.O_DIRECTORY | os.O_NOFOLLOW
        ex = _Execution(exec_id, os.open(exec_id, dir_flags, dir_fd=self.exec_root))
        flags = os.O_WRONLY | os.O_TRUNC | os.O_NOFOLLOW
        outs = [os.open(name, flags, dir_fd=ex.dir) for name in ("stdout", "stderr")]
        pipes = [os.pipe(), os.pipe()]
        actions: list[tuple[Any, ...]] = [
            (os.POSIX_SPAWN_DUP2, pipes[0][1], 1),
            (os.POSIX_SPAWN_DUP2, pipes[1][1], 2),
        ]
        if request.get("stdin"):
            stdin_r, ex.stdin_fd = os.pipe()
            actions.append((os.POSIX_SPAWN_DUP2, stdin_r, 0))
        else:
            stdin_r = -1
            actions.append((os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0))
        login = request.get("login", True)
        extra = request.get("env", {}) if login else {**_PLAIN_ENV, **request.get("env", {})}
        env = {**self.env, **extra, EXEC_MARKER: exec_id}
        if not login:
            for name in ("BASH_ENV", "ENV", "PYTHONSTARTUP", "PYTHONPATH", "PYTHONHOME"):
                env.pop(name, None)
        wrapper = (_WRAPPER if login else _PLAIN_WRAPPER).format(limits=self.limits)
        argv = ["/bin/bash", "-c", wrapper, "bash", request["command"]]
        with self._lock:  # the reaper must find the pid registered
            ex.pid = os.posix_spawn(
                "/bin/bash",
                argv,
                env,
                file_actions=actions,
                setsid=True,
                setsigdef=(signal.SIGPIPE, signal.SIGXFSZ, signal.SIGINT, signal.SIGTERM),
                setsigmask=(),
            )
            self._by_pid[ex.pid], self._by_id[exec_id] = ex, ex
        self._spawned.set()  # the reaper may be waiting for a first child
        for fd in (pipes[0][1], pipes[1][1], stdin_r):
            if fd >= 0:
                os.close(fd)
        for (read_end, _), sink, drained in zip(pipes, outs, ex.drained, strict=True):
            threading.Thread(target=_copy, args=(read_end, sink, self.cap, ex, drained)).start()
        return {"ok": True, "pid": ex.pid}

    def wait(self, exec_id: str, timeout: float) -> dict[str, Any]:
        """Block until the execution's ``exit`` is written or ``timeout`` passes (``done``)."""
        ex = self._by_id.get(exec_id)
        if ex is None:
            return {"ok": False}
        return {"ok": True, "done": ex.finished.wait(max(0.0, min(timeout, 60.0)))}

    def kill(self, exec_id: str) -> dict[str, Any]:
        ex = self._by_id.get(exec_id)
        if ex is None:
            return {"ok": False}
        stop_then_kill(ex.members)
        return {"ok": True}

    def stdin(self, exec_id: str, data: bytes, eof: bool) -> dict[str, Any]:
        ex = self._by_id.get(exec_id)
        fd = ex.stdin_fd if ex else None
        if ex is None or fd is None:
            return {"ok": False}
        try:
            _write_all(fd, data)
        except OSError:
            return {"ok": False}
        if eof:
            ex.stdin_fd = None
            os.close(fd)
        return {"ok": True}

    def read_file(self, path: str) -> tuple[dict[str, Any], bytes]:
        fd = open_in_home(self.home, self.virtual_home, path, write=False)
        with os.fdopen(fd, "rb") as handle:
            return {"ok": True}, handle.read()

    def write_file(self, path: str, data: bytes, mode: int | None = None) -> dict[str, Any]:
        fd = open_in_home(self.home, self.virtual_home, path, write=True)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if mode is not None:
                os.fchmod(handle.fileno(), int(mode) & 0o777)
        return {"ok": True}

    def reap_forever(self) -> None:
        while True:
            # Cleared before waitpid: a child spawned after an ECHILD sets it, so none is missed.
            self._spawned.clear()
            try:
                pid, status = os.waitpid(-1, 0)
            except ChildProcessError:
                self._spawned.wait()  # no child at all: sleep until start() makes one
                continue
            with self._lock:
                ex = self._by_pid.pop(pid, None)
            if ex is not None:
                code = os.waitstatus_to_exitcode(status)
                code = 128 - code if code < 0 else code
                threading.Thread(target=self._finish, args=(ex, code)).start()

    def _finish(self, ex: _Execution, code: int) -> None:
        os.write(ex.wake_w, b"x")
        for drained in ex.drained:
            drained.wait(timeout=30)
        ex.release_wake()
        if ex.stdin_fd is not None:
            os.close(ex.stdin_fd)
            ex.stdin_fd = None
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW
        fd = os.open(".exit.tmp", flags, 0o640, dir_fd=ex.dir)
        _write_all(fd, str(code).encode())
        os.close(fd)
        os.replace(".exit.tmp", "exit", src_dir_fd=ex.dir, dst_dir_fd=ex.dir)
        os.close(ex.dir)
        ex.finished.set()


# ---- socket server --------------------------------------------------------------------------


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def handle(self) -> None:
        # One call after another on the same connection, until the host closes it.
        while line := self.rfile.readline():
            request = json.loads(line)
            payload = self.rfile.read(request.get("size", 0))
            try:
                reply, data = self.server.agent.dispatch(request, payload)
            except (OSError, ValueError, KeyError) as exc:
                reply, data = {"error": type(exc).__name__, "message": str(exc)}, b""
            reply["size"] = len(data)
            try:
                self.wfile.write(json.dumps(reply).encode() + b"\n" + data)
            except OSError:  # the host gave up on this call (timeout, cancelled) and left
                return


class _Server(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True
    request_queue_size = 256  # the host may send many requests at once
    agent: Agent


def main(argv: list[str]) -> None:
    config = json.loads(argv[1])
    libc = ctypes.CDLL(None, use_errno=True)
    # Orphans of commands stay our children, so kill and the reaper see them.
    libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    # Commands share our uid: without this they could ptrace us, or open our fds (the output
    # files, the listening socket) through /proc/<pid>/fd. Fail rather than run exposed.
    if libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_DUMPABLE, 0) failed")
    for fd in (config["exec_dir_fd"], config["listen_fd"]):  # commands get neither
        os.set_inheritable(fd, False)
    threading.stack_size(512 * 1024)
    agent = Agent(config)
    # The host made the listening socket where the devbox cannot reach it; we only accept.
    server = _Server("agent.sock", _Handler, bind_and_activate=False)
    server.socket.close()
    server.socket = socket.socket(fileno=config["listen_fd"])
    server.agent = agent
    os.chdir(agent.home)
    threading.Thread(target=agent.reap_forever, daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv)
