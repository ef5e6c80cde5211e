"""connect(): the local server without a key (started once, then reused), the given URL with one."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from runloop_nb import ConfigurationError, connect
from runloop_nb.local import read_server_file, server_alive, stop_server


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.delenv("RUNLOOP_API_KEY", raising=False)
    monkeypatch.delenv("RUNLOOP_BASE_URL", raising=False)
    monkeypatch.setenv("RUNLOOP_NB_HOME", str(tmp_path))
    yield tmp_path
    stop_server(tmp_path)


class _Recorder(BaseHTTPRequestHandler):
    """A stand-in for the Runloop cloud that records what reaches it."""

    seen: list[tuple[str, str | None]] = []

    def do_GET(self) -> None:
        self.seen.append((self.path, self.headers.get("Authorization")))
        body = json.dumps({"benchmarks": [], "has_more": False, "total_count": 0}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def cloud() -> Iterator[tuple[str, list[tuple[str, str | None]]]]:
    seen: list[tuple[str, str | None]] = []
    handler = type("Handler", (_Recorder,), {"seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()


async def test_without_a_key_starts_a_local_server_and_reuses_it(home: Path) -> None:
    first = connect()
    info = read_server_file(home)
    assert info is not None
    assert server_alive(info)
    assert first.base_url == info.url + "/"
    page = await first.api.benchmarks.list(limit=1)
    assert page.has_more in (True, False)

    second = connect()
    assert second.base_url == first.base_url
    assert read_server_file(home) == info  # same pid and token: nothing was restarted
    await second.api.benchmarks.list(limit=1)
    await first.aclose()
    await second.aclose()


async def test_with_key_and_base_url_it_targets_that_url_and_starts_nothing(
    home: Path, cloud: tuple[str, list[tuple[str, str | None]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, seen = cloud
    monkeypatch.setenv("RUNLOOP_API_KEY", "key-from-env")
    monkeypatch.setenv("RUNLOOP_BASE_URL", url)
    async with connect() as client:
        await client.api.benchmarks.list(limit=1)
    assert seen == [("/v1/benchmarks?limit=1", "Bearer key-from-env")]
    assert os.listdir(home) == []  # no server.json, no lock, no log: no server started


async def test_explicit_arguments_win_over_the_environment(
    home: Path, cloud: tuple[str, list[tuple[str, str | None]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, seen = cloud
    monkeypatch.setenv("RUNLOOP_API_KEY", "key-from-env")
    monkeypatch.setenv("RUNLOOP_BASE_URL", "http://127.0.0.1:9")
    async with connect(api_key="key-given", base_url=url) as client:
        await client.api.benchmarks.list()
    assert [auth for _, auth in seen] == ["Bearer key-given"]
    assert os.listdir(home) == []


def test_a_base_url_without_a_key_is_refused_not_silently_local(home: Path) -> None:
    with pytest.raises(ConfigurationError, match="api_key"):
        connect(base_url="http://127.0.0.1:9")
    assert list(home.iterdir()) == []


def test_env_base_url_without_key_says_which_variable_to_set(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RUNLOOP_BASE_URL", "http://127.0.0.1:9")
    with pytest.raises(ConfigurationError, match="RUNLOOP_API_KEY"):
        connect()
    assert list(home.iterdir()) == []


async def test_an_unsandboxed_local_server_says_so_in_the_clients_repr(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RUNLOOP_NB_SANDBOX", "unsandboxed")  # inherited by the server process
    client = connect()
    info = read_server_file(home)
    assert info is not None
    assert info.sandbox.startswith("devboxes run UNSANDBOXED")
    assert "UNSANDBOXED" in repr(client)
    await client.aclose()


async def test_a_sandboxed_local_server_keeps_the_repr_short(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RUNLOOP_NB_SANDBOX", raising=False)
    client = connect()
    info = read_server_file(home)
    assert info is not None
    assert info.sandbox == "bwrap sandboxes"
    assert repr(client) == f"RunloopClient(base_url={client.base_url!r})"
    await client.aclose()
