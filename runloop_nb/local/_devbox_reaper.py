"""Devbox health: crash recovery, and a background loop that ends idle and dead devboxes.

After a server restart no sandbox process survives (bwrap dies with its parent), so
``recover_devboxes`` marks every devbox recorded as live as ``failure`` with failure_reason
``health_check_failed`` and a human ``failure_message`` saying the server restarted (end hooks
run, so their scenario runs fail too); running executions complete with 137 and snapshots in
progress become ``error``. Suspended devboxes keep their disk and can still be resumed.

Every tick it shuts down running devboxes whose ``keep_alive_time_seconds`` passed without
activity (shutdown_reason ``keep_alive_timeout``), and marks ``failure`` the running devboxes
whose sandbox processes are gone (a limit was hit, or they crashed). One devbox's error is
logged and never stops the loop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import TYPE_CHECKING

from runloop_nb.local._devbox_records import LIVE_STATUSES
from runloop_nb.local.sandbox import Sandbox

if TYPE_CHECKING:
    from runloop_nb.local._devboxes import DevboxService

log = logging.getLogger(__name__)

TICK_SECONDS = 0.2
RESTART_MESSAGE = "The local server restarted while this devbox was live; its processes ended then."
DEAD_MESSAGE = "The devbox's processes ended unexpectedly."


async def recover_devboxes(service: DevboxService) -> None:
    """Mark devboxes, executions and snapshots that a restart interrupted."""
    for doc in service.store.all("devbox"):
        if doc["status"] in LIVE_STATUSES:
            doc["failure_message"] = RESTART_MESSAGE
            await service.finish(doc, "failure", failure_reason="health_check_failed")
    await service.executions.recover()
    service.snapshots.recover()


async def fail_dead(service: DevboxService, devbox_id: str, sandbox: Sandbox) -> None:
    """The sandbox died under a running devbox (a limit was hit, or a crash): ``failure``."""
    async with service.lock(devbox_id):
        doc = service.record(devbox_id)
        if doc["status"] != "running" or sandbox.alive():
            return
        reason = sandbox.failure_reason or "health_check_failed"
        doc["failure_message"] = sandbox.failure_message or DEAD_MESSAGE
        await service.finish(doc, "failure", failure_reason=reason)


async def reap_forever(service: DevboxService) -> None:
    """Run until cancelled."""
    loop = asyncio.get_running_loop()
    while True:
        await asyncio.sleep(TICK_SECONDS)
        for devbox_id, deadline in service.idle_deadlines().items():
            if loop.time() >= deadline:
                await _guarded(service.shutdown(devbox_id, reason="keep_alive_timeout"), devbox_id)
        for devbox_id, sandbox in service.live_sandboxes().items():
            if not sandbox.alive():
                await _guarded(fail_dead(service, devbox_id, sandbox), devbox_id)


async def _guarded(step: Awaitable[object], devbox_id: str) -> None:
    try:
        await step
    except Exception:
        log.exception("the reaper could not end devbox %s", devbox_id)
