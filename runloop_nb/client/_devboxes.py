"""`client.api.devboxes`: devbox lifecycle and its long-poll awaits (§9.1, §11)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from runloop_nb.client._devbox_io import DevboxIO
from runloop_nb.client._disk_snapshots import DiskSnapshots
from runloop_nb.client._executions import Executions
from runloop_nb.client._paging import AsyncPager, make_pager
from runloop_nb.client._polling import PollingConfig, long_poll
from runloop_nb.client._resource import path_id, wire_body
from runloop_nb.client._transport import Transport
from runloop_nb.client._types import NOT_GIVEN, NotGiven, body_of
from runloop_nb.errors import UnexpectedStateError
from runloop_nb.wire import (
    DevboxCreateParams,
    DevboxListView,
    DevboxUpdateParams,
    DevboxView,
)

_CREATE_FIELDS = frozenset(DevboxCreateParams.model_fields)
# Statuses a devbox passes through on its way to `running`; anything else ends the await.
_STARTING = frozenset({"queued", "scheduled", "provisioning", "initializing", "resuming"})
_SUSPENDING = frozenset({"running", "suspending"})


class Devboxes(DevboxIO):
    """Devboxes: sandboxed Linux machines; `.executions` and `.disk_snapshots` hang off it."""

    def __init__(self, transport: Transport, polling: PollingConfig) -> None:
        super().__init__(transport, polling)
        self.executions = Executions(transport, polling)
        self.disk_snapshots = DiskSnapshots(transport, polling)

    async def create(self, *, idempotency_key: str | None = None, **params: Any) -> DevboxView:
        """Create a devbox (it starts `provisioning`); params as in the devbox create body."""
        body = _create_body(params)
        return await self._transport.fetch(
            DevboxView, "POST", "/v1/devboxes", json_body=body, idempotency_key=idempotency_key
        )

    async def create_and_await_running(
        self,
        *,
        polling: PollingConfig | None = None,
        idempotency_key: str | None = None,
        **params: Any,
    ) -> DevboxView:
        """Create a devbox and wait until it is `running` (long-polls if the server did not)."""
        body = _create_body(params)
        devbox = await self._transport.fetch(
            DevboxView,
            "POST",
            "/v1/devboxes/create_and_await_running",
            json_body=body,
            idempotency_key=idempotency_key,
        )
        if devbox.status == "running":
            return devbox
        return await self.await_running(devbox.id, polling=polling)

    async def retrieve(self, id: str) -> DevboxView:
        """One devbox by id."""
        return await self._transport.fetch(DevboxView, "GET", _path(id))

    def list(
        self,
        *,
        limit: int | NotGiven = NOT_GIVEN,
        status: str | NotGiven = NOT_GIVEN,
        starting_after: str | NotGiven = NOT_GIVEN,
        include_total_count: bool | NotGiven = NOT_GIVEN,
    ) -> AsyncPager[DevboxView]:
        """Devboxes of this account, optionally in one status."""
        query = body_of(
            limit=limit,
            status=status,
            starting_after=starting_after,
            include_total_count=include_total_count,
        )
        return make_pager(self._transport, "/v1/devboxes", DevboxListView, query)

    async def update(
        self,
        id: str,
        *,
        name: str | NotGiven | None = NOT_GIVEN,
        metadata: dict[str, str] | NotGiven | None = NOT_GIVEN,
    ) -> DevboxView:
        """Rename a devbox or replace its metadata."""
        body = wire_body(DevboxUpdateParams, name=name, metadata=metadata)
        return await self._transport.fetch(DevboxView, "POST", _path(id), json_body=body)

    async def await_running(
        self, id: str, *, polling: PollingConfig | None = None, timeout_seconds: float | None = None
    ) -> DevboxView:
        """Long-poll until the devbox is `running`.

        Raises:
            UnexpectedStateError: it ended `failure` or `shutdown` instead.
            PollingTimeoutError: still starting when the budget ran out.
        """
        return await self._await_status(
            id,
            "running",
            ["running", "failure", "shutdown"],
            _STARTING,
            (polling or self._polling).with_timeout(timeout_seconds),
        )

    async def await_suspended(
        self, id: str, *, polling: PollingConfig | None = None, timeout_seconds: float | None = None
    ) -> DevboxView:
        """Long-poll until the devbox is `suspended` (UnexpectedStateError on failure/shutdown)."""
        return await self._await_status(
            id,
            "suspended",
            ["suspended", "failure", "shutdown"],
            _SUSPENDING,
            (polling or self._polling).with_timeout(timeout_seconds),
        )

    async def _await_status(
        self,
        id: str,
        wanted: str,
        statuses: Sequence[str],
        pending: frozenset[str],
        config: PollingConfig,
    ) -> DevboxView:
        what = f"devbox {id} to be {wanted}"
        path = _path(id, "/wait_for_status")
        data = await long_poll(
            self._transport,
            path,
            statuses=statuses,
            pending=pending,
            hold_cap=config.devbox_hold_seconds,
            config=config,
            what=what,
        )
        devbox = DevboxView.model_validate(data)
        if devbox.status != wanted:
            reason = devbox.failure_reason or devbox.shutdown_reason
            raise UnexpectedStateError(what, state=devbox.status, expected=wanted, detail=reason)
        return devbox

    async def shutdown(self, id: str, *, force: bool | NotGiven = NOT_GIVEN) -> DevboxView:
        """Shut a devbox down (`force=True` even while snapshots are in progress)."""
        return await self._transport.fetch(
            DevboxView, "POST", _path(id, "/shutdown"), query=body_of(force=force)
        )

    async def suspend(self, id: str) -> DevboxView:
        """Suspend a running devbox (disk kept, processes not)."""
        return await self._transport.fetch(DevboxView, "POST", _path(id, "/suspend"))

    async def resume(self, id: str) -> DevboxView:
        """Resume a suspended devbox (use `await_running` to wait for it)."""
        return await self._transport.fetch(DevboxView, "POST", _path(id, "/resume"))

    async def keep_alive(self, id: str) -> dict[str, Any]:
        """Reset the devbox's idle timer."""
        data = await self._transport.request_json("POST", _path(id, "/keep_alive"))
        return data if isinstance(data, dict) else {}


def _create_body(params: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(params) - _CREATE_FIELDS)
    if unknown:
        raise TypeError(
            f"Unknown devbox create argument(s) {unknown}; valid ones: {sorted(_CREATE_FIELDS)}."
        )
    return wire_body(DevboxCreateParams, **params)


def _path(id: str, suffix: str = "") -> str:
    return f"/v1/devboxes/{path_id(id, 'devbox id')}{suffix}"
