"""LazyTLSTransport: http requests build no verifying TLS context; https ones build one."""

from __future__ import annotations

import http.server
import ssl
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from runloop_nb.client._lazy_tls import LazyTLSTransport


class _Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b'{"hello": "world"}'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def port() -> Iterator[int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hello)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def verifying_contexts(monkeypatch: pytest.MonkeyPatch) -> list[ssl.SSLContext]:
    """Every context ``ssl.create_default_context`` makes (how httpx loads the CA bundle)."""
    made: list[ssl.SSLContext] = []
    real = ssl.create_default_context

    def spy(*args: Any, **kwargs: Any) -> ssl.SSLContext:
        made.append(real(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(ssl, "create_default_context", spy)
    return made


async def test_http_requests_build_no_verifying_context(
    port: int, verifying_contexts: list[ssl.SSLContext]
) -> None:
    async with httpx.AsyncClient(transport=LazyTLSTransport()) as client:
        for _ in range(2):
            response = await client.get(f"http://127.0.0.1:{port}/")
            assert response.json() == {"hello": "world"}
    assert verifying_contexts == []


async def test_the_first_https_request_builds_a_verifying_context_once(
    port: int, verifying_contexts: list[ssl.SSLContext]
) -> None:
    async with httpx.AsyncClient(transport=LazyTLSTransport()) as client:
        for _ in range(2):  # the port speaks plain http: the handshake fails either way
            with pytest.raises(httpx.ConnectError):
                await client.get(f"https://127.0.0.1:{port}/")
        assert (await client.get(f"http://127.0.0.1:{port}/")).status_code == 200
    (context,) = verifying_contexts
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname
    assert context.cert_store_stats()["x509_ca"] > 0
