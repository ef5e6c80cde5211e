"""Per-devbox cgroups (v1: cpu quota, total memory, process count) when the server is root.

Used only where the v1 controllers are mounted and writable; otherwise the rlimits the agent
sets are the only limits (see ``AgentSandbox.agent_config``), and ``limits_note`` says so where
the user looks (the serve banner, server.json, connect()'s repr). cgroup v2-only hosts are in
that case: their unified hierarchy is not used. The launcher joins the groups before it drops
privileges (``AgentSandbox.launcher_argv``), so every process of the devbox is inside them.

A server that crashed leaves its devboxes' groups behind (their processes died with it);
``sweep_leftover_cgroups`` removes the empty ones at the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from pathlib import Path

from runloop_nb.local.sandbox._base import Limits

log = logging.getLogger("runloop_nb.local.sandbox")

CGROUP_ROOT = Path("/sys/fs/cgroup")
PARENT = "runloop_nb"
CPU_PERIOD_US = 100_000
AGENT_HEADROOM = 64
CONTROLLERS = ("cpu", "memory", "pids")
#: A group younger than this may be one another server is just setting up: left alone.
_SWEEP_MIN_AGE_SECONDS = 60.0


def _settings(limits: Limits) -> dict[str, dict[str, str]]:
    return {
        "cpu": {
            "cpu.cfs_period_us": str(CPU_PERIOD_US),
            "cpu.cfs_quota_us": str(int(limits.cpus * CPU_PERIOD_US)),
        },
        "memory": {"memory.limit_in_bytes": str(limits.memory_mb * 1024 * 1024)},
        # Commands are held to max_processes by RLIMIT_NPROC; the group is a backstop with room
        # for the launcher and the agent's threads, so a fork bomb cannot lock the agent out.
        "pids": {"pids.max": str(limits.max_processes + AGENT_HEADROOM)},
    }


class DevboxCgroups:
    """The cgroup directories of one devbox (those that could be set up)."""

    def __init__(self, directories: list[Path]) -> None:
        self.directories = directories

    @property
    def controllers(self) -> list[str]:
        return [directory.parent.parent.name for directory in self.directories]

    def members(self) -> set[int] | None:
        """Every live process of the devbox (its pids group lists them all, and no process can
        leave it unprivileged); None without that group."""
        for directory in self.directories:
            if directory.parent.parent.name == "pids":
                try:
                    return {int(pid) for pid in (directory / "cgroup.procs").read_text().split()}
                except FileNotFoundError:  # removed: nothing is left in it
                    return set()
        return None

    @classmethod
    def create(cls, devbox_id: str, limits: Limits) -> DevboxCgroups:
        """Make and configure the groups; a controller that is missing or refuses is skipped."""
        made = []
        for controller, values in _settings(limits).items():
            directory = CGROUP_ROOT / controller / PARENT / devbox_id
            try:
                directory.mkdir(parents=True, exist_ok=True)
                for name, value in values.items():
                    (directory / name).write_text(value)
            except OSError as exc:
                log.debug("cgroup %s not used for %s: %s", controller, devbox_id, exc)
                with contextlib.suppress(OSError):
                    directory.rmdir()
                continue
            made.append(directory)
        return cls(made)

    async def remove(self) -> None:
        """Delete the groups once empty (call after killing every process; a dying process can
        stay in its group for a moment, so this retries for up to two seconds)."""
        for _ in range(200):
            for directory in list(self.directories):
                with contextlib.suppress(OSError):
                    directory.rmdir()
                    self.directories.remove(directory)
            if not self.directories:
                return
            await asyncio.sleep(0.01)
        log.warning("cgroups left behind (still busy): %s", self.directories)
        self.directories = []


def cgroups_for(devbox_id: str, limits: Limits, *, root_server: bool) -> DevboxCgroups:
    """The devbox's cgroups, or none when the server is not root or v1 is not mounted."""
    if not cgroups_usable(root_server=root_server):
        return DevboxCgroups([])
    return DevboxCgroups.create(devbox_id, limits)


def cgroups_usable(*, root_server: bool) -> bool:
    """Whether devboxes here get cgroup limits (root, and the v1 controllers mounted)."""
    return root_server and all((CGROUP_ROOT / c / "cgroup.procs").exists() for c in CONTROLLERS)


def limits_note(*, root_server: bool) -> str:
    """How devbox limits are enforced on this host, in words for the user."""
    if cgroups_usable(root_server=root_server):
        return "cgroup v1 limits (cpu, memory, processes) and rlimits"
    why = "the server is not root" if not root_server else "no cgroup v1 cpu/memory/pids mounted"
    if root_server and (CGROUP_ROOT / "cgroup.controllers").exists():
        why = "cgroup v2-only host, not supported yet"
    return (
        f"rlimits only ({why}): memory is capped per process and processes per devbox, "
        "but not the cpu or the total memory of a devbox"
    )


def sweep_leftover_cgroups(*, now: float | None = None) -> list[Path]:
    """Remove empty devbox groups older than a minute (what crashed servers left); the removed.

    A group with processes cannot be removed (the kernel refuses), so live devboxes of other
    servers on this host are safe; the age rule spares groups being set up right now.
    """
    now = time.time() if now is None else now
    removed = []
    for controller in CONTROLLERS:
        parent = CGROUP_ROOT / controller / PARENT
        for directory in parent.glob("dbx_*") if parent.is_dir() else ():
            with contextlib.suppress(OSError):
                if now - directory.stat().st_mtime >= _SWEEP_MIN_AGE_SECONDS:
                    directory.rmdir()
                    removed.append(directory)
    if removed:
        log.info("removed %d cgroups left by an earlier server", len(removed))
    return removed
