"""Errors that say the right thing: 404s, names for ids, state errors, unreachable servers.

Server answers come from the real shared local server (tests/support/shared_server.py,
with the bundled catalog); only the unreachable cloud is faked (MockTransport raising what
httpx raises when a name does not resolve or a connection is refused).
"""

from __future__ import annotations

import socket
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest
from support.fake_cloud import FakeCloud
from support.shared_server import local_server

import runloop_nb.audit
import runloop_nb.authoring
import runloop_nb.local
import runloop_nb.stepping
from runloop_nb import errors
from runloop_nb.client import RunloopClient
from runloop_nb.local import ServerInfo

__all__ = ["local_server"]


@pytest.fixture
async def real(local_server: tuple[Path, ServerInfo]) -> AsyncIterator[RunloopClient]:
    _, info = local_server
    async with RunloopClient(api_key=info.token, base_url=info.url) as made:
        yield made


@pytest.mark.slow
async def test_not_found_says_its_advice_once_and_ends_in_one_period(
    real: RunloopClient,
) -> None:
    with pytest.raises(errors.NotFoundError) as caught:
        await real.api.scenarios.retrieve("scn_does_not_exist")
    text = str(caught.value)
    assert "scn_does_not_exist" in text
    assert ".." not in text
    assert text.endswith(".")
    assert text.lower().count("list") == 1, text


@pytest.mark.slow
async def test_a_benchmark_name_for_an_id_says_the_id(real: RunloopClient) -> None:
    ids = [b.id async for b in real.api.benchmarks.list_public() if b.name == "repo-bugfix"]
    assert len(ids) == 1
    with pytest.raises(errors.BenchmarkNotFoundError) as caught:
        await real.api.benchmarks.retrieve("repo-bugfix")
    assert isinstance(caught.value, errors.NotFoundError)
    assert caught.value.status_code == 404
    assert f"the id of 'repo-bugfix' is {ids[0]}" in str(caught.value)
    with pytest.raises(errors.BenchmarkNotFoundError, match=ids[0]):
        await real.api.benchmarks.start_run(benchmark_id="repo-bugfix")
    with pytest.raises(errors.NotFoundError) as unknown:
        await real.api.benchmarks.retrieve("no-such-benchmark")
    assert not isinstance(unknown.value, errors.BenchmarkNotFoundError)
    assert "No benchmark is named 'no-such-benchmark' either." in unknown.value.__notes__


@pytest.mark.slow
async def test_exec_in_a_shut_down_devbox_is_a_state_error(real: RunloopClient) -> None:
    devbox = await real.devbox.create()
    await devbox.shutdown()
    with pytest.raises(errors.InvalidStateError) as caught:
        await devbox.cmd.exec("echo hi")
    text = str(caught.value)
    assert isinstance(caught.value, errors.BadRequestError)
    assert "never runs again" in text
    assert "wait_for_status" not in text
    assert "Check the arguments" not in text
    assert "state" in caught.value.hint


def fail_with(exc: Exception) -> Callable[[httpx.Request], httpx.Response]:
    """What httpx raises when connecting fails: a ConnectError caused by the OS error."""

    def handle(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(str(exc), request=request) from exc

    return handle


async def test_a_name_that_does_not_resolve_fails_at_once(
    cloud: FakeCloud, client: RunloopClient
) -> None:
    gaierror = socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
    cloud.add("GET", "/v1/benchmarks/list_public", fail_with(gaierror))
    with pytest.raises(errors.APIConnectionError) as caught:
        await client.api.benchmarks.list_public()
    assert (len(cloud.requests), cloud.sleeps) == (1, [])
    text = str(caught.value)
    assert "does not resolve" in text
    assert "network" in text
    assert "API key" in text
    assert "local server" not in text


async def test_a_refused_cloud_connection_retries_briefly(
    cloud: FakeCloud, client: RunloopClient
) -> None:
    refused = ConnectionRefusedError(111, "Connection refused")
    cloud.add("GET", "/v1/benchmarks/list_public", fail_with(refused))
    with pytest.raises(errors.APIConnectionError) as caught:
        await client.api.benchmarks.list_public()
    assert sum(cloud.sleeps) < 1.0
    assert len(cloud.requests) == 3  # one try and two quick retries
    assert "refused" in str(caught.value)
    assert "API key" in str(caught.value)
    assert "local server" not in str(caught.value)


async def test_a_refused_local_url_names_the_local_server_and_is_quick() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there
    started = time.monotonic()
    async with RunloopClient(api_key="k", base_url=f"http://127.0.0.1:{port}") as client:
        with pytest.raises(errors.APIConnectionError, match="local server"):
            await client.api.benchmarks.list_public()
    assert time.monotonic() - started < 5.0  # 0.75 s of retries, not 28 s


def test_every_user_facing_error_lives_in_errors_and_old_paths_still_work() -> None:
    assert runloop_nb.local.LocalServerError is errors.LocalServerError
    assert runloop_nb.stepping.ReferenceOutputError is errors.ReferenceOutputError
    assert runloop_nb.authoring.DirectoryUploadError is errors.DirectoryUploadError
    assert runloop_nb.audit.BenchmarkNotFoundError is errors.BenchmarkNotFoundError
    assert issubclass(errors.BenchmarkNotFoundError, errors.NotFoundError)
    assert issubclass(errors.BenchmarkNotFoundError, LookupError)
