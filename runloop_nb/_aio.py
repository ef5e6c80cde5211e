"""The one module that knows event loops: `run_sync()` runs a coroutine for a sync twin.

A sync twin (`runs_df_sync`, ...) must work in a plain script and in a Jupyter cell, where the
kernel's loop is already running. Nesting that loop (nest_asyncio) loses widget callbacks and
`run_coroutine_threadsafe(...).result()` on it deadlocks (DESIGN.md), so the coroutine runs on a
fresh event loop in a private thread and the caller blocks on the thread.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run_sync(make: Callable[[], Coroutine[Any, Any, T]], *, name: str = "runloop-nb-sync") -> T:
    """Run the coroutine `make()` to its end on a private event-loop thread; return its result.

    `make` is called on that thread, so the coroutine and everything it creates (an HTTP
    client, tasks) belong to the private loop and never touch the caller's. Its exception is
    re-raised here. Ctrl-C in the caller's thread interrupts the wait, not the private loop,
    which then runs the coroutine to its end in the background.
    """
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = asyncio.run(make())
        except BaseException as exc:  # handed to the caller's thread, raised there
            box["error"] = exc

    thread = threading.Thread(target=target, name=name, daemon=True)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    value: T = box["value"]
    return value
