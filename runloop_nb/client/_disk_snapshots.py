"""`client.api.devboxes.disk_snapshots`: list, update, delete and await disk snapshots (§9.10)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from runloop_nb.client._paging import AsyncPager, make_pager
from runloop_nb.client._polling import PollingConfig, poll_until
from runloop_nb.client._resource import Resource, path_id, wire_body
from runloop_nb.client._types import NOT_GIVEN, NotGiven, body_of
from runloop_nb.errors import UnexpectedStateError
from runloop_nb.wire import (
    DevboxSnapshotView,
    DiskSnapshotListView,
    SnapshotStatusView,
    SnapshotUpdateParams,
)


class DiskSnapshots(Resource):
    """Disk snapshots of devboxes."""

    def list(
        self,
        *,
        devbox_id: str | NotGiven = NOT_GIVEN,
        source_blueprint_id: str | NotGiven = NOT_GIVEN,
        metadata_key: str | NotGiven = NOT_GIVEN,
        metadata_key_in: str | NotGiven = NOT_GIVEN,
        limit: int | NotGiven = NOT_GIVEN,
        starting_after: str | NotGiven = NOT_GIVEN,
        include_total_count: bool | NotGiven = NOT_GIVEN,
    ) -> AsyncPager[DevboxSnapshotView]:
        """Snapshots, filtered like the SDK: `metadata_key` is sent as `metadata[key]`."""
        query = {
            **body_of(devbox_id=devbox_id, source_blueprint_id=source_blueprint_id),
            # The API takes these literal parameter names (reference §1.6).
            **body_of(**{"metadata[key]": metadata_key, "metadata[key][in]": metadata_key_in}),
            **body_of(
                limit=limit, starting_after=starting_after, include_total_count=include_total_count
            ),
        }
        return make_pager(
            self._transport, "/v1/devboxes/disk_snapshots", DiskSnapshotListView, query
        )

    async def update(
        self,
        id: str,
        *,
        name: str | NotGiven | None = NOT_GIVEN,
        metadata: Mapping[str, str] | NotGiven | None = NOT_GIVEN,
        commit_message: str | NotGiven | None = NOT_GIVEN,
    ) -> DevboxSnapshotView:
        """Replace a snapshot's name, metadata and commit message."""
        body = wire_body(
            SnapshotUpdateParams, name=name, metadata=metadata, commit_message=commit_message
        )
        return await self._transport.fetch(DevboxSnapshotView, "POST", _path(id), json_body=body)

    async def delete(self, id: str) -> dict[str, Any]:
        """Delete a snapshot (409 unless it was created successfully)."""
        data = await self._transport.request_json("POST", _path(id, "/delete"))
        return data if isinstance(data, dict) else {}

    async def query_status(self, id: str) -> SnapshotStatusView:
        """Where an async snapshot stands: `in_progress`, `complete`, `error` or `deleted`."""
        return await self._transport.fetch(SnapshotStatusView, "GET", _path(id, "/status"))

    async def await_completed(
        self, id: str, *, polling: PollingConfig | None = None, timeout_seconds: float | None = None
    ) -> SnapshotStatusView:
        """Poll the status until the snapshot is `complete`.

        Raises:
            UnexpectedStateError: it ended `error` or `deleted` (with the server's message).
            PollingTimeoutError: still in progress when the budget ran out.
        """
        config = (polling or self._polling).with_timeout(timeout_seconds)
        what = f"disk snapshot {id} to complete"
        status = await poll_until(
            self._transport,
            lambda: self.query_status(id),
            lambda view: view.status,
            pending={"in_progress"},
            config=config,
            what=what,
        )
        if status.status != "complete":
            raise UnexpectedStateError(
                what, state=status.status, expected="complete", detail=status.error_message
            )
        return status


def _path(id: str, suffix: str = "") -> str:
    return f"/v1/devboxes/disk_snapshots/{path_id(id, 'snapshot id')}{suffix}"
