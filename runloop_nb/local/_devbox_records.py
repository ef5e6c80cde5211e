"""Devbox records: the stored document, its status history, usage numbers and change signals.

A devbox document in the store is the DevboxView JSON plus private keys starting with ``_``
(environment variables, sandbox root) that never leave the server: ``public_view`` drops them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from runloop_nb.local.sandbox import Limits

Doc = dict[str, Any]

#: Statuses in which a devbox has (or is about to have) running processes.
LIVE_STATUSES = frozenset(
    {"queued", "scheduled", "provisioning", "initializing", "running", "suspending", "resuming"}
)
TERMINAL_STATUSES = frozenset({"failure", "shutdown"})
ALL_STATUSES = LIVE_STATUSES | TERMINAL_STATUSES | {"suspended"}


def now_ms() -> int:
    return int(time.time() * 1000)


def public_view(doc: Doc) -> Doc:
    """The DevboxView JSON of a stored document (private ``_`` keys removed)."""
    return {key: value for key, value in doc.items() if not key.startswith("_")}


def set_status(doc: Doc, status: str, *, failure_reason: str | None = None) -> Doc:
    """Move ``doc`` to ``status`` and record the transition (and end time when terminal)."""
    at = now_ms()
    doc["status"] = status
    transition: Doc = {"status": status, "transition_time_ms": at}
    if failure_reason is not None:
        transition["failure_reason"] = failure_reason
        doc["failure_reason"] = failure_reason
    doc["state_transitions"].append(transition)
    if status in TERMINAL_STATUSES:
        doc["end_time_ms"] = at
    return doc


def usage_view(doc: Doc, limits: Limits) -> Doc:
    """``GET /v1/devboxes/{id}/usage``: seconds running, times the devbox's resources."""
    end = doc.get("end_time_ms") or now_ms()
    elapsed = (end - doc["create_time_ms"]) / 1000
    active = _running_seconds(doc["state_transitions"], end)
    view: Doc = {
        "id": doc["id"],
        "status": doc["status"],
        "start_time_ms": doc["create_time_ms"],
        "total_active_seconds": int(active),
        "total_elapsed_seconds": int(elapsed),
        "vcpu_seconds": int(active * limits.cpus),
        "memory_gb_seconds": int(active * limits.memory_mb / 1024),
        "disk_gb_seconds": int(elapsed * limits.disk_mb / 1024),
    }
    if doc.get("end_time_ms") is not None:
        view["end_time_ms"] = doc["end_time_ms"]
    return view


def _running_seconds(transitions: list[Doc], end_ms: int) -> float:
    total, since = 0.0, None
    for entry in transitions:
        if entry["status"] == "running" and since is None:
            since = entry["transition_time_ms"]
        elif entry["status"] != "running" and since is not None:
            total += entry["transition_time_ms"] - since
            since = None
    if since is not None:
        total += end_ms - since
    return total / 1000


class Changes:
    """Wake-ups keyed by resource id, for long-polls that hold until a record changes.

    Each waiter gets the event current when it started waiting; ``notify`` sets it and drops it,
    so the next wait gets a fresh one and no change between a check and a wait is missed.
    """

    def __init__(self) -> None:
        self._events: dict[str, asyncio.Event] = {}

    def notify(self, key: str) -> None:
        event = self._events.pop(key, None)
        if event is not None:
            event.set()

    async def hold_until(self, key: str, done: Callable[[], bool], timeout: float) -> bool:
        """Wait until ``done()`` is true (checked at each change of ``key``); False on timeout."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not done():
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            event = self._events.setdefault(key, asyncio.Event())
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                return done()
        return True
