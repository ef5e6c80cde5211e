"""Find, start (detached) and stop the local server of a data directory from another process.

``ensure_server()`` reuses the live server named by ``server.json``, or starts
``python -m runloop_nb.cli serve`` in its own session (so it outlives a notebook kernel) and waits
until it answers. ``starting_server()`` is the same in two halves, which is what ``connect()``
uses: the server is spawned on entry, so the caller can import the client while the server
starts, and the context's value waits for it. ``ensure.lock`` serialises concurrent callers, so
two kernels starting at once still get one server.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

from runloop_nb.local._server import (
    SERVE_LOCK,
    LocalServerError,
    ServerInfo,
    read_server_file,
    remove_server_file,
    resolve_data_dir,
    serving_lock_held,
    wait_for_flock,
)

ENSURE_LOCK = "ensure.lock"
LOG_FILE = "server.log"
HEALTH_PATH = "/v1/benchmarks?limit=1&include_total_count=false"
"""An authenticated GET every server answers with 200: proves both liveness and the token."""
_POLL_SECONDS = 0.02
_START_POLL_SECONDS = 0.005
"""While a server starts: a look at server.json costs microseconds, a late look up to this."""
_LOG_TAIL_CHARS = 2000

# Popen objects of servers started here: kept so the child is reaped (no zombie that looks
# alive to os.kill(pid, 0)) and never garbage-collected while running.
_children: dict[int, subprocess.Popen[bytes]] = {}


def pid_alive(pid: int) -> bool:
    """True if a process with this pid exists (reaping it first if it is our dead child)."""
    child = _children.get(pid)
    if child is not None and child.poll() is not None:
        _children.pop(pid, None)
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    """A dead process its parent has not reaped yet (it still answers os.kill(pid, 0))."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[:1] == ["Z"]


def server_alive(info: ServerInfo, *, timeout: float = 2.0) -> bool:
    """True if the server's process exists AND it answers an authenticated GET with 200."""
    if not pid_alive(info.pid):
        return False
    # http.client, not httpx: this runs in every connect() and must stay cheap to import.
    # Imported here, not above: connect() spawns a server before it needs this.
    import http.client

    parts = urlsplit(info.url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=timeout)
    try:
        connection.request("GET", HEALTH_PATH, headers={"Authorization": f"Bearer {info.token}"})
        status = connection.getresponse().status
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()
    return status == 200


def ensure_server(data_dir: Path | str | None = None, timeout: float = 10.0) -> ServerInfo:
    """The live server of the data directory, started detached if there is none.

    A stale ``server.json`` (dead pid, or a server that no longer answers) is replaced.

    Raises:
        LocalServerError: the server did not answer within ``timeout`` seconds, or exited
            while starting (the message includes the end of its log).
    """
    with starting_server(data_dir, timeout) as ready:
        return ready()


@contextlib.contextmanager
def starting_server(
    data_dir: Path | str | None = None, timeout: float = 10.0
) -> Iterator[Callable[[], ServerInfo]]:
    """``ensure_server()`` in two halves: a server is spawned (if needed) on entry; calling the
    value waits until one answers and returns its ``ServerInfo`` (raising as ``ensure_server``).

    Work done inside the block overlaps the server's start-up; ``ensure.lock`` is held until
    the block ends, so concurrent callers still get one server. ``timeout`` counts from entry.
    """
    base = resolve_data_dir(data_dir)
    deadline = time.monotonic() + timeout
    with _exclusive(base / ENSURE_LOCK, deadline):
        info = read_server_file(base)
        if info is not None and server_alive(info):
            yield lambda: info
            return
        child = _spawn_unless_served(base, info)
        yield lambda: _wait_until_started(base, deadline, child)


def stop_server(data_dir: Path | str | None = None, *, timeout: float = 10.0) -> bool:
    """Stop the server of the data directory: SIGTERM, wait, then SIGKILL; remove server.json.

    Returns:
        True if a server process was stopped, False if none was running.
    """
    base = resolve_data_dir(data_dir)
    info = read_server_file(base)
    if info is None:
        return False
    stopped = False
    if pid_alive(info.pid) and (_looks_like_our_server(info.pid) or server_alive(info)):
        _signal(info.pid, signal.SIGTERM)
        if not _wait_for_exit(info.pid, timeout):
            _signal(info.pid, signal.SIGKILL)
            _wait_for_exit(info.pid, timeout)
        stopped = True
    remove_server_file(base, pid=info.pid)
    return stopped


def log_path(data_dir: Path | str | None = None) -> Path:
    """Where a detached server writes its output."""
    return resolve_data_dir(data_dir) / LOG_FILE


@contextlib.contextmanager
def _exclusive(path: Path, deadline: float) -> Iterator[None]:
    with path.open("a") as handle:
        wait_for_flock(
            handle, deadline, f"Timed out waiting for another process starting the server ({path})."
        )
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _spawn(base: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "RUNLOOP_NB_HOME": str(base)}
    with (base / LOG_FILE).open("ab") as log:
        log.write(f"\n--- starting runloop-nb server at {time.ctime()} ---\n".encode())
        log.flush()
        child = subprocess.Popen(
            [sys.executable, "-m", "runloop_nb.cli", "serve", "--data-dir", str(base)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=base,
            start_new_session=True,
        )
    _children[child.pid] = child
    return child


def _spawn_unless_served(base: Path, stale: ServerInfo | None) -> subprocess.Popen[bytes] | None:
    """Spawn a server now unless some process holds ``serve.lock`` (then None: wait for it)."""
    if serving_lock_held(base):
        return None
    if stale is not None:
        remove_server_file(base, pid=stale.pid)
    return _spawn(base)


def _wait_until_started(
    base: Path, deadline: float, child: subprocess.Popen[bytes] | None
) -> ServerInfo:
    """Wait until a server answers; spawn one once nobody serves the directory.

    ``serve.lock`` may be held without a live ``server.json``: a server started by hand is
    still starting (wait for it), or processes of a killed server are still dying (wait, then
    start ours).
    """
    while time.monotonic() < deadline:
        info = read_server_file(base)
        if info is not None and (child is None or info.pid == child.pid) and server_alive(info):
            return info
        if child is not None and child.poll() is not None:
            _children.pop(child.pid, None)
            raise LocalServerError(
                f"The local server exited with code {child.returncode} while starting. "
                f"End of {base / LOG_FILE}:\n{_log_tail(base)}"
            )
        if child is None and not serving_lock_held(base):
            if info is not None:
                remove_server_file(base, pid=info.pid)
            child = _spawn(base)
        time.sleep(_START_POLL_SECONDS)
    if child is not None:
        _signal(child.pid, signal.SIGKILL)
    held = "" if child else f" ({base / SERVE_LOCK} stayed locked by another process)"
    raise LocalServerError(
        f"The local server did not answer in time{held}. See {base / LOG_FILE}:\n{_log_tail(base)}"
    )


def _log_tail(base: Path) -> str:
    try:
        text = (base / LOG_FILE).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no log)"
    return text[-_LOG_TAIL_CHARS:]


def _looks_like_our_server(pid: int) -> bool:
    """Guard against a recycled pid: only signal a process running runloop_nb."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True  # no /proc (not Linux): trust server.json
    return b"runloop_nb" in cmdline or b"runloop-nb" in cmdline


def _signal(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signum)


def _wait_for_exit(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            return True
        time.sleep(_POLL_SECONDS)
    return not pid_alive(pid)
