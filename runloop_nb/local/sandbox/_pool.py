"""A few started sandboxes kept ready, so that a new devbox is running in milliseconds.

Starting a sandbox costs ~100 ms (bwrap, then python3 for the exec agent). A devbox taken from
the pool skips that: the running sandbox's folder is renamed to the devbox's, its uid claim is
handed over, and the devbox's snapshot is unpacked into the live home. Only bwrap sandboxes with
the pool's limits are pooled: the fallback's agent works with host paths, which a rename would
break, and limits are fixed when a sandbox starts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
from pathlib import Path

from runloop_nb.local.sandbox._base import Limits, Sandbox
from runloop_nb.local.sandbox._detect import create_sandbox
from runloop_nb.local.sandbox._host import AgentSandbox
from runloop_nb.local.sandbox._users import release_recorded

log = logging.getLogger("runloop_nb.local.sandbox")

#: Folders of pooled sandboxes start with this; a restart sweeps the ones a crash left.
POOL_PREFIX = "pool_"


class WarmPool:
    """Up to ``size`` started bwrap sandboxes with ``limits``, refilled in the background."""

    def __init__(self, base: Path, limits: Limits, size: int) -> None:
        self._base, self._limits, self._size = base, limits, size
        self._ready: list[AgentSandbox] = []
        self._filler: asyncio.Task[None] | None = None
        self._closed = False

    async def take(
        self, devbox_id: str, root: Path, limits: Limits, snapshot: Path | None
    ) -> Sandbox | None:
        """A running sandbox adopted as ``devbox_id`` at ``root``, or None (cold start then)."""
        if limits != self._limits:
            return None
        try:
            while self._ready:
                sandbox = self._ready.pop()
                if not sandbox.alive():
                    await sandbox.shutdown()
                    continue
                try:
                    await sandbox.adopt(devbox_id, root, snapshot)
                except BaseException:
                    await sandbox.shutdown()
                    raise
                return sandbox
            return None
        finally:
            self.refill()

    def refill(self) -> None:
        """Start filling the pool in the background unless that is already under way."""
        if self._closed or self._size <= 0 or (self._filler and not self._filler.done()):
            return
        self._filler = asyncio.get_running_loop().create_task(self._fill())

    async def _fill(self) -> None:
        while len(self._ready) < self._size and not self._closed:
            name = f"{POOL_PREFIX}{os.urandom(8).hex()}"
            # Off the loop: making its folders waits on the disk (~1 ms a mkdir when busy).
            sandbox = await asyncio.to_thread(
                create_sandbox, name, self._base / name, limits=self._limits, mode="bwrap"
            )
            try:
                await sandbox.start()
            except Exception as exc:  # the cold path still works; say why the pool does not
                log.warning("warm devbox pool could not start a sandbox: %s", exc)
                await sandbox.shutdown()
                return
            except BaseException:  # cancelled by close(): leave nothing half-started
                await sandbox.shutdown()
                raise
            assert isinstance(sandbox, AgentSandbox)
            self._ready.append(sandbox)

    async def close(self) -> None:
        """Stop filling and remove every pooled sandbox (processes, disk, uid)."""
        self._closed = True
        if self._filler is not None:
            self._filler.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._filler
        ready, self._ready = self._ready, []
        for sandbox in ready:
            await sandbox.shutdown()


def sweep_pool_leftovers(base: Path) -> None:
    """Remove pooled sandboxes' folders that a crash left behind (their processes died with it)."""
    for root in base.glob(f"{POOL_PREFIX}*"):
        release_recorded(root, root.name)
        shutil.rmtree(root, ignore_errors=True)
