"""Output streams over SSE: resuming after a dropped connection, byte-exact, and SSE errors."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest
from support.fake_cloud import FakeCloud

from runloop_nb.client import RunloopClient
from runloop_nb.errors import APIConnectionError, NotFoundError, ResponseFormatError

OUTPUT = "naïve café ✓ line 1\nline 2 — ünïcödé\nline 3 🚀\nthe end\n".encode()
STREAM = "/v1/devboxes/dbx_1/executions/exn_1/stream_stdout_updates"


class DroppingStream(httpx.AsyncByteStream):
    """SSE events of `OUTPUT` from `start`, in 7-byte chunks; drops after `drop_after` events."""

    def __init__(self, start: int, drop_after: int | None) -> None:
        self.start = start
        self.drop_after = drop_after

    async def __aiter__(self) -> AsyncIterator[bytes]:
        position, sent = self.start, 0
        while position < len(OUTPUT):
            if self.drop_after is not None and sent == self.drop_after:
                raise httpx.ReadError("connection reset by peer")
            end = _char_boundary(min(position + 7, len(OUTPUT)))
            text = OUTPUT[position:end].decode()
            yield f"data: {json.dumps({'output': text, 'offset': end})}\n\n".encode()
            position, sent = end, sent + 1


def _char_boundary(end: int) -> int:
    """Move `end` forward so a chunk never splits a UTF-8 character."""
    while end < len(OUTPUT) and OUTPUT[end] & 0xC0 == 0x80:
        end += 1
    return end


def sse_server(drops: list[int | None]) -> object:
    def answer(request: httpx.Request) -> httpx.Response:
        start = int(request.url.params.get("offset", "0"))
        drop_after = drops.pop(0) if drops else None
        return httpx.Response(
            200,
            headers={"content-type": "text/event-stream"},
            stream=DroppingStream(start, drop_after),
        )

    return answer


async def test_stream_resumes_from_the_last_offset_byte_exact(
    cloud: FakeCloud, client: RunloopClient
) -> None:
    cloud.routes[("GET", STREAM)] = [sse_server([2, 3])]  # type: ignore[list-item]
    chunks = [
        chunk
        async for chunk in client.api.devboxes.executions.stream_stdout_updates(
            "exn_1", devbox_id="dbx_1"
        )
    ]
    assert "".join(c.output for c in chunks).encode() == OUTPUT
    offsets = [r.url.params.get("offset") for r in cloud.requests]
    assert offsets[0] is None
    assert offsets[1] == str(chunks[1].offset)  # the END offset of the last chunk received
    assert offsets[2] == str(chunks[4].offset)
    assert cloud.requests[0].headers["accept"] == "text/event-stream"


async def test_stream_from_an_offset(cloud: FakeCloud, client: RunloopClient) -> None:
    cloud.routes[("GET", STREAM)] = [sse_server([])]  # type: ignore[list-item]
    start = OUTPUT.index(b"line 2")
    stream = client.api.devboxes.executions.stream_stdout_updates(
        "exn_1", devbox_id="dbx_1", offset=start
    )
    text = "".join([c.output async for c in stream])
    assert text.encode() == OUTPUT[start:]


async def test_stream_gives_up_after_max_retries_without_progress(cloud: FakeCloud) -> None:
    cloud.routes[("GET", STREAM)] = [sse_server([0, 0, 0, 0])]  # type: ignore[list-item]
    async with cloud.client(max_retries=2) as client:
        stream = client.api.devboxes.executions.stream_stdout_updates("exn_1", devbox_id="dbx_1")
        with pytest.raises(APIConnectionError, match="kept dropping"):
            _ = [c async for c in stream]
    assert len(cloud.requests) == 3


async def test_sse_error_event_becomes_typed_api_error(
    cloud: FakeCloud, client: RunloopClient
) -> None:
    body = (
        'data: {"output": "a", "offset": 1}\n\n'
        'event: error\ndata: {"code": 404, "message": "gone"}\n\n'
    )
    cloud.add("GET", STREAM, httpx.Response(200, text=body))
    stream = client.api.devboxes.executions.stream_stdout_updates("exn_1", devbox_id="dbx_1")
    received: list[str] = []

    async def consume() -> None:
        async for chunk in stream:
            received.append(chunk.output)

    with pytest.raises(NotFoundError, match="gone"):
        await consume()
    assert received == ["a"]


async def test_garbage_event_data_is_a_format_error(
    cloud: FakeCloud, client: RunloopClient
) -> None:
    cloud.add("GET", STREAM, httpx.Response(200, text="data: <html>\n\n"))
    stream = client.api.devboxes.executions.stream_stdout_updates("exn_1", devbox_id="dbx_1")
    with pytest.raises(ResponseFormatError, match="SSE event"):
        _ = [c async for c in stream]


async def test_kill_and_send_std_in_bodies(cloud: FakeCloud, client: RunloopClient) -> None:
    view = {"devbox_id": "dbx_1", "execution_id": "exn_1", "status": "completed"}
    cloud.add("POST", "/v1/devboxes/dbx_1/executions/exn_1/kill", view)
    cloud.add(
        "POST",
        "/v1/devboxes/dbx_1/executions/exn_1/send_std_in",
        {"devbox_id": "dbx_1", "execution_id": "exn_1", "success": True},
    )
    executions = client.api.devboxes.executions
    await executions.kill("exn_1", devbox_id="dbx_1", kill_process_group=True)
    sent = await executions.send_std_in("exn_1", devbox_id="dbx_1", signal="EOF")
    assert sent.success
    assert [json.loads(r.content) for r in cloud.requests] == [
        {"kill_process_group": True},
        {"signal": "EOF"},
    ]
    with pytest.raises(ValueError, match="exactly one"):
        await executions.send_std_in("exn_1", devbox_id="dbx_1")
    assert len(cloud.requests) == 2
