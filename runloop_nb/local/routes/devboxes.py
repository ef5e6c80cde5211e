"""Routes of the devboxes resource (contract §9.1, §9.9): lifecycle, long-poll, usage, logs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query

from runloop_nb.local._devbox_records import ALL_STATUSES, public_view
from runloop_nb.local._devboxes import KIND, MAX_WAIT_SECONDS, DevboxService
from runloop_nb.local._errors import RequestTimeout
from runloop_nb.local._json_body import JSONRoute
from runloop_nb.local._listing import PageParams, page_params, parse_bool, parse_one_of, store_page
from runloop_nb.local._openapi import (
    BOOLEAN_PARAM,
    CHANGE,
    HOLD,
    LIST,
    NEW_DEVBOX,
    RETRIEVE,
    SHUTDOWN,
    one_of_param,
)
from runloop_nb.local._state import ServerState, get_state
from runloop_nb.wire import DevboxCreateParams, DevboxUpdateParams, WaitForStatusParams

router = APIRouter(prefix="/v1/devboxes", tags=["devboxes"], route_class=JSONRoute)

State = Annotated[ServerState, Depends(get_state)]


def _devboxes(state: ServerState) -> DevboxService:
    return state.devboxes


@router.post("", responses=NEW_DEVBOX)
async def create_devbox(
    state: State, params: Annotated[DevboxCreateParams | None, Body()] = None
) -> dict[str, Any]:
    return await _devboxes(state).create(params or DevboxCreateParams())


@router.post("/create_and_await_running", responses=NEW_DEVBOX)
async def create_and_await_running(
    state: State, params: Annotated[DevboxCreateParams | None, Body()] = None
) -> dict[str, Any]:
    """Create, then hold (up to 30 s) until the devbox is running, failed or shut down."""
    service = _devboxes(state)
    view = await service.create(params or DevboxCreateParams())
    done = await service.wait_for_status(
        view["id"], ["running", "failure", "shutdown"], MAX_WAIT_SECONDS
    )
    return done or service.get(view["id"])


@router.get("", responses=LIST)
async def list_devboxes(
    state: State,
    page: Annotated[PageParams, Depends(page_params)],
    status: Annotated[str | None, Query(), one_of_param(ALL_STATUSES)] = None,
) -> dict[str, Any]:
    """Newest first, optionally only devboxes of one ``status``."""
    status = parse_one_of("status", status, ALL_STATUSES)
    where = {"status": status} if status else None
    return store_page(
        state.store, KIND, "devboxes", page, view=public_view, where=where, newest_first=True
    )


@router.get("/{devbox_id}", responses=RETRIEVE)
async def retrieve_devbox(state: State, devbox_id: str) -> dict[str, Any]:
    return _devboxes(state).get(devbox_id)


@router.post("/{devbox_id}", responses=CHANGE)
async def update_devbox(
    state: State, devbox_id: str, params: Annotated[DevboxUpdateParams | None, Body()] = None
) -> dict[str, Any]:
    return await _devboxes(state).update(devbox_id, params or DevboxUpdateParams())


@router.post("/{devbox_id}/wait_for_status", responses=HOLD)
async def wait_for_status(
    state: State, devbox_id: str, params: WaitForStatusParams
) -> dict[str, Any]:
    """Hold until one of ``statuses`` (≤30 s, default 10 s); 408 when the hold runs out."""
    done = await _devboxes(state).wait_for_status(
        devbox_id, list(params.statuses), params.timeout_seconds
    )
    if done is None:
        raise RequestTimeout(
            f"Devbox {devbox_id} did not reach {list(params.statuses)} within the hold; ask again."
        )
    return done


@router.post("/{devbox_id}/shutdown", responses=SHUTDOWN)
async def shutdown_devbox(
    state: State, devbox_id: str, force: Annotated[str | None, Query(), BOOLEAN_PARAM] = None
) -> dict[str, Any]:
    forced = parse_bool("force", force, default=False)
    return await _devboxes(state).shutdown(devbox_id, force=forced)


@router.post("/{devbox_id}/suspend", responses=CHANGE)
async def suspend_devbox(state: State, devbox_id: str) -> dict[str, Any]:
    return await _devboxes(state).suspend(devbox_id)


@router.post("/{devbox_id}/resume", responses=CHANGE)
async def resume_devbox(state: State, devbox_id: str) -> dict[str, Any]:
    return await _devboxes(state).resume(devbox_id)


@router.post("/{devbox_id}/keep_alive", responses=CHANGE)
async def keep_alive(state: State, devbox_id: str) -> dict[str, Any]:
    _devboxes(state).keep_alive(devbox_id)
    return {}


@router.get("/{devbox_id}/usage", responses=RETRIEVE)
async def usage(state: State, devbox_id: str) -> dict[str, Any]:
    return _devboxes(state).usage(devbox_id)


@router.get("/{devbox_id}/logs", responses=RETRIEVE)
async def logs(
    state: State, devbox_id: str, execution_id: Annotated[str | None, Query()] = None
) -> dict[str, Any]:
    """Log entries of the devbox's commands (source ``exec``), optionally of one execution."""
    service = _devboxes(state)
    service.get(devbox_id)
    if execution_id:
        service.executions.get(devbox_id, execution_id)
    return {"logs": service.executions.logs(devbox_id, execution_id or None)}
