"""DevboxService: the devbox records of the local server and the sandboxes behind them.

Statuses follow the contract (§9.6): create answers ``provisioning`` and a background task moves
the devbox to ``running`` within milliseconds (or to ``failure`` if its sandbox cannot start).
``shutdown`` kills every process and frees the home directory; execution output is kept (it lives
in ``<root>/ctl``) so executions stay readable. A reaper shuts devboxes down when their
``keep_alive_time_seconds`` pass without activity (shutdown_reason ``keep_alive_timeout``) and
fails devboxes whose sandbox died under them.
Crash recovery and the reaper live in ``_devbox_reaper``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from runloop_nb.local._devbox_disks import devbox_disks_dir, sweep_leftover_disks
from runloop_nb.local._devbox_reaper import reap_forever, recover_devboxes
from runloop_nb.local._devbox_records import (
    TERMINAL_STATUSES,
    Changes,
    Doc,
    now_ms,
    public_view,
    set_status,
    usage_view,
)
from runloop_nb.local._devbox_start import SourceResolver, keep_alive_seconds, limits_of
from runloop_nb.local._errors import Conflict, IllegalState, NotFound, SandboxUnavailable
from runloop_nb.local._executions import ExecutionService
from runloop_nb.local._ids import new_id
from runloop_nb.local._input_limits import check_env
from runloop_nb.local._snapshots import SnapshotService
from runloop_nb.local._store import Store
from runloop_nb.local.sandbox import Sandbox, SandboxMode, create_sandbox, detect_mode
from runloop_nb.local.sandbox import SandboxUnavailable as NoSandbox
from runloop_nb.local.sandbox._cgroups import sweep_leftover_cgroups
from runloop_nb.local.sandbox._pool import WarmPool
from runloop_nb.local.sandbox._users import release_recorded
from runloop_nb.wire import DevboxCreateParams, DevboxUpdateParams

log = logging.getLogger(__name__)

KIND = "devbox"
EndHook = Callable[[str, Doc], Awaitable[None]]
MAX_WAIT_SECONDS = 30.0
DEFAULT_WAIT_SECONDS = 10.0
#: How many started sandboxes to keep ready (0 turns the warm pool off).
WARM_POOL_ENV = "RUNLOOP_NB_WARM_DEVBOXES"
DEFAULT_WARM_POOL = 4  # a benchmark at concurrency 4 finds one ready for each run


class DevboxService:
    """Devboxes of one server: ``DevboxService(store, data_dir)``; see the module docstring.

    Owns ``executions`` (ExecutionService) and ``snapshots`` (SnapshotService, also exposed as
    ``ServerState.snapshots``).
    """

    def __init__(self, store: Store, data_dir: Path) -> None:
        self.store = store
        self.root_dir = devbox_disks_dir(data_dir)
        self.changes = Changes()
        self.snapshots = SnapshotService(store, data_dir, self)
        self.executions = ExecutionService(store, self)
        self._sources = SourceResolver(store, self.snapshots)
        self._sandboxes: dict[str, Sandbox] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._idle_deadline: dict[str, float] = {}
        self._end_hooks: list[EndHook] = []
        self._tasks: set[asyncio.Task[Any]] = set()
        self._reaper: asyncio.Task[None] | None = None
        self._pool: WarmPool | None = None
        self._pool_size = int(os.environ.get(WARM_POOL_ENV, DEFAULT_WARM_POOL))

    # ---- lifecycle of the service -------------------------------------------------------

    def add_end_hook(self, callback: EndHook) -> None:
        """Call ``callback(devbox_id, view)`` whenever a devbox reaches shutdown or failure."""
        self._end_hooks.append(callback)

    async def recover(self) -> None:
        """After a restart: live devboxes lost their processes, so they become ``failure``."""
        await recover_devboxes(self)
        await asyncio.to_thread(sweep_leftover_disks, self.root_dir)
        if os.geteuid() == 0:
            await asyncio.to_thread(sweep_leftover_cgroups)
        self._ensure_reaper()

    async def close(self) -> None:
        """Stop background work and every sandbox (records stay as they are for ``recover``)."""
        if self._reaper is not None:
            self._reaper.cancel()
            await asyncio.gather(self._reaper, return_exceptions=True)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._pool is not None:
            await self._pool.close()
        await self.snapshots.close()
        await self.executions.close()
        for sandbox in list(self._sandboxes.values()):
            with contextlib.suppress(Exception):
                await sandbox.shutdown(keep_disk=True)
        self._sandboxes.clear()

    # ---- create, read, update -----------------------------------------------------------

    async def create(
        self,
        params: DevboxCreateParams,
        *,
        initiator_type: str = "api",
        initiator_id: str | None = None,
        extra_env: dict[str, str] | None = None,
    ) -> Doc:
        """Record a devbox in ``provisioning`` and start its sandbox in the background.

        Raises:
            InvalidRequest: bad launch_parameters, or an unknown snapshot/blueprint.
            SandboxUnavailable: no real sandbox can be made here (and none other was asked for).
        """
        check_env(params.environment_variables, "environment_variables")
        mode = sandbox_mode()
        launch = params.launch_parameters.to_wire() if params.launch_parameters else {}
        limits = limits_of(launch)
        archive, source = self._sources.resolve(params)
        devbox_id = new_id("devbox")
        doc: Doc = {
            "id": devbox_id,
            "status": "provisioning",
            "create_time_ms": now_ms(),
            "launch_parameters": launch,
            "metadata": dict(params.metadata or {}),
            "capabilities": [],
            "state_transitions": [],
            "name": params.name,
            "initiator_type": initiator_type,
            "initiator_id": initiator_id,
            "sandbox_mode": mode,
            **source,
            "_env": {**(params.environment_variables or {}), **(extra_env or {})},
        }
        set_status(doc, "provisioning")
        self.store.insert(KIND, doc)
        self._spawn(self._provision(devbox_id, limits, archive))
        self._ensure_reaper()
        return public_view(doc)

    def get(self, devbox_id: str) -> Doc:
        """DevboxView JSON. Raises NotFound."""
        return public_view(self.record(devbox_id))

    def env(self, devbox_id: str) -> dict[str, str]:
        """Environment variables every command of this devbox gets."""
        return dict(self.record(devbox_id).get("_env") or {})

    async def update(self, devbox_id: str, params: DevboxUpdateParams) -> Doc:
        """Change name and/or metadata; omitted keeps, an empty value clears."""
        async with self.lock(devbox_id):  # not lost under a concurrent status change
            doc = self.record(devbox_id)
            if params.name is not None:
                doc["name"] = params.name or None
            if params.metadata is not None:
                doc["metadata"] = dict(params.metadata)
            self.store.put(KIND, doc)
            return public_view(doc)

    def usage(self, devbox_id: str) -> Doc:
        doc = self.record(devbox_id)
        return usage_view(doc, limits_of(doc["launch_parameters"]))

    # ---- status changes -----------------------------------------------------------------

    async def shutdown(
        self, devbox_id: str, *, reason: str = "api_shutdown", force: bool = True
    ) -> Doc:
        """Kill every process and free the disk; a terminal devbox is returned unchanged.

        Raises:
            Conflict: a snapshot of this devbox is in progress and ``force`` is false.
        """
        async with self.lock(devbox_id):
            doc = self.record(devbox_id)
            if doc["status"] in TERMINAL_STATUSES:
                return public_view(doc)
            if not force and self.snapshots.in_progress(devbox_id):
                raise Conflict(
                    f"A snapshot of devbox {devbox_id} is in progress; wait for it "
                    "or pass force=true."
                )
            doc["shutdown_reason"] = reason
            await self.finish(doc, "shutdown")
            return public_view(doc)

    async def suspend(self, devbox_id: str) -> Doc:
        """Stop every process, keep the disk. Raises IllegalState unless running."""
        async with self.lock(devbox_id):
            doc = self._require(devbox_id, "running", "suspend")
            self._save(set_status(doc, "suspending"))
            sandbox = self._sandboxes[devbox_id]
            await sandbox.suspend()
            await self.executions.end_all(devbox_id, sandbox)
            self._idle_deadline.pop(devbox_id, None)
            return public_view(self._save(set_status(doc, "suspended")))

    async def resume(self, devbox_id: str) -> Doc:
        """Start a suspended devbox again (processes are not restored). IllegalState otherwise."""
        async with self.lock(devbox_id):
            doc = self._require(devbox_id, "suspended", "resume")
            sandbox = self._sandboxes.get(devbox_id)
            if sandbox is None:  # suspended before a restart: rebuild it on its kept disk
                sandbox = create_sandbox(
                    devbox_id,
                    self.root_dir / devbox_id,
                    limits=limits_of(doc["launch_parameters"]),
                    mode=_mode_to_resume(doc),
                )
                self._sandboxes[devbox_id] = sandbox
            self._save(set_status(doc, "resuming"))
            await self._start_sandbox(doc, sandbox)
            return public_view(doc)

    def keep_alive(self, devbox_id: str) -> None:
        """Reset the idle timer. Raises IllegalState if the devbox is shut down."""
        doc = self.record(devbox_id)
        if doc["status"] in TERMINAL_STATUSES:
            raise IllegalState(f"Devbox {devbox_id} is {doc['status']}; create a new devbox.")
        self.touch(devbox_id)

    def touch(self, devbox_id: str) -> None:
        """Record activity: the keep-alive countdown starts again."""
        doc = self.store.get(KIND, devbox_id)
        if doc is not None and doc["status"] == "running":
            loop = asyncio.get_running_loop()
            seconds = keep_alive_seconds(doc["launch_parameters"])
            self._idle_deadline[devbox_id] = loop.time() + seconds

    async def wait_for_status(
        self, devbox_id: str, statuses: list[str], timeout_seconds: float | None
    ) -> Doc | None:
        """Hold until the devbox has one of ``statuses``; None when the hold (≤30 s) runs out."""
        self.record(devbox_id)
        wanted = set(statuses)
        hold = min(
            DEFAULT_WAIT_SECONDS if timeout_seconds is None else timeout_seconds, MAX_WAIT_SECONDS
        )
        reached = await self.changes.hold_until(
            devbox_id, lambda: self.record(devbox_id)["status"] in wanted, hold
        )
        return self.get(devbox_id) if reached else None

    # ---- for executions, files, snapshots and the run services --------------------------

    def sandbox(self, devbox_id: str) -> Sandbox:
        """The running sandbox. Raises NotFound, or IllegalState if the devbox is not running."""
        doc = self.record(devbox_id)
        sandbox = self._sandboxes.get(devbox_id)
        if doc["status"] != "running" or sandbox is None:
            status = doc["status"]
            raise IllegalState(f"Devbox {devbox_id} is {status}, not running. {_advice(doc)}")
        return sandbox

    async def run_command(
        self, devbox_id: str, command: str, *, timeout: float
    ) -> tuple[int | None, str, str]:
        """Run ``command`` (waiting for the devbox to be running first); exit status None on
        timeout (the command is then killed). Output is decoded as UTF-8 with replacement."""
        await self.wait_for_status(devbox_id, ["running", "failure", "shutdown"], MAX_WAIT_SECONDS)
        return await self.executions.run(devbox_id, command, timeout=timeout)

    def exec_root(self, devbox_id: str) -> Path:
        """Host directory of a devbox's sandbox (it outlives the sandbox: output stays there)."""
        return self.root_dir / devbox_id

    # ---- internals ----------------------------------------------------------------------

    async def _provision(self, devbox_id: str, limits: Any, archive: Path | None) -> None:
        async with self.lock(devbox_id):
            doc = self.record(devbox_id)
            if doc["status"] != "provisioning":
                return
            try:
                warm = await self._warm_pool().take(
                    devbox_id, self.exec_root(devbox_id), limits, archive
                )
                if warm is not None:
                    self._sandboxes[devbox_id] = warm
                    self._save(set_status(doc, "running"))
                    self.touch(devbox_id)
                    return
                # Off the loop: making its folders waits on the disk (~1 ms a mkdir when busy).
                sandbox = await asyncio.to_thread(
                    create_sandbox,
                    devbox_id,
                    self.exec_root(devbox_id),
                    limits=limits,
                    snapshot=archive,
                )
            except Exception as exc:
                log.warning("devbox %s could not be created: %s", devbox_id, exc)
                doc["failure_message"] = f"The sandbox could not be created: {exc}"
                await self.finish(doc, "failure", failure_reason="health_check_failed")
                return
            self._sandboxes[devbox_id] = sandbox
            await self._start_sandbox(doc, sandbox)

    def _warm_pool(self) -> WarmPool:
        """Started sandboxes for devboxes with the default limits (none in the fallback mode)."""
        if self._pool is None:
            size = self._pool_size if sandbox_mode() == "bwrap" else 0
            self._pool = WarmPool(self.root_dir, limits_of({}), size)
        return self._pool

    async def _start_sandbox(self, doc: Doc, sandbox: Sandbox) -> None:
        try:
            await sandbox.start()
        except Exception as exc:
            log.warning("devbox %s did not start: %s", doc["id"], exc)
            doc["failure_message"] = f"The sandbox did not start: {exc}"
            await self.finish(doc, "failure", failure_reason="health_check_failed")
            return
        self._save(set_status(doc, "running"))
        self.touch(doc["id"])

    async def finish(self, doc: Doc, status: str, *, failure_reason: str | None = None) -> None:
        """Move to a terminal status: kill processes, end executions, free the disk, hooks."""
        devbox_id = doc["id"]
        sandbox = self._sandboxes.pop(devbox_id, None)
        if sandbox is not None:
            with contextlib.suppress(Exception):
                await sandbox.shutdown(keep_disk=True)
        await self.executions.end_all(devbox_id, sandbox)
        # Off the event loop: a large home takes seconds to delete, and every client would wait.
        await asyncio.to_thread(shutil.rmtree, self.exec_root(devbox_id) / "home", True)
        release_recorded(self.exec_root(devbox_id), devbox_id)
        self._idle_deadline.pop(devbox_id, None)
        self._save(set_status(doc, status, failure_reason=failure_reason))
        view = public_view(doc)
        for hook in self._end_hooks:
            try:
                await hook(devbox_id, view)
            except Exception:
                log.exception("end hook %r failed for devbox %s", hook, devbox_id)

    def idle_deadlines(self) -> dict[str, float]:
        """Loop time at which each running devbox's keep-alive runs out (a copy)."""
        return dict(self._idle_deadline)

    def live_sandboxes(self) -> dict[str, Sandbox]:
        return dict(self._sandboxes)

    def _ensure_reaper(self) -> None:
        if self._reaper is None or self._reaper.done():
            self._reaper = asyncio.get_running_loop().create_task(reap_forever(self))

    def _spawn(self, coro: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def lock(self, devbox_id: str) -> asyncio.Lock:
        return self._locks.setdefault(devbox_id, asyncio.Lock())

    def record(self, devbox_id: str) -> Doc:
        doc = self.store.get(KIND, devbox_id)
        if doc is None:
            raise NotFound("devbox", devbox_id)
        return doc

    def _require(self, devbox_id: str, status: str, action: str) -> Doc:
        doc = self.record(devbox_id)
        if doc["status"] != status:
            raise IllegalState(
                f"Cannot {action} devbox {devbox_id}: it is {doc['status']}, "
                f"and only a {status} devbox can be {action}d."
            )
        return doc

    def _save(self, doc: Doc) -> Doc:
        self.store.put(KIND, doc)
        self.changes.notify(doc["id"])
        return doc


def sandbox_mode() -> SandboxMode:
    """The mode new devboxes get. Raises SandboxUnavailable (503) when none can be made."""
    try:
        return detect_mode()
    except NoSandbox as exc:
        raise SandboxUnavailable(str(exc)) from None


def _mode_to_resume(doc: Doc) -> SandboxMode:
    """The mode the devbox was made in, if this server still makes it (else 503, not a weaker one).

    A devbox created in a bwrap sandbox and suspended must not come back unsandboxed because the
    server was restarted with ``RUNLOOP_NB_SANDBOX=unsandboxed`` (or the other way round).
    """
    recorded = doc.get("sandbox_mode") or "bwrap"
    current = sandbox_mode()
    if current != recorded:
        raise SandboxUnavailable(
            f"Devbox {doc['id']} was created in the {recorded!r} sandbox and this server now makes "
            f"{current!r} ones; restart the server in the {recorded!r} mode to resume it, or shut "
            "it down and create a new devbox."
        )
    return current


def _advice(doc: Doc) -> str:
    """What to do about a devbox that is not running (handle method names, not REST ones)."""
    status = doc["status"]
    if status == "suspended":
        return "Resume it first (await devbox.resume())."
    if status in ("shutdown", "failure"):
        return (
            f"A devbox in {status} never runs again: create a new devbox, or start a new "
            "scenario run for a new one."
        )
    return "Wait until it is running (await devbox.await_running())."
