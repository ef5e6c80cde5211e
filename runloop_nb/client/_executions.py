"""`client.api.devboxes.executions`: one command's state, stdin, kill and output streams (§9.7)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Literal

import httpx
import pydantic

from runloop_nb.client._errors_map import sse_error
from runloop_nb.client._polling import PollingConfig, long_poll
from runloop_nb.client._resource import Resource, path_id, wire_body
from runloop_nb.client._transport import backoff_delay
from runloop_nb.client._types import NOT_GIVEN, NotGiven, body_of
from runloop_nb.errors import APIConnectionError, APIError, ResponseFormatError
from runloop_nb.wire import (
    ExecutionUpdateChunk,
    ExecutionView,
    KillExecutionParams,
    SendStdInParams,
    SendStdInView,
)

StreamKind = Literal["stdout", "stderr"]


class Executions(Resource):
    """Commands started with `execute`/`execute_async` on a devbox."""

    async def retrieve(
        self, execution_id: str, *, devbox_id: str, last_n: int | NotGiven = NOT_GIVEN
    ) -> ExecutionView:
        """An execution's current state (and output once completed)."""
        return await self._transport.fetch(
            ExecutionView, "GET", _path(devbox_id, execution_id), query=body_of(last_n=last_n)
        )

    async def await_completed(
        self,
        execution_id: str,
        *,
        devbox_id: str,
        polling: PollingConfig | None = None,
        timeout_seconds: float | None = None,
        last_n: int | NotGiven = NOT_GIVEN,
    ) -> ExecutionView:
        """Long-poll (25 s holds) until the execution is `completed`.

        Raises:
            PollingTimeoutError: still running when the budget ran out (the command keeps running).
        """
        config = (polling or self._polling).with_timeout(timeout_seconds)
        data = await long_poll(
            self._transport,
            _path(devbox_id, execution_id, "/wait_for_status"),
            statuses=["completed"],
            pending={"queued", "running"},
            hold_cap=config.execution_hold_seconds,
            config=config,
            what=f"execution {execution_id} on devbox {devbox_id} to complete",
            query=body_of(last_n=last_n),
        )
        return ExecutionView.model_validate(data)

    async def kill(
        self,
        execution_id: str,
        *,
        devbox_id: str,
        kill_process_group: bool | NotGiven = NOT_GIVEN,
    ) -> ExecutionView:
        """Kill the command (and its process group when asked)."""
        body = wire_body(KillExecutionParams, kill_process_group=kill_process_group)
        return await self._transport.fetch(
            ExecutionView, "POST", _path(devbox_id, execution_id, "/kill"), json_body=body
        )

    async def send_std_in(
        self,
        execution_id: str,
        *,
        devbox_id: str,
        text: str | NotGiven = NOT_GIVEN,
        signal: Literal["EOF", "INTERRUPT"] | NotGiven = NOT_GIVEN,
    ) -> SendStdInView:
        """Send text, or the EOF/INTERRUPT signal, to a command started with `attach_stdin`."""
        body = wire_body(SendStdInParams, text=text, signal=signal)
        return await self._transport.fetch(
            SendStdInView, "POST", _path(devbox_id, execution_id, "/send_std_in"), json_body=body
        )

    def stream_stdout_updates(
        self, execution_id: str, *, devbox_id: str, offset: int | str | None = None
    ) -> AsyncIterator[ExecutionUpdateChunk]:
        """Stdout as it is written, chunk by chunk; see `stream_updates`."""
        return self.stream_updates(execution_id, devbox_id=devbox_id, kind="stdout", offset=offset)

    def stream_stderr_updates(
        self, execution_id: str, *, devbox_id: str, offset: int | str | None = None
    ) -> AsyncIterator[ExecutionUpdateChunk]:
        """Stderr as it is written, chunk by chunk; see `stream_updates`."""
        return self.stream_updates(execution_id, devbox_id=devbox_id, kind="stderr", offset=offset)

    async def stream_updates(
        self,
        execution_id: str,
        *,
        devbox_id: str,
        kind: StreamKind,
        offset: int | str | None = None,
    ) -> AsyncIterator[ExecutionUpdateChunk]:
        """Yield output chunks until the server ends the stream (the command completed).

        A chunk's `offset` is the byte offset just **after** its output (its END offset). When
        the connection drops, the stream is reopened with `offset=<last chunk's offset>`, so no
        byte is repeated or lost. `offset=` starts mid-stream (bytes, not characters).

        Raises:
            APIError: the server sent `event: error` (its status is the event's `code`).
            APIConnectionError: the stream could not be reopened after `max_retries` tries.
        """
        path = _path(devbox_id, execution_id, f"/stream_{kind}_updates")
        position = None if offset is None else int(offset)
        failures = 0
        while True:
            query = {} if position is None else {"offset": str(position)}
            try:
                async with self._transport.stream(
                    path, query=query, accept="text/event-stream"
                ) as response:
                    async for chunk in _chunks(response):
                        position = _end_offset(chunk, position)
                        failures = 0
                        yield chunk
                return
            except (httpx.TransportError, APIConnectionError, APIError) as exc:
                if isinstance(exc, APIError) and exc.status_code != 408:
                    raise
                failures += 1
                if failures > self._transport.max_retries:
                    raise _gave_up(exc, path) from exc
                await self._transport.sleep(backoff_delay(failures - 1, 0.0))


def _end_offset(chunk: ExecutionUpdateChunk, position: int | None) -> int:
    if chunk.offset is not None:
        return chunk.offset
    # A server that omits offsets: count the bytes ourselves.
    return (position or 0) + len(chunk.output.encode("utf-8"))


def _gave_up(exc: Exception, path: str) -> Exception:
    if isinstance(exc, APIError | APIConnectionError):
        return exc
    return APIConnectionError(
        f"The output stream {path} kept dropping ({type(exc).__name__}: {exc}); "
        "retrieve the execution for its final output."
    )


async def _chunks(response: httpx.Response) -> AsyncIterator[ExecutionUpdateChunk]:
    event, data_lines = "message", list[str]()
    async for line in response.aiter_lines():
        if line == "":
            if data_lines:
                yield _chunk_of(event, "\n".join(data_lines), response)
            event, data_lines = "message", []
        elif line.startswith(":"):
            continue  # SSE comment / keep-alive
        else:
            field, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if field == "event":
                event = value
            elif field == "data":
                data_lines.append(value)
    if data_lines:
        yield _chunk_of(event, "\n".join(data_lines), response)


def _chunk_of(event: str, data: str, response: httpx.Response) -> ExecutionUpdateChunk:
    if event == "error":
        raise sse_error(data, response.request)
    try:
        return ExecutionUpdateChunk.model_validate(json.loads(data))
    except (ValueError, pydantic.ValidationError):
        raise ResponseFormatError(
            url=str(response.request.url),
            status_code=response.status_code,
            snippet=data[:200],
            problem="an SSE event whose data is not an output chunk",
        ) from None


def _path(devbox_id: str, execution_id: str, suffix: str = "") -> str:
    return (
        f"/v1/devboxes/{path_id(devbox_id, 'devbox_id')}/executions/"
        f"{path_id(execution_id, 'execution id')}{suffix}"
    )
