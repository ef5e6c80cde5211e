"""Per-devbox cgroups (v1: cpu quota, total memory, process count) when the server is root.

Used only where the v1 controllers are mounted and writable; otherwise the rlimits the agent
sets are the only limits (see ``AgentSandbox.agent_config``). The launcher joins the groups in
its ``preexec_fn`` before dropping privileges, so every process of the devbox is inside them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from pathlib import Path

from runloop_nb.local.sandbox._base import Limits

log = logging.getLogger("runloop_nb.local.sandbox")

CGROUP_ROOT = Path("/sys/fs/cgroup")
PARENT = "runloop_nb"
CPU_PERIOD_US = 100_000
AGENT_HEADROOM = 64


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

    def join(self) -> None:
        """Move the calling process into every group (called in the launcher's preexec_fn)."""
        pid = str(os.getpid()).encode()
        for directory in self.directories:
            fd = os.open(directory / "cgroup.procs", os.O_WRONLY)
            os.write(fd, pid)
            os.close(fd)

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
    if not root_server or not (CGROUP_ROOT / "cpu" / "cgroup.procs").exists():
        return DevboxCgroups([])
    return DevboxCgroups.create(devbox_id, limits)
