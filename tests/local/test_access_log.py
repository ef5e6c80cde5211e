"""Each request is logged at INFO (method, path, status, ms), never with its token or body."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import httpx
import pytest
from support.local_api import TOKEN

from runloop_nb.local import ensure_server, stop_server
from runloop_nb.local._access_log import ACCESS_LOGGER, log_to_stderr

SECRET = "do-not-log-this-body-7f3a"


def access_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == ACCESS_LOGGER and r.levelno == logging.INFO
    ]


async def test_every_request_is_one_line_with_method_path_status_and_ms(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=ACCESS_LOGGER)
    assert (await client.get("/v1/benchmarks", params={"name": SECRET})).status_code == 200
    refused = await client.get("/v1/devboxes", headers={"Authorization": "Bearer wrong"})
    assert refused.status_code == 401
    missing = await client.post("/v1/benchmarks/bmd_nope", json={"name": SECRET})
    assert missing.status_code == 404
    lines = access_lines(caplog)
    assert len(lines) == 3, lines
    assert lines[0].startswith("GET /v1/benchmarks 200 ")
    assert lines[1].startswith("GET /v1/devboxes 401 ")
    assert lines[2].startswith("POST /v1/benchmarks/bmd_nope 404 ")
    for line in lines:
        assert line.endswith(" ms")
        float(line.split()[-2])  # the milliseconds are a number


async def test_the_token_query_and_body_are_never_logged(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await client.get("/v1/benchmarks", params={"search": SECRET})
    await client.post("/v1/benchmarks", json={"name": SECRET, "metadata": {"k": SECRET}})
    assert access_lines(caplog)
    # Only the server's records: httpx (the test's client) logs its own request line.
    server = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("runloop_nb"))
    assert TOKEN not in server
    assert SECRET not in server


def test_log_to_stderr_adds_one_handler_however_often_it_is_called() -> None:
    root = logging.getLogger("runloop_nb")
    before = list(root.handlers), root.level
    try:
        log_to_stderr()
        log_to_stderr()
        added = [h for h in root.handlers if h not in before[0]]
        assert len(added) == 1
        assert root.level == logging.INFO
    finally:
        for handler in root.handlers[:]:
            if handler not in before[0]:
                root.removeHandler(handler)
        root.setLevel(before[1])


def test_a_detached_servers_log_has_a_line_per_request(data_dir: Path) -> None:
    info = ensure_server(data_dir, timeout=60.0)
    try:
        answer = httpx.get(
            f"{info.url}/v1/benchmarks/list_public",
            headers={"Authorization": f"Bearer {info.token}"},
            trust_env=False,
            timeout=30,
        )
        assert answer.status_code == 200
        log = data_dir / "server.log"
        wanted = "runloop_nb.local.access: GET /v1/benchmarks/list_public 200 "
        deadline = time.monotonic() + 30
        # The server writes the line after the answer is sent: wait for it, bounded.
        while wanted not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.05)
        text = log.read_text()
        assert wanted in text, text
        assert " INFO " in next(line for line in text.splitlines() if wanted in line)
        assert info.token not in text
    finally:
        stop_server(data_dir)
