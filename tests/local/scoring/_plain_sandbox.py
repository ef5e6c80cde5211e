"""A plain-subprocess ``Sandbox`` for the scoring tests while the real ones are not in the tree.

Used only when ``runloop_nb.local.sandbox.create_sandbox`` cannot be imported. It implements the
contract of ``runloop_nb.local.sandbox._base`` for real (processes, files, kill), just without
isolation: the home is ``root/home`` and commands run with ``HOME`` pointing there.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
from collections.abc import Mapping
from pathlib import Path

from runloop_nb.local.sandbox._base import Sandbox


class PlainSandbox(Sandbox):
    """Processes in their own session under ``root/home``; no isolation at all."""

    def __init__(self, root: Path) -> None:
        self.devbox_id = "dbx_test"
        self.mode = "unsandboxed"
        self.root = root
        self._procs: dict[str, asyncio.subprocess.Process] = {}
        self._running = False

    async def start(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        self._running = True

    async def exec(
        self,
        execution_id: str,
        command: str,
        *,
        env: Mapping[str, str] | None = None,
        attach_stdin: bool = False,
    ) -> None:
        if not self._running:
            raise RuntimeError("devbox is not running")
        directory = self.exec_dir(execution_id)
        directory.mkdir(parents=True)
        full_env = {"PATH": "/usr/bin:/bin", "HOME": str(self.home), **(env or {})}
        with (directory / "stdout").open("wb") as out, (directory / "stderr").open("wb") as err:
            self._procs[execution_id] = await asyncio.create_subprocess_exec(
                "/bin/bash", "-c", command, cwd=self.home, env=full_env,
                stdin=asyncio.subprocess.DEVNULL, stdout=out, stderr=err, start_new_session=True,
            )  # fmt: skip

    async def wait(self, execution_id: str, timeout: float | None) -> int | None:
        proc = self._procs[execution_id]
        try:
            code = await asyncio.wait_for(proc.wait(), timeout)
        except TimeoutError:
            return None
        (self.exec_dir(execution_id) / "exit").write_text(str(code))
        return code

    def exit_status(self, execution_id: str) -> int | None:
        return self._procs[execution_id].returncode

    async def kill(self, execution_id: str) -> None:
        proc = self._procs[execution_id]
        if proc.returncode is None:
            os.killpg(proc.pid, signal.SIGKILL)
            await proc.wait()

    async def send_stdin(self, execution_id: str, text: str | None, *, eof: bool = False) -> bool:
        return False

    def _host(self, path: str) -> Path:
        relative = path.removeprefix("/home/user").lstrip("/")
        host = (self.home / relative).resolve()
        if not host.is_relative_to(self.home.resolve()):
            raise PermissionError(path)
        return host

    async def read_file(self, path: str) -> bytes:
        return self._host(path).read_bytes()

    async def write_file(self, path: str, data: bytes) -> None:
        host = self._host(path)
        host.parent.mkdir(parents=True, exist_ok=True)
        host.write_bytes(data)

    async def snapshot(self, archive: Path) -> int:
        raise NotImplementedError

    async def suspend(self) -> None:
        await self.shutdown(keep_disk=True)

    async def shutdown(self, *, keep_disk: bool = False) -> None:
        for execution_id in list(self._procs):
            await self.kill(execution_id)
        self._running = False
        if not keep_disk:
            shutil.rmtree(self.root, ignore_errors=True)

    def alive(self) -> bool:
        return self._running
