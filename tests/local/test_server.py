"""serve(): loopback refusal, server.json (0600, contents, removal), one server per data dir.

The process mechanics are checked with a tiny stand-in app in a real subprocess (so SIGTERM and
uvicorn's signal handling are real); the bearer-token checks use the real app.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from runloop_nb.cli import main
from runloop_nb.local import (
    LocalServerError,
    ServerInfo,
    ensure_server,
    read_server_file,
    serve,
    stop_server,
)
from runloop_nb.local._server import check_host, write_server_file

TINY_SERVER = """
import sys
from fastapi import FastAPI
from runloop_nb.local._server import serve

def factory(data_dir, token):
    app = FastAPI()

    @app.get("/v1/benchmarks")
    async def benchmarks() -> dict:
        return {"benchmarks": [], "has_more": False, "total_count": 0}

    return app

serve(data_dir=sys.argv[1], app_factory=factory)
"""


def _start_tiny(data_dir: Path, script_dir: Path) -> subprocess.Popen[bytes]:
    script = script_dir / "tiny_server.py"
    script.write_text(TINY_SERVER)
    return subprocess.Popen(
        [sys.executable, str(script), str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _wait_for_file(data_dir: Path, proc: subprocess.Popen[bytes]) -> ServerInfo:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        info = read_server_file(data_dir)
        if info is not None:
            return info
        if proc.poll() is not None:
            raise AssertionError(proc.stderr.read().decode() if proc.stderr else "exited")
        time.sleep(0.02)
    raise AssertionError("server.json never appeared")


@pytest.fixture
def tiny(tmp_path: Path) -> Iterator[tuple[Path, subprocess.Popen[bytes]]]:
    data = tmp_path / "home"
    proc = _start_tiny(data, tmp_path)
    yield data, proc
    if proc.poll() is None:
        proc.kill()
    proc.wait()


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.7", "example.com", "::"])
def test_non_loopback_host_is_refused_with_the_way_out(host: str, tmp_path: Path) -> None:
    with pytest.raises(LocalServerError, match="allow_remote"):
        serve(host=host, data_dir=tmp_path)
    assert read_server_file(tmp_path) is None


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.5", "::1", "localhost"])
def test_loopback_hosts_are_accepted(host: str) -> None:
    check_host(host, allow_remote=False)


def test_allow_remote_lifts_the_refusal() -> None:
    check_host("0.0.0.0", allow_remote=True)


def test_cli_reports_the_refusal_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["serve", "--host", "0.0.0.0", "--data-dir", str(tmp_path)])
    assert code == 1
    assert "--allow-remote" in capsys.readouterr().err


def test_server_file_is_private_and_describes_the_live_server(
    tiny: tuple[Path, subprocess.Popen[bytes]],
) -> None:
    data, proc = tiny
    info = _wait_for_file(data, proc)
    path = data / "server.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    raw = json.loads(path.read_text())
    assert set(raw) == {"url", "token", "pid", "started_at", "version", "sandbox"}
    assert raw["pid"] == proc.pid
    assert raw["url"].startswith("http://127.0.0.1:")
    assert len(raw["token"]) >= 32
    assert raw["version"]
    # Written only once the server answers: the first request after it appears succeeds.
    response = httpx.get(info.url + "/v1/benchmarks", trust_env=False)
    assert response.status_code == 200
    assert info.token not in repr(info)


def test_sigterm_removes_server_file_and_exits_cleanly(
    tiny: tuple[Path, subprocess.Popen[bytes]],
) -> None:
    data, proc = tiny
    _wait_for_file(data, proc)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=10) == 0
    assert not (data / "server.json").exists()


def test_a_second_server_on_the_same_data_dir_is_refused(
    tiny: tuple[Path, subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    data, proc = tiny
    first = _wait_for_file(data, proc)
    with pytest.raises(LocalServerError, match="already serving"):
        serve(data_dir=data)
    assert read_server_file(data) == first


def test_each_server_gets_a_fresh_port_and_token(tmp_path: Path) -> None:
    infos = []
    for name in ("a", "b"):
        proc = _start_tiny(tmp_path / name, tmp_path)
        try:
            infos.append(_wait_for_file(tmp_path / name, proc))
        finally:
            proc.terminate()
            proc.wait()
    assert infos[0].url != infos[1].url
    assert infos[0].token != infos[1].token


def test_garbage_server_file_reads_as_absent(tmp_path: Path) -> None:
    (tmp_path / "server.json").write_text("{not json")
    assert read_server_file(tmp_path) is None
    (tmp_path / "server.json").write_text('{"url": "http://127.0.0.1:1"}')
    assert read_server_file(tmp_path) is None


def test_write_replaces_atomically_and_keeps_mode(tmp_path: Path) -> None:
    info = ServerInfo("http://127.0.0.1:1", "t" * 40, os.getpid(), "2026-01-01T00:00:00Z", "0.1")
    write_server_file(tmp_path, info)
    write_server_file(tmp_path, info)
    assert read_server_file(tmp_path) == info
    assert stat.S_IMODE((tmp_path / "server.json").stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["server.json"]


# --- the real app: every request needs the bearer token -------------------------------------


@pytest.fixture
def real_server(tmp_path: Path) -> Iterator[ServerInfo]:
    info = ensure_server(tmp_path)
    yield info
    stop_server(tmp_path)


def test_requests_without_the_token_get_401_saying_where_it_is(real_server: ServerInfo) -> None:
    response = httpx.get(real_server.url + "/v1/benchmarks", trust_env=False)
    assert response.status_code == 401
    body = response.json()
    assert set(body) >= {"error", "message"}
    assert "server.json" in body["message"] or "connect()" in body["message"]


def test_a_wrong_token_gets_401_and_the_right_one_200(real_server: ServerInfo) -> None:
    url = real_server.url + "/v1/benchmarks"
    wrong = httpx.get(url, headers={"Authorization": "Bearer nope"}, trust_env=False)
    right = httpx.get(
        url, headers={"Authorization": f"Bearer {real_server.token}"}, trust_env=False
    )
    assert wrong.status_code == 401
    assert right.status_code == 200
    assert "benchmarks" in right.json()


def test_stop_ends_the_process_and_removes_the_file(tmp_path: Path) -> None:
    info = ensure_server(tmp_path)
    assert stop_server(tmp_path) is True
    assert not (tmp_path / "server.json").exists()
    with pytest.raises(httpx.ConnectError):
        httpx.get(info.url + "/v1/benchmarks", trust_env=False, timeout=2)
    assert stop_server(tmp_path) is False


def test_cli_background_then_stop(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--background", "--data-dir", str(tmp_path)]) == 0
    printed = capsys.readouterr().out.strip()
    info = read_server_file(tmp_path)
    assert info is not None
    # What `make lab` shows: the URL says what it is (it answers 401 to a browser).
    assert printed == f"embedded Runloop server: {info.url}; connect() finds it"
    assert main(["serve", "--stop", "--data-dir", str(tmp_path)]) == 0
    assert "stopped" in capsys.readouterr().out
    assert read_server_file(tmp_path) is None


async def test_accepted_connections_send_without_nagle_delay() -> None:
    """Responses go out in two writes (head, body); with Nagle on, the body waits for the
    client's delayed ACK, ~40 ms on every request. asyncio disables Nagle only on sockets
    whose ``proto`` is TCP, so the listening socket must say so."""
    import asyncio
    import socket

    from runloop_nb.local._server import bind_socket

    listener = bind_socket("127.0.0.1", 0)
    accepted: asyncio.Future[socket.socket] = asyncio.get_running_loop().create_future()

    def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.set_result(writer.get_extra_info("socket"))

    server = await asyncio.start_server(on_connect, sock=listener)
    async with server:
        _, writer = await asyncio.open_connection(*listener.getsockname())
        conn = await asyncio.wait_for(accepted, 5)
        assert conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
        writer.close()
