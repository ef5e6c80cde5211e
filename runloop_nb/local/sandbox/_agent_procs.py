"""Finding and killing processes through /proc (stdlib only: used by the agent and the host).

Zombies are left out everywhere: they are dead already, cannot be signalled, and may linger
until whoever inherited them reaps them.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import time
from collections.abc import Callable, Iterable


def proc_table() -> dict[int, tuple[int, int, int]]:
    """``pid -> (ppid, pgid, sid)`` of every live process in /proc (zombies are already dead)."""
    table = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != b"Z":
            table[int(name)] = (int(fields[1]), int(fields[2]), int(fields[3]))
    return table


def pids_of_uid(uid: int) -> set[int]:
    """Live processes owned by ``uid`` (a zombie is dead already, and may linger unreaped)."""
    found = set()
    for name in os.listdir("/proc"):
        with contextlib.suppress(OSError, IndexError):
            if name.isdigit() and os.stat(f"/proc/{name}").st_uid == uid:
                with open(f"/proc/{name}/stat", "rb") as stat:
                    if stat.read().rsplit(b")", 1)[1].split()[0] != b"Z":
                        found.add(int(name))
    return found


def descendants(table: dict[int, tuple[int, int, int]], roots: Iterable[int]) -> set[int]:
    """Every process below ``roots`` in the process tree (``roots`` themselves excluded)."""
    children: dict[int, list[int]] = {}
    for pid, (ppid, _, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    found: set[int] = set()
    stack = list(roots)
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def stop_then_kill(collect: Callable[[], set[int]], rounds: int = 50) -> None:
    """SIGSTOP what ``collect`` finds until nothing new appears (no fork escapes), then SIGKILL."""
    stopped: set[int] = set()
    for _ in range(rounds):
        fresh = collect() - stopped
        if not fresh:
            break
        signal_all(fresh, signal.SIGSTOP)
        stopped |= fresh
    for _ in range(rounds):
        signal_all(stopped, signal.SIGKILL)
        stopped = collect()
        if not stopped:
            return
        time.sleep(0.01)


def signal_all(pids: Iterable[int], sig: int) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, sig)


def has_marker(pid: int, marker: bytes) -> bool:
    try:
        with open(f"/proc/{pid}/environ", "rb") as environ:
            return marker in environ.read().split(b"\0")
    except OSError:
        return False


def wait_reaped(parent: int, timeout: float) -> None:
    """Wait (up to ``timeout`` s) until ``parent`` has reaped its zombie children."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and _zombie_children(parent):
        time.sleep(0.005)


def _zombie_children(parent: int) -> bool:
    for name in os.listdir("/proc"):
        with contextlib.suppress(OSError, IndexError):
            if name.isdigit():
                with open(f"/proc/{name}/stat", "rb") as stat:
                    fields = stat.read().rsplit(b")", 1)[1].split()
                if fields[0] == b"Z" and int(fields[1]) == parent:
                    return True
    return False


def children(pid: int) -> list[int] | None:
    """Direct children of single-threaded ``pid`` from ``/proc/<pid>/task/<pid>/children`` (one
    read instead of a scan of every process); None where the kernel has no such file."""
    if not _children_files():
        return None
    try:
        with open(f"/proc/{pid}/task/{pid}/children", "rb") as listing:
            return [int(child) for child in listing.read().split()]
    except (OSError, ValueError):  # gone
        return []


@functools.cache
def _children_files() -> bool:
    """Whether this kernel lists children in /proc (CONFIG_PROC_CHILDREN)."""
    return os.path.exists(f"/proc/{os.getpid()}/task/{os.getpid()}/children")


def host_pid_of(launcher: int, namespace_pid: int) -> int | None:
    """Pid of the launcher's descendant (or the launcher) that is ``namespace_pid`` in its own
    pid namespace (the last ``NSpid`` entry); None if there is none."""
    for pid in sorted({launcher} | _below(launcher)):
        with contextlib.suppress(OSError, ValueError), open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("NSpid:") and int(line.split()[-1]) == namespace_pid:
                    return pid
    return None


def _below(root: int, depth: int = 3) -> set[int]:
    """Descendants of ``root`` down to ``depth`` levels (all of them where children files are
    missing), found through children files."""
    found: set[int] = set()
    level = [root]
    for _ in range(depth):
        following = []
        for pid in level:
            listed = children(pid)
            if listed is None:
                return descendants(proc_table(), [root])
            following += [child for child in listed if child not in found]
        found.update(following)
        level = following
    return found


def is_stopped(pid: int) -> bool:
    """Whether ``pid`` sits in a stop (SIGSTOP, ``T``) or a tracing stop (``t``)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            state = stat.read().rsplit(b")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False  # gone, which the launcher's exit tells
    return state in (b"T", b"t")
