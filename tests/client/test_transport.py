"""Retries, idempotency keys, encoding, error mapping and per-loop HTTP clients."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
from support.fake_cloud import FakeCloud

from runloop_nb.client import RunloopClient
from runloop_nb.client._transport import backoff_delay, retry_delay
from runloop_nb.errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    RateLimitError,
    ResponseFormatError,
)

RUN = {"id": "bmr_1", "start_time_ms": 1, "state": "completed", "metadata": {}}


async def test_503_is_retried_with_the_same_request_id_until_success(
    cloud: FakeCloud, client: RunloopClient
) -> None:
    path = "/v1/benchmark_runs/bmr_1/complete"
    cloud.add("POST", path, httpx.Response(503), httpx.Response(503), RUN)
    run = await client.api.benchmark_runs.complete("bmr_1")
    assert run.state == "completed"
    ids = {request.headers["x-request-id"] for request in cloud.requests}
    assert len(cloud.requests) == 3
    assert len(ids) == 1
    assert ids.pop().startswith("runloop-nb-retry-")
    assert cloud.sleeps == [1.0, 2.0]  # jitter 0 -> the full 2^k backoff


async def test_429_honours_retry_after_seconds(cloud: FakeCloud, client: RunloopClient) -> None:
    path = "/v1/benchmark_runs/bmr_1/cancel"
    cloud.add("POST", path, httpx.Response(429, headers={"retry-after": "7"}), RUN)
    await client.api.benchmark_runs.cancel("bmr_1")
    assert cloud.sleeps == [7.0]
    assert cloud.requests[0].headers["x-request-id"] == cloud.requests[1].headers["x-request-id"]


async def test_each_call_gets_its_own_request_id_and_gets_have_none(
    cloud: FakeCloud, client: RunloopClient
) -> None:
    cloud.add("POST", "/v1/benchmark_runs/bmr_1/cancel", RUN)
    cloud.add("GET", "/v1/benchmark_runs/bmr_1", RUN)
    await client.api.benchmark_runs.cancel("bmr_1")
    await client.api.benchmark_runs.cancel("bmr_1")
    await client.api.benchmark_runs.retrieve("bmr_1")
    first, second, get = cloud.requests
    assert first.headers["x-request-id"] != second.headers["x-request-id"]
    assert "x-request-id" not in get.headers


async def test_caller_idempotency_key_replaces_the_generated_one(
    cloud: FakeCloud, client: RunloopClient
) -> None:
    cloud.add("POST", "/v1/benchmarks/start_run", httpx.Response(500), RUN)
    await client.api.benchmarks.start_run(benchmark_id="bmd_1", idempotency_key="mine-1")
    assert [r.headers["x-request-id"] for r in cloud.requests] == ["mine-1", "mine-1"]


@pytest.mark.parametrize(("status", "error"), [(400, BadRequestError), (404, NotFoundError)])
async def test_client_errors_are_not_retried(
    cloud: FakeCloud, client: RunloopClient, status: int, error: type[APIError]
) -> None:
    cloud.add("GET", "/v1/benchmark_runs/bmr_1", httpx.Response(status, json={"message": "nope"}))
    with pytest.raises(error, match="nope") as caught:
        await client.api.benchmark_runs.retrieve("bmr_1")
    assert len(cloud.requests) == 1
    assert cloud.sleeps == []
    assert caught.value.status_code == status
    assert caught.value.body == {"message": "nope"}


async def test_x_should_retry_false_stops_retries(cloud: FakeCloud, client: RunloopClient) -> None:
    answer = httpx.Response(409, headers={"x-should-retry": "false"}, json={"error": "busy"})
    cloud.add("POST", "/v1/benchmark_runs/bmr_1/cancel", answer)
    with pytest.raises(ConflictError):
        await client.api.benchmark_runs.cancel("bmr_1")
    assert len(cloud.requests) == 1


async def test_x_should_retry_true_retries_a_400(cloud: FakeCloud, client: RunloopClient) -> None:
    answer = httpx.Response(400, headers={"x-should-retry": "true"})
    cloud.add("GET", "/v1/benchmark_runs/bmr_1", answer, RUN)
    await client.api.benchmark_runs.retrieve("bmr_1")
    assert len(cloud.requests) == 2


async def test_retries_run_out_into_the_typed_error(cloud: FakeCloud) -> None:
    cloud.add("GET", "/v1/benchmark_runs/bmr_1", httpx.Response(429))
    async with cloud.client(max_retries=2) as client:
        with pytest.raises(RateLimitError, match="max_retries"):
            await client.api.benchmark_runs.retrieve("bmr_1")
    assert len(cloud.requests) == 3


async def test_html_answer_gives_response_format_error(
    cloud: FakeCloud, client: RunloopClient
) -> None:
    page = "<html><body>Please log in to the proxy</body></html>"
    cloud.add("GET", "/v1/benchmark_runs/bmr_1", httpx.Response(200, html=page))
    with pytest.raises(ResponseFormatError) as caught:
        await client.api.benchmark_runs.retrieve("bmr_1")
    text = str(caught.value)
    assert "https://api.example.test/v1/benchmark_runs/bmr_1" in text
    assert "<html><body>Please log in" in text
    assert "text/html" in text


async def test_broken_json_and_wrong_shape_give_response_format_error(
    cloud: FakeCloud, client: RunloopClient
) -> None:
    broken = httpx.Response(200, content=b'{"id": "bmr_1", ', headers={"content-type": "json"})
    cloud.add("GET", "/v1/benchmark_runs/bmr_1", broken, {"id": "bmr_1"})
    with pytest.raises(ResponseFormatError, match="not JSON"):
        await client.api.benchmark_runs.retrieve("bmr_1")
    with pytest.raises(ResponseFormatError, match="not a valid BenchmarkRunView"):
        await client.api.benchmark_runs.retrieve("bmr_1")


async def test_connection_errors_are_retried_then_raised(cloud: FakeCloud) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    cloud.add("GET", "/v1/benchmark_runs/bmr_1", refuse, refuse, RUN)
    async with cloud.client() as client:
        assert (await client.api.benchmark_runs.retrieve("bmr_1")).id == "bmr_1"
    cloud.routes.clear()
    cloud.add("GET", "/v1/benchmark_runs/bmr_1", refuse)
    async with cloud.client(max_retries=1) as client:
        with pytest.raises(APIConnectionError, match="could not reach") as caught:
            await client.api.benchmark_runs.retrieve("bmr_1")
    assert not isinstance(caught.value, APITimeoutError)


async def test_timeouts_become_api_timeout_error(cloud: FakeCloud) -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("too slow", request=request)

    cloud.add("GET", "/v1/benchmark_runs/bmr_1", slow)
    async with cloud.client(max_retries=0) as client:
        with pytest.raises(APITimeoutError, match="timed out"):
            await client.api.benchmark_runs.retrieve("bmr_1")


async def test_server_errors_map_to_internal_server_error(
    cloud: FakeCloud, client: RunloopClient
) -> None:
    cloud.add("GET", "/v1/benchmark_runs/bmr_1", httpx.Response(502, text="bad gateway"))
    with pytest.raises(InternalServerError, match="bad gateway"):
        await client.api.benchmark_runs.retrieve("bmr_1")
    assert len(cloud.requests) == 6  # 1 try + 5 retries


async def test_headers_auth_and_timeouts(cloud: FakeCloud, client: RunloopClient) -> None:
    cloud.add("POST", "/v1/benchmark_runs/bmr_1/cancel", RUN)
    cloud.add("POST", "/v1/devboxes/dbx_1/download_file", httpx.Response(200, content=b"x"))
    await client.api.benchmark_runs.cancel("bmr_1")
    await client.api.devboxes.download_file("dbx_1", path="a.bin")
    cancel, download = cloud.requests
    assert cancel.headers["authorization"] == "Bearer test-key"
    assert cancel.headers["content-type"] == "application/json"
    assert cancel.content == b""
    assert cancel.extensions["timeout"]["read"] == 30.0
    assert download.extensions["timeout"]["read"] == 600.0
    assert download.headers["accept"] == "application/octet-stream"


def test_retry_delay_rules() -> None:
    assert retry_delay(httpx.Headers({"retry-after-ms": "1500"}), 0, 0.0) == 1.5
    assert retry_delay(httpx.Headers({"retry-after": "3"}), 4, 0.0) == 3.0
    # out of (0, 60] -> exponential backoff instead
    assert retry_delay(httpx.Headers({"retry-after": "600"}), 2, 0.0) == 4.0
    assert retry_delay(httpx.Headers({"retry-after": "soon"}), 0, 0.0) == 1.0
    future = format_datetime(datetime.now(UTC) + timedelta(seconds=20), usegmt=True)
    assert 15 < retry_delay(httpx.Headers({"retry-after": future}), 0, 0.0) <= 20
    assert backoff_delay(10, 0.0) == 60.0
    assert 0.75 < backoff_delay(0, 0.999) <= 1.0


async def test_one_http_client_per_event_loop(cloud: FakeCloud, client: RunloopClient) -> None:
    cloud.add("GET", "/v1/benchmark_runs/bmr_1", RUN)
    await client.api.benchmark_runs.retrieve("bmr_1")
    here = client._transport.http_client()
    result: dict[str, object] = {}

    def in_thread() -> None:
        async def call() -> None:
            run = await client.api.benchmark_runs.retrieve("bmr_1")
            result["state"] = run.state
            result["http"] = client._transport.http_client()
            await client._transport.http_client().aclose()

        asyncio.run(call())

    thread = threading.Thread(target=in_thread)
    thread.start()
    thread.join()
    assert result["state"] == "completed"
    assert result["http"] is not here
    assert client._transport.http_client() is here
    assert (await client.api.benchmark_runs.retrieve("bmr_1")).id == "bmr_1"


async def test_closed_client_says_so(cloud: FakeCloud) -> None:
    client = cloud.client()
    await client.aclose()
    with pytest.raises(RuntimeError, match="closed"):
        await client.api.benchmark_runs.retrieve("bmr_1")


async def test_caller_http_client_is_used(cloud: FakeCloud) -> None:
    cloud.add("GET", "/v1/benchmark_runs/bmr_1", RUN)
    async with httpx.AsyncClient(transport=httpx.MockTransport(cloud.handle)) as http:
        client = RunloopClient(api_key="k", base_url="http://h/prefix", http_client=http)
        cloud.add("GET", "/prefix/v1/benchmark_runs/bmr_1", RUN)
        await client.api.benchmark_runs.retrieve("bmr_1")
    assert str(cloud.requests[0].url) == "http://h/prefix/v1/benchmark_runs/bmr_1"
