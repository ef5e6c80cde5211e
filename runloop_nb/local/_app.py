"""The FastAPI app of the local server: auth, error mapping, idempotency, routers, lifespan.

Every error answer is JSON ``{"error": <code>, "message": <what to do>}``:
domain errors (``ServerError``) get their own status; validation errors, malformed JSON and
wrong types get 400 with a message naming the field; unknown paths 404; wrong methods 405;
any other exception is a bug: it is logged with its traceback and answered 500.
Routers not needed by the first requests are built on demand (``_lazy_routers``).
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from runloop_nb.local._access_log import AccessLogMiddleware
from runloop_nb.local._errors import InvalidRequest, ServerError
from runloop_nb.local._idempotency import IdempotencyMiddleware
from runloop_nb.local._json_body import SURROGATE_MESSAGE
from runloop_nb.local._lazy_routers import install_routers
from runloop_nb.local._openapi import install_openapi
from runloop_nb.local._state import ServerState
from runloop_nb.local.sandbox import SandboxFailed

log = logging.getLogger(__name__)

TOKEN_HINT = (
    "Send 'Authorization: Bearer <token>'. The token is in server.json in the server's data "
    "directory (RUNLOOP_NB_HOME); runloop_nb.connect() finds it for you."
)


def create_app(state: ServerState) -> FastAPI:
    """The ASGI app serving ``state``; its lifespan runs ``state.start()`` and ``state.close()``."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await state.start()
        try:
            yield
        finally:
            await state.close()

    app = FastAPI(
        title="runloop_nb local server",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(_each_query_parameter_once)],
    )
    app.state.server = state
    install_openapi(app)
    _add_error_handlers(app)
    install_routers(app)  # first: its middleware is the innermost
    # Added last = outermost: the token is checked before an idempotent answer is replayed.
    app.add_middleware(IdempotencyMiddleware, cache=lambda: state.idempotency)
    # Outside the idempotency cache (which keeps the body), inside auth (401 comes first).
    app.add_middleware(BodyLimitMiddleware)
    app.add_middleware(BearerAuthMiddleware, token=state.token)
    # Outermost, so refused (401, 413) and failed requests are logged too.
    app.add_middleware(AccessLogMiddleware)
    return app


async def _each_query_parameter_once(request: Request) -> None:
    """400 for a repeated query parameter: no parameter of the API is a list, and taking one of
    the values silently (``limit=5&limit=500``) would answer a question nobody asked."""
    keys = [key for key, _ in request.query_params.multi_items()]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        raise InvalidRequest(
            f"query parameter {repeated[0][:100]!r} is given {keys.count(repeated[0])} times; "
            "give each parameter at most once"
        )


def error_body(error: str, message: str) -> dict[str, str]:
    return {"error": error, "message": message}


class BearerAuthMiddleware:
    """Answer 401 to any HTTP request without ``Authorization: Bearer <token>``."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self._expected = f"Bearer {token}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not self._authorized(scope):
            response = JSONResponse(error_body("unauthorized", TOKEN_HINT), status_code=401)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _authorized(self, scope: Scope) -> bool:
        for name, value in scope["headers"]:
            if name == b"authorization":
                return hmac.compare_digest(value, self._expected)
        return False


MiB = 1024 * 1024
#: Largest request body, in bytes: JSON bodies are small; file transfers get more.
MAX_BODY_BYTES = 16 * MiB
#: ``write_file_contents`` carries the file in JSON; the contract's read_file_contents is
#: "meant for files up to about 100 MB", so writes get the same room.
MAX_WRITE_FILE_BYTES = 128 * MiB
#: ``upload_file`` is multipart, which is spooled to disk as it arrives.
MAX_UPLOAD_BYTES = 512 * MiB


def body_limit(path: str) -> int:
    """The largest body accepted on ``path``."""
    if path.endswith("/upload_file"):
        return MAX_UPLOAD_BYTES
    if path.endswith("/write_file_contents"):
        return MAX_WRITE_FILE_BYTES
    return MAX_BODY_BYTES


class BodyLimitMiddleware:
    """Answer 413 JSON to a request body larger than ``body_limit(path)``.

    A ``Content-Length`` over the limit is refused before the body is read. Otherwise (chunked
    bodies, or a client sending more than it announced) the bytes are counted as the app reads
    them, never buffered here: past the limit the app is told the client went away, and whatever
    it answers to that is replaced by the 413.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = body_limit(scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _too_large(limit)(scope, receive, send)
            return
        received = 0
        exceeded = False
        replied = False

        async def counted() -> Message:
            nonlocal received, exceeded
            if exceeded:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    return {"type": "http.disconnect"}
            return message

        async def guarded(message: Message) -> None:
            nonlocal replied
            if not exceeded:
                await send(message)
            elif not replied:
                replied = True
                await _too_large(limit)(scope, receive, send)

        await self.app(scope, counted, guarded)
        if exceeded and not replied:
            await _too_large(limit)(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _too_large(limit: int) -> JSONResponse:
    message = (
        f"The request body is larger than {limit // MiB} MiB, the most this endpoint accepts "
        f"(JSON bodies {MAX_BODY_BYTES // MiB} MiB, write_file_contents "
        f"{MAX_WRITE_FILE_BYTES // MiB} MiB, upload_file {MAX_UPLOAD_BYTES // MiB} MiB)."
    )
    return JSONResponse(error_body("payload_too_large", message), status_code=413)


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ServerError)
    async def _domain(_: Request, exc: ServerError) -> JSONResponse:
        return JSONResponse(
            error_body(exc.error, exc.message), status_code=exc.status, headers=exc.headers
        )

    @app.exception_handler(SandboxFailed)
    async def _devbox_failed(_: Request, exc: SandboxFailed) -> JSONResponse:
        # The devbox failed under the call: a state of the devbox, not a bug; retrying won't help.
        return JSONResponse(error_body("illegal_state", str(exc)), status_code=400)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(
            error_body("bad_request", validation_message(exc.errors())), status_code=400
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {400: "bad_request", 404: "not_found", 405: "method_not_allowed"}.get(
            exc.status_code, "http_error"
        )
        message = str(exc.detail)
        if exc.status_code == 404:
            message = "No such endpoint. See the Runloop API reference for the paths that exist."
        elif exc.status_code == 405:
            message = "This endpoint does not accept that HTTP method."
        return JSONResponse(error_body(code, message), status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        message = f"Internal error ({type(exc).__name__}); this is a bug in the local server."
        return JSONResponse(error_body("internal_error", message), status_code=500)


def validation_message(errors: Any) -> str:
    """One sentence per problem, naming the field: ``body.name: Field required``."""
    parts = []
    for error in list(errors)[:5]:
        if error.get("type") == "json_invalid":
            reason = (error.get("ctx") or {}).get("error")
            if reason == SURROGATE_MESSAGE:
                parts.append(f"the body is not valid JSON: {reason}")
            else:
                parts.append("the body is not valid JSON; send a JSON object")
            continue
        location = ".".join(str(p) for p in error.get("loc", ()) if p != "body") or "body"
        if error.get("type") == "missing" and location == "body":
            parts.append("the request body is missing; send a JSON object")
            continue
        if location == "body" and isinstance(error.get("input"), bytes | str):
            parts.append("the body is not a JSON object; send a JSON object")
            continue
        message = str(error.get("msg", "invalid value"))
        parts.append(f"{location}: {message} (got {_short(error.get('input'))})")
    return "Invalid request: " + "; ".join(parts)


def _short(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
