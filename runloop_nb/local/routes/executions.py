"""Routes of command execution (contract §9.7): execute, async, sync, wait, kill, stdin, SSE."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query
from fastapi.responses import StreamingResponse

from runloop_nb.local._errors import InvalidRequest, RequestTimeout, ServerError
from runloop_nb.local._executions import MAX_WAIT_SECONDS, ExecutionService
from runloop_nb.local._json_body import JSONRoute
from runloop_nb.local._state import ServerState, get_state
from runloop_nb.wire import (
    DEFAULT_LAST_N,
    DEFAULT_OPTIMISTIC_TIMEOUT,
    ExecuteAsyncParams,
    ExecuteParams,
    ExecuteSyncParams,
    ExecutionWaitParams,
    KillExecutionParams,
    SendStdInParams,
)

router = APIRouter(prefix="/v1/devboxes/{devbox_id}", tags=["executions"], route_class=JSONRoute)

State = Annotated[ServerState, Depends(get_state)]
LastN = Annotated[str | None, Query()]
#: How long execute_sync holds the request for the command to finish.
SYNC_HOLD_SECONDS = MAX_WAIT_SECONDS


def _executions(state: ServerState) -> ExecutionService:
    return state.devboxes.executions


def _last_n(raw: str | None) -> int:
    if raw is None or raw == "":
        return DEFAULT_LAST_N
    try:
        value = int(raw)
    except ValueError:
        raise InvalidRequest(f"last_n must be a whole number of lines, got {raw[:50]!r}") from None
    if value < 0:
        raise InvalidRequest(f"last_n must not be negative, got {value}")
    return value


@router.post("/execute")
async def execute(
    state: State, devbox_id: str, params: ExecuteParams, last_n: LastN = None
) -> dict[str, Any]:
    """Start (or, for a known ``command_id``, find) a command; wait up to ``optimistic_timeout``
    (≤25 s) and answer the finished result, or the running status if it is still going."""
    service = _executions(state)
    # Validate every input before the command runs: a 400 after the fact would leave a
    # command running that the caller believes was refused.
    lines = _last_n(last_n)
    doc = await service.start(
        devbox_id,
        params.command,
        attach_stdin=bool(params.attach_stdin),
        command_id=params.command_id,
    )
    wait = params.optimistic_timeout
    hold = min(DEFAULT_OPTIMISTIC_TIMEOUT if wait is None else wait, MAX_WAIT_SECONDS)
    done = await service.wait(devbox_id, doc["id"], ["completed"], hold)
    return service.view(done or service.get(devbox_id, doc["id"]), last_n=lines)


@router.post("/execute_async")
async def execute_async(state: State, devbox_id: str, params: ExecuteAsyncParams) -> dict[str, Any]:
    service = _executions(state)
    doc = await service.start(devbox_id, params.command, attach_stdin=bool(params.attach_stdin))
    return service.view(doc)


@router.post("/execute_sync", response_model=None)
async def execute_sync(
    state: State, devbox_id: str, params: ExecuteSyncParams
) -> dict[str, Any] | StreamingResponse:
    """Deprecated: run and answer the whole output (DevboxExecutionDetailView) if the command
    finishes within the hold (``SYNC_HOLD_SECONDS``, the 25 s of the other long-polls).

    A command still running then is not killed: the answer is its current state, the
    DevboxAsyncExecutionDetailView ``execute`` answers when its wait runs out (``status``
    ``running`` and the ``execution_id`` to wait on). Not a 408: clients retry 408, and a
    retried execute_sync (which has no ``command_id``) would run the command again.
    """
    service = _executions(state)
    doc = await service.start(devbox_id, params.command)
    done = await service.wait(devbox_id, doc["id"], ["completed"], SYNC_HOLD_SECONDS)
    if done is None:
        return service.view(service.get(devbox_id, doc["id"]))
    return StreamingResponse(service.detail_json(done), media_type="application/json")


@router.get("/executions/{execution_id}")
async def retrieve_execution(
    state: State, devbox_id: str, execution_id: str, last_n: LastN = None
) -> dict[str, Any]:
    service = _executions(state)
    return service.view(service.get(devbox_id, execution_id), last_n=_last_n(last_n))


@router.post("/executions/{execution_id}/wait_for_status")
async def wait_for_execution(
    state: State,
    devbox_id: str,
    execution_id: str,
    params: ExecutionWaitParams,
    last_n: LastN = None,
) -> dict[str, Any]:
    """Hold until one of ``statuses`` (≤25 s, default 25 s); 408 when the hold runs out."""
    service = _executions(state)
    wait = params.timeout_seconds
    hold = min(MAX_WAIT_SECONDS if wait is None else wait, MAX_WAIT_SECONDS)
    done = await service.wait(devbox_id, execution_id, list(params.statuses), hold)
    if done is None:
        raise RequestTimeout(
            f"Execution {execution_id} did not reach {list(params.statuses)} "
            "within the hold; ask again."
        )
    return service.view(done, last_n=_last_n(last_n))


@router.post("/executions/{execution_id}/kill")
async def kill_execution(
    state: State,
    devbox_id: str,
    execution_id: str,
    params: Annotated[KillExecutionParams | None, Body()] = None,
) -> dict[str, Any]:
    """Kill the command and every process it started (the whole tree, always)."""
    service = _executions(state)
    return service.view(await service.kill(devbox_id, execution_id))


@router.post("/executions/{execution_id}/send_std_in")
async def send_std_in(
    state: State, devbox_id: str, execution_id: str, params: SendStdInParams
) -> dict[str, Any]:
    ok = await _executions(state).send_stdin(devbox_id, execution_id, params.text, params.signal)
    return {"devbox_id": devbox_id, "execution_id": execution_id, "success": ok}


@router.get("/executions/{execution_id}/stream_stdout_updates")
async def stream_stdout(
    state: State, devbox_id: str, execution_id: str, offset: Annotated[str | None, Query()] = None
) -> StreamingResponse:
    return _stream(state, devbox_id, execution_id, "stdout", offset)


@router.get("/executions/{execution_id}/stream_stderr_updates")
async def stream_stderr(
    state: State, devbox_id: str, execution_id: str, offset: Annotated[str | None, Query()] = None
) -> StreamingResponse:
    return _stream(state, devbox_id, execution_id, "stderr", offset)


def _stream(
    state: ServerState, devbox_id: str, execution_id: str, stream: str, raw_offset: str | None
) -> StreamingResponse:
    """SSE of output after byte ``offset``: ``data: {"output", "offset": END byte offset}``."""
    service = _executions(state)
    service.get(devbox_id, execution_id)  # 404 before the stream starts
    try:
        offset = int(raw_offset) if raw_offset else 0
    except ValueError:
        raise InvalidRequest(
            f"offset must be a byte offset (a whole number), got {str(raw_offset)[:50]!r}"
        ) from None
    if offset < 0:
        raise InvalidRequest(f"offset must not be negative, got {offset}")
    events = _events(service.stream(devbox_id, execution_id, stream, offset))
    return StreamingResponse(
        events, media_type="text/event-stream", headers={"Cache-Control": "no-cache"}
    )


async def _events(chunks: AsyncIterator[dict[str, Any]]) -> AsyncIterator[str]:
    try:
        async for chunk in chunks:
            yield f"data: {json.dumps(chunk)}\n\n"
    except ServerError as exc:  # the SDK turns an error event into an APIStatusError
        body = {"code": exc.status, "error": exc.error, "message": exc.message}
        yield f"event: error\ndata: {json.dumps(body)}\n\n"
