"""The one place where HTTP answers and httpx failures become runloop_nb errors."""

from __future__ import annotations

import json
from typing import Any

import httpx

from runloop_nb.errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
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


def error_class(status_code: int) -> type[APIError]:
    """Return the most specific APIError subclass for a status code."""
    if status_code >= 500:
        return InternalServerError
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
    cls = error_class(response.status_code)
    return cls(
        status_code=response.status_code,
        body=parse_error_body(response.content),
        request_id=request_id_of(response),
        method=response.request.method,
        url=str(response.request.url),
    )


def sse_error(data: str, request: httpx.Request) -> APIError:
    """Build the error for an SSE `event: error`; its status comes from the JSON `code` field."""
    body = parse_error_body(data.encode())
    code = body.get("code") if isinstance(body, dict) else None
    status = code if isinstance(code, int) else 500
    return error_class(status)(
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
        f"{where} could not reach the server ({type(exc).__name__}: {exc}). Check the base "
        "URL and your network, or that the local server is running.",
        method=request.method,
        url=str(request.url),
    )
