"""An httpx transport that builds a TLS context only when an https request needs one.

httpx's default transport loads the CA bundle into an SSL context as the client is made (tens
of milliseconds on every ``connect()``), even when every request goes to the local server's
``http://127.0.0.1``. This transport keeps two connection pools, each made on first use: plain
http requests go through one whose SSL context trusts no CA at all (it never speaks TLS, and if
it ever had to, verification would fail, closed), and the first https request builds httpx's
default, verifying transport, honouring ``SSL_CERT_FILE``/``SSL_CERT_DIR`` as before.

httpx imports httpcore (and h2 when installed) only when its first transport is made, and
httpcore imports anyio's asyncio backend at its first request: tens of milliseconds each, at the
first request. Importing them here moves that into the client's import, which ``connect()``
overlaps with the local server's start-up.
"""

from __future__ import annotations

import contextlib
import ssl

import httpcore  # noqa: F401  (see above)
import httpx

with contextlib.suppress(ImportError):  # see above; only an earlier import if it moves
    import anyio._backends._asyncio  # noqa: F401


class LazyTLSTransport(httpx.AsyncBaseTransport):
    """``httpx.AsyncHTTPTransport()``, with its TLS set-up deferred to the first https request."""

    def __init__(self) -> None:
        self._plain: httpx.AsyncHTTPTransport | None = None
        self._tls: httpx.AsyncHTTPTransport | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._pool(request.url.scheme).handle_async_request(request)

    def _pool(self, scheme: str) -> httpx.AsyncHTTPTransport:
        if scheme == "https":
            if self._tls is None:
                self._tls = httpx.AsyncHTTPTransport()
            return self._tls
        if self._plain is None:
            # PROTOCOL_TLS_CLIENT verifies certificates and host names by default; with no CA
            # loaded, no certificate passes.
            self._plain = httpx.AsyncHTTPTransport(verify=ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT))
        return self._plain

    async def aclose(self) -> None:
        for pool in (self._plain, self._tls):
            if pool is not None:
                await pool.aclose()
