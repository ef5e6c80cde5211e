"""Run the embedded server in this process: loopback check, token, ``server.json``, uvicorn.

``serve()`` is what ``runloop-nb serve`` runs. The server file it writes is the rendezvous with
every other process: ``_launcher`` reads it to reuse a live server, ``connect()`` to find the url
and token. Only one server may serve a data directory at a time (``serve.lock``, held for the
server's whole life and released by the kernel even on SIGKILL).
"""

from __future__ import annotations

import contextlib
import fcntl
import ipaddress
import json
import logging
import os
import secrets
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import IO, Any

from runloop_nb.errors import LocalServerError
from runloop_nb.local._paths import data_dir as default_data_dir
from runloop_nb.local._paths import private_dir, server_file

SERVE_LOCK = "serve.lock"
_LOCK_WAIT_SECONDS = 1.0
logger = logging.getLogger("runloop_nb.local.server")

AppFactory = Callable[[Path, str], Any]
"""Builds the ASGI app from (data_dir, token); the default wires ServerState and create_app."""


@dataclass(frozen=True)
class ServerInfo:
    """The contents of ``server.json``: how to reach one running local server."""

    url: str
    """Base URL such as ``http://127.0.0.1:43121`` (no trailing slash)."""
    token: str
    """Bearer token every request must carry."""
    pid: int
    """Process id of the server."""
    started_at: str
    """ISO-8601 UTC time the server started listening."""
    version: str
    """runloop-nb version of the server."""
    sandbox: str = ""
    """What devboxes of this server are: ``bwrap``, ``UNSANDBOXED ...`` or ``unavailable: ...``."""

    def __repr__(self) -> str:
        # The token is a credential: keep it out of notebooks and tracebacks.
        return f"ServerInfo(url={self.url!r}, pid={self.pid}, version={self.version!r})"


def package_version() -> str:
    """The installed runloop-nb version, or ``0+unknown`` in a bare source tree."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("runloop-nb")
    except PackageNotFoundError:
        return "0+unknown"


def resolve_data_dir(data_dir: Path | str | None) -> Path:
    """The given directory (created, mode 0700) or the default from ``RUNLOOP_NB_HOME``."""
    if data_dir is None:
        return default_data_dir()
    return private_dir(Path(data_dir).expanduser())


def read_server_file(data_dir: Path | str | None = None) -> ServerInfo | None:
    """The ``server.json`` of the data directory, or None if absent or unreadable.

    A half-written or foreign file counts as absent: servers write it atomically, so anything
    that does not parse is debris that the next server replaces.
    """
    path = server_file(resolve_data_dir(data_dir))
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return ServerInfo(
            url=str(raw["url"]),
            token=str(raw["token"]),
            pid=int(raw["pid"]),
            started_at=str(raw.get("started_at", "")),
            version=str(raw.get("version", "")),
            sandbox=str(raw.get("sandbox", "")),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_server_file(data_dir: Path, info: ServerInfo) -> Path:
    """Write ``server.json`` atomically with mode 0600 (it holds the token)."""
    target = server_file(data_dir)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(asdict(info), handle, indent=2)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, target)
    return target


def remove_server_file(data_dir: Path, *, pid: int | None = None) -> bool:
    """Delete ``server.json``; with ``pid``, only if it still describes that process."""
    current = read_server_file(data_dir)
    if pid is not None and current is not None and current.pid != pid:
        return False
    try:
        server_file(data_dir).unlink()
    except FileNotFoundError:
        return False
    return True


def check_host(host: str, *, allow_remote: bool) -> None:
    """Refuse a non-loopback bind unless explicitly allowed (the token travels in clear text)."""
    if allow_remote or host == "localhost":
        return
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise LocalServerError(
            f"Refusing to listen on {host!r}: it is not a loopback address, and the server speaks "
            "plain HTTP with a bearer token anyone on the network could read. Use "
            "host='127.0.0.1', or pass allow_remote=True (CLI: --allow-remote) if you accept that."
        )


def wait_for_flock(handle: IO[str], deadline: float, refusal: str) -> None:
    """Take an exclusive ``flock`` on ``handle``, polling until ``deadline`` (monotonic).

    Raises:
        LocalServerError: with ``refusal`` as its message when the deadline passes.
    """
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise LocalServerError(refusal) from None
            time.sleep(0.05)


@contextlib.contextmanager
def hold_serve_lock(data_dir: Path) -> Iterator[None]:
    """Hold ``serve.lock`` while serving, so two servers never share one data directory."""
    handle = (data_dir / SERVE_LOCK).open("a")
    try:
        wait_for_flock(
            handle,
            time.monotonic() + _LOCK_WAIT_SECONDS,
            f"Another runloop-nb server is already serving {data_dir}. Reuse it "
            "(runloop_nb.connect() finds it) or stop it with `runloop-nb serve --stop`.",
        )
        yield
    finally:
        handle.close()


def serving_lock_held(data_dir: Path) -> bool:
    """True if some process currently serves this data directory (holds ``serve.lock``)."""
    path = data_dir / SERVE_LOCK
    if not path.exists():
        return False
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket; port 0 lets the kernel pick a free one."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # An explicit IPPROTO_TCP: asyncio sets TCP_NODELAY only on sockets whose ``proto`` says TCP
    # (accepted sockets inherit it). Without it, Nagle holds each response body back for the
    # client's delayed ACK: ~40 ms added to every request.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise LocalServerError(
            f"Cannot listen on {host}:{port}: {exc}. Pick another --port (0 picks a free one)."
        ) from exc
    sock.listen(2048)
    return sock


def url_for(host: str, port: int) -> str:
    """The base URL of a server bound to host:port (IPv6 hosts in brackets)."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def default_app_factory(data_dir: Path, token: str) -> Any:
    """The real server: ServerState over the data directory, wrapped by create_app."""
    from runloop_nb.local._app import create_app
    from runloop_nb.local._state import ServerState

    return create_app(ServerState.open(data_dir, token=token))


def serve(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    allow_remote: bool = False,
    data_dir: Path | str | None = None,
    app_factory: AppFactory | None = None,
    on_ready: Callable[[ServerInfo], None] | None = None,
) -> None:
    """Run the server in the foreground until SIGINT/SIGTERM; blocks.

    Writes ``server.json`` (mode 0600) once the socket listens and the app has started, and
    removes it on a clean exit.

    Args:
        host: interface to bind; only loopback unless ``allow_remote``.
        port: TCP port; 0 picks a free one.
        allow_remote: allow a non-loopback ``host``.
        data_dir: state directory; default ``RUNLOOP_NB_HOME`` or the platform data dir.
        app_factory: builds the ASGI app from (data_dir, token); tests pass a small app.
        on_ready: called with the ServerInfo once the server answers.

    Raises:
        LocalServerError: non-loopback host without ``allow_remote``, port taken, or another
            server already serving the data directory.
    """
    check_host(host, allow_remote=allow_remote)
    base = resolve_data_dir(data_dir)
    with hold_serve_lock(base), _exit_on_sigterm():
        sock = bind_socket(host, port)
        # The sandbox probe (a bwrap process) runs while the app is built.
        sandbox = _in_background(describe_sandbox)
        token = secrets.token_urlsafe(32)
        app = (app_factory or default_app_factory)(base, token)
        info = ServerInfo(
            url=url_for(host, sock.getsockname()[1]),
            token=token,
            pid=os.getpid(),
            started_at=datetime.now(UTC).isoformat(timespec="milliseconds"),
            version=package_version(),
            sandbox=sandbox(),
        )
        try:
            _run_uvicorn(app, sock, base, info, on_ready)
        finally:
            remove_server_file(base, pid=os.getpid())
            sock.close()


def _in_background(work: Callable[[], str]) -> Callable[[], str]:
    """Start ``work`` in a thread; the returned function waits for its result (or raises)."""
    outcome: list[str] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as exc:
            failure.append(exc)

    thread = threading.Thread(target=run, name=f"runloop-nb {work.__name__}", daemon=True)
    thread.start()

    def result() -> str:
        thread.join()
        if failure:
            raise failure[0]
        return outcome[0]

    return result


def _run_uvicorn(
    app: Any,
    sock: socket.socket,
    base: Path,
    info: ServerInfo,
    on_ready: Callable[[ServerInfo], None] | None,
) -> None:
    import uvicorn

    class _Server(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=sockets)
            if self.started and not self.should_exit:
                write_server_file(base, info)
                logger.info("runloop-nb server listening at %s (pid %d)", info.url, info.pid)
                if on_ready is not None:
                    on_ready(info)

        async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
            # Clients must stop finding this server before it stops answering.
            remove_server_file(base, pid=info.pid)
            await super().shutdown(sockets=sockets)

    config = uvicorn.Config(app, log_level="warning", lifespan="on", timeout_graceful_shutdown=5)
    _Server(config).run(sockets=[sock])


@contextlib.contextmanager
def _exit_on_sigterm() -> Iterator[None]:
    """Turn SIGTERM into SystemExit so ``finally`` blocks run and server.json is removed.

    uvicorn handles SIGTERM while serving, then re-raises it after its graceful shutdown; with
    the default action the process would die before our cleanup.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def _raise_exit(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(0)

    previous = signal.signal(signal.SIGTERM, _raise_exit)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def print_ready(info: ServerInfo) -> None:
    """Tell a person at a terminal what devboxes are here (the token stays in server.json).

    Where the server listens is already on the same stderr: the "listening at" log line."""
    print(f"devboxes: {info.sandbox}", file=sys.stderr)


def describe_sandbox() -> str:
    """One line on what devboxes are here, for the banner, server.json and connect()'s repr."""
    from runloop_nb.local.sandbox import SandboxUnavailable, detect_mode
    from runloop_nb.local.sandbox._cgroups import cgroups_usable, limits_note
    from runloop_nb.local.sandbox._detect import UNSANDBOXED_WARNING

    try:
        mode = detect_mode()
    except (SandboxUnavailable, ValueError) as exc:
        return f"unavailable: {exc}"
    if mode != "bwrap":
        return UNSANDBOXED_WARNING
    root_server = os.geteuid() == 0
    if cgroups_usable(root_server=root_server):
        return "bwrap sandboxes"
    # Said wherever the mode is shown: a devbox's cpu and total memory are not capped here.
    return f"bwrap sandboxes; limits: {limits_note(root_server=root_server)}"
