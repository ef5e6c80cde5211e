"""Routes of disk snapshots (contract §9.10). Registered before the devboxes router, so
``/v1/devboxes/disk_snapshots`` is not taken for a devbox id."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request

from runloop_nb.local._errors import InvalidRequest
from runloop_nb.local._json_body import JSONRoute
from runloop_nb.local._listing import PageParams, list_page, page_params
from runloop_nb.local._openapi import CHANGE, DELETE_SNAPSHOT, LIST, RETRIEVE
from runloop_nb.local._snapshots import SnapshotService
from runloop_nb.local._state import ServerState, get_state
from runloop_nb.wire import SnapshotDiskParams, SnapshotUpdateParams

router = APIRouter(prefix="/v1/devboxes", tags=["snapshots"], route_class=JSONRoute)

State = Annotated[ServerState, Depends(get_state)]
_METADATA_KEY = re.compile(r"^metadata\[([^\]]+)\](\[in\])?$")


def _snapshots(state: ServerState) -> SnapshotService:
    # The devbox service's own instance: it can reach the devboxes' sandboxes.
    return state.devboxes.snapshots


@router.get("/disk_snapshots", responses=LIST)
async def list_snapshots(
    state: State,
    request: Request,
    page: Annotated[PageParams, Depends(page_params)],
    devbox_id: str | None = None,
    source_blueprint_id: str | None = None,
) -> dict[str, Any]:
    """Newest first; filters ``devbox_id``, ``source_blueprint_id``, ``metadata[key]=value``
    and ``metadata[key][in]=a,b`` (read from the raw query: the keys are not fixed)."""
    items = _snapshots(state).matching(
        devbox_id=devbox_id or None,
        source_blueprint_id=source_blueprint_id or None,
        metadata=metadata_filters(request.query_params.multi_items()),
    )
    return list_page(items, "snapshots", page)


def metadata_filters(items: list[tuple[str, str]]) -> dict[str, list[str]]:
    """``metadata[k]=v`` → {k: [v]}; ``metadata[k][in]=a,b`` → {k: [a, b]}."""
    filters: dict[str, list[str]] = {}
    for name, value in items:
        if not name.startswith("metadata"):
            continue
        match = _METADATA_KEY.match(name)
        if match is None:
            raise InvalidRequest(
                f"Bad metadata filter {name!r}; use metadata[key]=value or metadata[key][in]=a,b."
            )
        key, is_in = match.group(1), match.group(2)
        filters[key] = value.split(",") if is_in else [value]
    return filters


@router.get("/disk_snapshots/{snapshot_id}/status", responses=RETRIEVE)
async def snapshot_status(state: State, snapshot_id: str) -> dict[str, Any]:
    return _snapshots(state).status(snapshot_id)


@router.post("/disk_snapshots/{snapshot_id}/delete", responses=DELETE_SNAPSHOT)
async def delete_snapshot(state: State, snapshot_id: str) -> dict[str, Any]:
    _snapshots(state).delete(snapshot_id)
    return {}


@router.post("/disk_snapshots/{snapshot_id}", responses=CHANGE)
async def update_snapshot(
    state: State,
    snapshot_id: str,
    params: Annotated[SnapshotUpdateParams | None, Body()] = None,
) -> dict[str, Any]:
    """Full replace of name, metadata and commit_message."""
    return _snapshots(state).update(snapshot_id, params or SnapshotUpdateParams())


@router.post("/{devbox_id}/snapshot_disk", responses=CHANGE)
async def snapshot_disk(
    state: State, devbox_id: str, params: Annotated[SnapshotDiskParams | None, Body()] = None
) -> dict[str, Any]:
    """Snapshot the devbox's home and answer once the archive is complete."""
    return await _snapshots(state).snapshot(devbox_id, params or SnapshotDiskParams(), wait=True)


@router.post("/{devbox_id}/snapshot_disk_async", responses=CHANGE)
async def snapshot_disk_async(
    state: State, devbox_id: str, params: Annotated[SnapshotDiskParams | None, Body()] = None
) -> dict[str, Any]:
    """Start a snapshot; poll ``/v1/devboxes/disk_snapshots/{id}/status`` until complete."""
    return await _snapshots(state).snapshot(devbox_id, params or SnapshotDiskParams(), wait=False)
