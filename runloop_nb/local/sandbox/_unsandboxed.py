"""The fallback for hosts without user namespaces: plain processes, NOT an isolation boundary.

The exec agent runs on the host in its own session, as the devbox's own unprivileged uid when
the server is root (else as the server's user), in ``root/home``. Commands see the host's
filesystem and network. The whole devbox is killed by uid (root) or by the agent's process tree
(the agent is a child subreaper, so orphans stay in that tree).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

from runloop_nb.local.sandbox._agent_procs import (
    descendants,
    pids_of_uid,
    proc_table,
    stop_then_kill,
    wait_reaped,
)
from runloop_nb.local.sandbox._host import SANE_PATH, AgentSandbox
from runloop_nb.local.sandbox._runtime import runtime

log = logging.getLogger("runloop_nb.local.sandbox")


def host_python() -> str:
    """The python3 that runs the agent on the host (the system one if present)."""
    return shutil.which("python3", path="/usr/bin:/bin") or sys.executable


class UnsandboxedSandbox(AgentSandbox):
    """Commands run as plain host processes; ``mode == "unsandboxed"``."""

    async def _launch(self, config: dict[str, Any]) -> asyncio.subprocess.Process:
        home = str(self.home)
        env = {"HOME": home, "USER": "user", "LOGNAME": "user", "SHELL": "/bin/bash"}
        config |= {
            "home": home,
            "env": {**env, "PATH": SANE_PATH, "LANG": "C.UTF-8"},
        }
        agent = str(runtime().agent_dir / "_agent.py")
        argv = [host_python(), "-B", "-S", "-s", "-E", agent, json.dumps(config)]
        _check_reachable(self.root, self.identity.uid if self.identity.switch else None)
        log_fd = self.launch_log_file()
        try:
            return await asyncio.create_subprocess_exec(
                *self.launcher_argv(argv),
                cwd=home,
                env={"PATH": SANE_PATH, "LANG": "C.UTF-8"},
                stdin=subprocess.DEVNULL,
                stdout=log_fd,
                stderr=log_fd,
                start_new_session=True,
                pass_fds=[config["listen_fd"], config["exec_dir_fd"]],
            )
        finally:
            os.close(log_fd)

    async def _kill_processes(self) -> None:
        process = self._process
        if process is None:
            return
        agent = process.pid
        uid = self.identity.uid if self.identity.switch else None

        def others() -> set[int]:  # by uid when it is the devbox's own, else the agent's tree
            if uid is not None:
                return pids_of_uid(uid) - {agent}
            return descendants(proc_table(), [agent])

        # The agent (a subreaper) stays alive meanwhile to reap what dies: killed together,
        # the orphans would wait as zombies for the host's init.
        await asyncio.to_thread(stop_then_kill, others)
        await asyncio.to_thread(wait_reaped, agent, 1.0)
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
        await process.wait()
        if uid is not None:  # anything that slipped out while the agent died
            await asyncio.to_thread(stop_then_kill, lambda: pids_of_uid(uid))


def _check_reachable(root: Path, uid: int | None) -> None:
    """The devbox uid must be able to walk to its home; say which directory stops it."""
    if uid is None:
        return
    for parent in root.resolve().parents:
        info = parent.stat()
        if info.st_uid != uid and not info.st_mode & stat.S_IXOTH:
            raise RuntimeError(
                f"unsandboxed devboxes run as uid {uid}, which cannot enter {parent} (mode "
                f"{stat.filemode(info.st_mode)}); keep devbox roots under a directory whose "
                "parents are searchable by others (chmod o+x), or use the bwrap mode"
            )
