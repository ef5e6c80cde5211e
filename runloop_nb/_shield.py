"""Clean-up that must finish even while its caller is being cancelled (Ctrl-C, wait_for)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any, TypeVar

T = TypeVar("T")

_log = logging.getLogger("runloop_nb")
# Clean-ups that outlived a second cancellation of their caller: a strong reference keeps the
# event loop from dropping them half-way (the loop itself only holds weak references to tasks).
_orphans: set[asyncio.Future[Any]] = set()


async def shielded(cleanup: Awaitable[T], *, what: str, timeout: float) -> T | None:
    """Await `cleanup` to its end, at most `timeout` seconds, immune to cancelling the caller.

    Best effort: a failure or a timeout of the clean-up is logged (naming `what`) and gives
    None, because the caller is already reporting a more important error or a cancellation.
    A second cancellation of the caller re-raises at once; the clean-up still runs to its end
    (bounded by `timeout`) in the background.
    """
    inner = asyncio.ensure_future(asyncio.wait_for(cleanup, timeout))
    try:
        return await asyncio.shield(inner)
    except asyncio.CancelledError:
        _orphans.add(inner)
        inner.add_done_callback(lambda done: _finished(done, what))
        raise
    except Exception as exc:  # best effort by contract, see above
        _log.warning("%s failed: %s", what, _describe(exc))
        return None


def _finished(done: asyncio.Future[Any], what: str) -> None:
    _orphans.discard(done)
    if not done.cancelled() and done.exception() is not None:
        _log.warning("%s failed: %s", what, _describe(done.exception()))


def _describe(exc: BaseException | None) -> str:
    if isinstance(exc, TimeoutError):
        return "no answer in time"
    return f"{type(exc).__name__}: {exc}"
