"""Helpers of the sandbox tests: run a command to its end, find a devbox's processes."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Callable

from runloop_nb.local.sandbox import Sandbox
from runloop_nb.local.sandbox._host import AgentSandbox


async def run(sandbox: Sandbox, command: str, **kwargs: object) -> tuple[int | None, bytes, bytes]:
    """Run ``command`` to its end: (exit status, stdout, stderr)."""
    execution_id = f"ex_{uuid.uuid4().hex[:12]}"
    await sandbox.exec(execution_id, command, **kwargs)  # type: ignore[arg-type]
    status = await sandbox.wait(execution_id, 20)
    return status, *outputs(sandbox, execution_id)


def outputs(sandbox: Sandbox, execution_id: str) -> tuple[bytes, bytes]:
    directory = sandbox.exec_dir(execution_id)
    return (directory / "stdout").read_bytes(), (directory / "stderr").read_bytes()


def pids_with(token: str) -> set[int]:
    """Host pids of processes whose environment holds ``TOKEN=<token>`` (any uid, we are root)."""
    needle = f"TOKEN={token}".encode()
    found = set()
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/environ", "rb") as environ:
                if needle in environ.read().split(b"\0"):
                    found.add(int(name))
        except OSError:
            continue
    return found


def pids_of_uid(uid: int, *, zombies: bool = False) -> set[int]:
    """Processes of ``uid`` (zombies only if asked: they are dead, just not reaped yet)."""
    found = set()
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                if os.stat(f"/proc/{name}").st_uid == uid and (zombies or _state(name) != "Z"):
                    found.add(int(name))
            except OSError:
                continue
    return found


def _state(pid: str) -> str:
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().rsplit(")", 1)[1].split()[0]


def agent_sandbox(sandbox: Sandbox) -> AgentSandbox:
    """The sandbox as the implementation both modes share (for its host uid and launcher)."""
    assert isinstance(sandbox, AgentSandbox)
    return sandbox


async def until(condition: Callable[[], bool], *, timeout: float = 20.0) -> None:
    """Await ``condition()`` becoming true (checked every 10 ms); fail after ``timeout`` s."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        await asyncio.sleep(0.01)
