"""One INFO line per request (method, path, status, milliseconds), so server.log can debug a run.

Only the method, the path (no query string) and the answer are logged: never a header (the
bearer token), a query or a body (file contents, secrets, agent output).
"""

from __future__ import annotations

import logging
import sys
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

ACCESS_LOGGER = "runloop_nb.local.access"
#: Sent with every answer: what this server offers beyond the cloud's contract, so the client
#: uses an extension only where it exists (``runloop_nb.client`` reads it). Comma-separated.
EXTENSIONS_HEADER = (b"x-runloop-nb-extensions", b"scenario-run-wait")
log = logging.getLogger(ACCESS_LOGGER)

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class AccessLogMiddleware:
    """Log ``GET /v1/benchmarks 200 3.1 ms`` once the app has answered (or failed to); add
    ``EXTENSIONS_HEADER`` to every answer (this is the outermost middleware)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0  # stays 0 if the client went away before any answer

        async def recorded(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message = {**message, "headers": [*message.get("headers", []), EXTENSIONS_HEADER]}
            await send(message)

        try:
            await self.app(scope, receive, recorded)
        finally:
            elapsed_ms = (time.perf_counter() - started) * 1000
            log.info("%s %s %d %.1f ms", scope["method"], scope["path"], status, elapsed_ms)


def log_to_stderr(level: int = logging.INFO) -> None:
    """Send the server's logs (``runloop_nb.*``) to stderr: server.log for a detached server.

    Called once by ``runloop-nb serve``, the process entry point; the library itself never
    configures logging. Calling it again adds no second handler.
    """
    root = logging.getLogger("runloop_nb")
    if any(getattr(h, "_runloop_nb_stderr", False) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler._runloop_nb_stderr = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
