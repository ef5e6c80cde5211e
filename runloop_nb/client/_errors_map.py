"""The one place where HTTP answers and httpx failures become runloop_nb errors."""

from __future__ import annotations

import json
import socket
from typing import Any, Literal

import httpx

from runloop_nb.errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    InvalidStateError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)

_BY_STATUS: dict[int, type[APIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


# Error codes of 400 answers that mean "not in this state" rather than "bad arguments".
_STATE_CODES = frozenset({"illegal_state", "invalid_state"})
_LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
# Transport failures the client retries only briefly (refused) or not at all (DNS): neither
# heals in seconds, and 28 s of silent retries look like a hang in a notebook.
REFUSED_MAX_RETRIES = 2
ConnectFailure = Literal["dns", "refused"]


def error_class(status_code: int, body: Any = None) -> type[APIError]:
    """Return the most specific APIError subclass for a status code (and error body)."""
    if status_code >= 500:
        return InternalServerError
    if status_code == 400 and isinstance(body, dict) and body.get("error") in _STATE_CODES:
        return InvalidStateError
    return _BY_STATUS.get(status_code, APIError)


def parse_error_body(content: bytes) -> Any:
    """Return the body as JSON when it is JSON, else as text (never raises)."""
    text = content.decode("utf-8", errors="replace")
    try:
        return json.loads(text)
    except ValueError:
        return text


def request_id_of(response: httpx.Response) -> str | None:
    """The server's request id if it echoes one, else the one we sent."""
    return response.headers.get("x-request-id") or response.request.headers.get("x-request-id")


def status_error(response: httpx.Response) -> APIError:
    """Build the typed error for an error response whose body has been read."""
    body = parse_error_body(response.content)
    cls = error_class(response.status_code, body)
    return cls(
        status_code=response.status_code,
        body=body,
        request_id=request_id_of(response),
        method=response.request.method,
        url=str(response.request.url),
    )


def sse_error(data: str, request: httpx.Request) -> APIError:
    """Build the error for an SSE `event: error`; its status comes from the JSON `code` field."""
    body = parse_error_body(data.encode())
    code = body.get("code") if isinstance(body, dict) else None
    status = code if isinstance(code, int) else 500
    return error_class(status, body)(
        status_code=status,
        body=body,
        request_id=request.headers.get("x-request-id"),
        method=request.method,
        url=str(request.url),
    )


def connection_error(exc: httpx.HTTPError, request: httpx.Request) -> APIConnectionError:
    """Translate an httpx transport failure; timeouts get their own subclass."""
    where = f"{request.method} {request.url}"
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(
            f"{where} timed out ({type(exc).__name__}). The server may be overloaded; try "
            "again or pass a larger timeout=.",
            method=request.method,
            url=str(request.url),
        )
    return APIConnectionError(
        f"{where} could not reach the server ({type(exc).__name__}: {exc}). "
        + _reach_advice(request, connect_failure(exc)),
        method=request.method,
        url=str(request.url),
    )


def connect_failure(exc: BaseException) -> ConnectFailure | None:
    """ "dns" when the host name did not resolve, "refused" when nothing listens, else None."""
    if not isinstance(exc, httpx.ConnectError):
        return None
    seen: BaseException | None = exc
    texts = []
    while seen is not None:
        if isinstance(seen, socket.gaierror):
            return "dns"
        if isinstance(seen, ConnectionRefusedError):
            return "refused"
        texts.append(str(seen).lower())
        seen = seen.__cause__ or seen.__context__
    text = " ".join(texts)
    if any(m in text for m in ("name resolution", "name or service not known", "nodename")):
        return "dns"
    if "refused" in text or "errno 111" in text:
        return "refused"
    return None


def is_local(url: httpx.URL) -> bool:
    """Whether a URL points at this machine (where the embedded server would listen)."""
    return url.host in _LOCAL_HOSTS or url.host.startswith("127.")


def _reach_advice(request: httpx.Request, failure: ConnectFailure | None) -> str:
    if is_local(request.url):
        return (
            "Is the local server running? Start it with `runloop-nb serve`, or call "
            "runloop_nb.connect() without an API key (it starts one)."
        )
    host = request.url.host
    if failure == "dns":
        what = f"The name {host} does not resolve: no network, or a wrong base URL."
    elif failure == "refused":
        what = f"{host} refused the connection: a wrong base URL or port, or a proxy in the way."
    else:
        what = "Check your network connection and the base URL."
    return (
        f"{what} No request reached the server, so the API key (RUNLOOP_API_KEY or api_key=) "
        "was not checked yet; once the network works, a wrong key answers 401."
    )
