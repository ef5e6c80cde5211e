"""ServerState: everything one local server holds (store, services, background tasks).

Built by ``ServerState.open(data_dir, token=...)``; ``create_app(state)`` serves it. Routes reach
it through the FastAPI dependency ``get_state(request)``, which reads ``request.app.state.server``.

Lifecycle: ``open`` only opens the store and builds the services (no processes, no I/O beyond
SQLite). ``await start()`` runs crash recovery (dead devboxes → shutdown/failure, their live
scenario runs → failed; runs caught mid-scoring → failed), loads the bundled catalog if this data
directory has not loaded it yet, and may start background tasks. ``await close()`` cancels
background tasks, shuts the devbox service down and closes the store.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import Request

from runloop_nb.local._benchmark_runs import BenchmarkRunService
from runloop_nb.local._benchmarks import BenchmarkService
from runloop_nb.local._devboxes import DevboxService
from runloop_nb.local._idempotency import IdempotencyCache
from runloop_nb.local._runs import RunService
from runloop_nb.local._scenarios import ScenarioService
from runloop_nb.local._scorers import ScorerService
from runloop_nb.local._snapshots import SnapshotService
from runloop_nb.local._store import Store

log = logging.getLogger(__name__)

STORE_FILE = "state.sqlite3"


@dataclass
class ServerState:
    """The state of one local server. Attributes are the services routes call."""

    store: Store
    data_dir: Path
    token: str
    devboxes: DevboxService
    snapshots: SnapshotService
    scorers: ScorerService
    scenarios: ScenarioService
    benchmarks: BenchmarkService
    runs: RunService
    benchmark_runs: BenchmarkRunService
    idempotency: IdempotencyCache
    load_catalog: bool = True
    _tasks: set[asyncio.Task[Any]] = field(default_factory=set)
    _started: bool = False

    @classmethod
    def open(cls, data_dir: Path, *, token: str, load_catalog: bool = True) -> ServerState:
        """Open (or create) the state of ``data_dir``; nothing runs until ``start()``.

        ``load_catalog=False`` skips the bundled catalog at start (tests that do not need it).
        """
        data_dir.mkdir(parents=True, exist_ok=True)
        store = Store(data_dir / STORE_FILE)
        devboxes = DevboxService(store, data_dir)
        scorers = ScorerService(store)
        scenarios = ScenarioService(store, scorers)
        benchmarks = BenchmarkService(store, scenarios)
        tasks: set[asyncio.Task[Any]] = set()
        runs = RunService(store, devboxes, scenarios, benchmarks, scorers, _Spawner(tasks))
        state = cls(
            store=store,
            data_dir=data_dir,
            token=token,
            devboxes=devboxes,
            snapshots=devboxes.snapshots,
            scorers=scorers,
            scenarios=scenarios,
            benchmarks=benchmarks,
            runs=runs,
            benchmark_runs=BenchmarkRunService(store, benchmarks, runs),
            idempotency=IdempotencyCache(store),
            load_catalog=load_catalog,
            _tasks=tasks,
        )
        devboxes.add_end_hook(runs.on_devbox_end)
        return state

    async def start(self) -> None:
        """Recover from a crash, load the bundled catalog once, start background work."""
        if self._started:
            return
        self._started = True
        await self.devboxes.recover()
        self.runs.recover()
        self.idempotency.prune()
        if self.load_catalog:
            from runloop_nb.local._catalog_loader import load_catalog

            await load_catalog(self, write_archives_later=True)

    async def close(self) -> None:
        """Stop background tasks and devboxes, then close the store. Safe to call twice."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self.devboxes.close()
        self.store.close()

    async def drain(self) -> None:
        """Wait until every background task has finished (tests use it to observe outcomes)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


class _Spawner:
    """Runs coroutines in the background, keeping strong references and logging any crash."""

    def __init__(self, tasks: set[asyncio.Task[Any]]) -> None:
        self._tasks = tasks

    def __call__(self, coro: Coroutine[Any, Any, None], *, name: str) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background task %s crashed", task.get_name(), exc_info=task.exception())


async def get_state(request: Request) -> ServerState:
    """FastAPI dependency: the ``ServerState`` the app was created with.

    ``async`` (as every per-request dependency here): FastAPI runs a plain ``def`` dependency in
    its thread pool, a round trip through a worker thread and the event loop per request that
    made every GET wait behind whatever else the loop was doing (issue 13)."""
    state: ServerState = request.app.state.server
    return state
