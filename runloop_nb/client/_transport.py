"""The one `request()` every resource uses: auth, encoding, timeouts, retries and error mapping."""

from __future__ import annotations

import asyncio
import email.utils
import json
import random
import time
import uuid
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx
import pydantic

from runloop_nb.client._errors_map import (
    REFUSED_MAX_RETRIES,
    connect_failure,
    connection_error,
    status_error,
)
from runloop_nb.client._lazy_tls import LazyTLSTransport
from runloop_nb.client._settings import Settings
from runloop_nb.client._types import NOT_GIVEN, encode_query, to_jsonable
from runloop_nb.errors import ResponseFormatError

M = TypeVar("M", bound=pydantic.BaseModel)

#: The header in which the embedded server lists its extensions of the contract.
EXTENSIONS_HEADER = "x-runloop-nb-extensions"

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
# Execute, file and snapshot calls legitimately take minutes (reference §1.2).
LONG_TIMEOUT = httpx.Timeout(600.0, connect=5.0)
DEFAULT_MAX_RETRIES = 5
MAX_RETRY_DELAY = 60.0
_RETRY_STATUSES = frozenset({408, 409, 429})
_USER_AGENT = "runloop-nb/0.1 (python; httpx)"

SleepFn = Callable[[float], Awaitable[None]]
FilesArg = Mapping[str, tuple[str, bytes, str]]


class Transport:
    """Sends requests for one client: bearer auth, JSON/query/multipart encoding, retries.

    An `httpx.AsyncClient` belongs to the event loop it was first used in, so one is kept per
    running loop; the same RunloopClient then works from the notebook's loop and from a
    background-thread loop. A caller-supplied `http_client` is used as is, on every loop.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        transport: httpx.AsyncBaseTransport | None = None,
        http_client: httpx.AsyncClient | None = None,
        sleep: SleepFn = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        if max_retries < 0:
            raise ValueError(f"max_retries must be >= 0 (got {max_retries}); use 0 to disable.")
        self.settings = settings
        self.timeout = _as_timeout(timeout) if timeout is not None else DEFAULT_TIMEOUT
        self.long_timeout = self.timeout if timeout is not None else LONG_TIMEOUT
        self.max_retries = max_retries
        self.sleep = sleep
        self.clock = clock
        self._jitter = jitter
        self._transport = transport
        self._http_client = http_client
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient]
        self._clients = weakref.WeakKeyDictionary()
        self._closed = False
        #: What the server offers beyond the cloud's contract, as it said in its answers
        #: (``x-runloop-nb-extensions``, sent by the embedded server only); empty until then.
        self.extensions: frozenset[str] = frozenset()

    def http_client(self) -> httpx.AsyncClient:
        """The HTTP client for the running event loop (made on first use in that loop)."""
        if self._closed:
            raise RuntimeError("This RunloopClient was closed; create a new one.")
        if self._http_client is not None:
            return self._http_client
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None or client.is_closed:
            transport = self._transport if self._transport is not None else LazyTLSTransport()
            client = httpx.AsyncClient(transport=transport, follow_redirects=True)
            self._clients[loop] = client
        return client

    async def aclose(self) -> None:
        """Close the HTTP client of this loop; clients of other loops are closed on their loop."""
        self._closed = True
        current = _running_loop()
        for loop, client in list(self._clients.items()):
            if loop is current:
                await client.aclose()
            elif loop.is_running():
                asyncio.run_coroutine_threadsafe(client.aclose(), loop)
        self._clients.clear()

    async def request(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, Any] | None = None,
        json_body: Any = NOT_GIVEN,
        files: FilesArg | None = None,
        form: Mapping[str, str] | None = None,
        accept: str = "application/json",
        timeout: float | httpx.Timeout | None = None,
        long: bool = False,
        max_retries: int | None = None,
        idempotency_key: str | None = None,
    ) -> httpx.Response:
        """Send one API call, retrying as the reference §1.3 says; return a successful response.

        Non-GET calls carry one `x-request-id` that is reused on every retry of the call, so the
        server can recognise repeats.

        Raises:
            APIError: (a subclass of it) for an error status after any retries.
            APIConnectionError: when no answer came after any retries.
        """
        headers = self._headers(method, accept, idempotency_key, has_files=files is not None)
        content = None if json_body is NOT_GIVEN else _json_bytes(json_body)
        retries = self.max_retries if max_retries is None else max_retries
        client = self.http_client()
        attempt = 0
        while True:
            request = client.build_request(
                method,
                self.settings.url(path),
                params=encode_query(query),
                content=content,
                files=files,
                data=form,
                headers=headers,
                timeout=self._pick_timeout(timeout, long),
            )
            try:
                response = await client.send(request)
            except httpx.TransportError as exc:
                failure = connect_failure(exc)
                if failure == "dns" or attempt >= _connect_retries(failure, retries):
                    raise connection_error(exc, request) from exc
                await self.sleep(_connect_delay(failure, attempt, self._jitter()))
            else:
                if response.is_success:
                    self._note_extensions(response)
                    return response
                if attempt >= retries or not should_retry(response):
                    raise status_error(response)
                await self.sleep(retry_delay(response.headers, attempt, self._jitter()))
            attempt += 1

    def _note_extensions(self, response: httpx.Response) -> None:
        offered = response.headers.get(EXTENSIONS_HEADER)
        if offered is not None:
            self.extensions = frozenset(filter(None, (x.strip() for x in offered.split(","))))

    async def request_json(self, method: str, path: str, **kwargs: Any) -> Any:
        """`request()`, then decode the JSON body (ResponseFormatError if it is not JSON)."""
        return decode_json(await self.request(method, path, **kwargs))

    async def fetch(self, model: type[M], method: str, path: str, **kwargs: Any) -> M:
        """`request()`, then parse the body into `model`."""
        response = await self.request(method, path, **kwargs)
        return parse_model(model, decode_json(response), response)

    @asynccontextmanager
    async def stream(
        self, path: str, *, query: Mapping[str, Any] | None, accept: str
    ) -> AsyncIterator[httpx.Response]:
        """Open a streaming GET (no retries: the caller decides how to resume)."""
        client = self.http_client()
        headers = self._headers("GET", accept, None, has_files=False)
        request = client.build_request(
            "GET",
            self.settings.url(path),
            params=encode_query(query),
            headers=headers,
            timeout=self.timeout,
        )
        try:
            response = await client.send(request, stream=True)
        except httpx.TransportError as exc:
            raise connection_error(exc, request) from exc
        try:
            if not response.is_success:
                await response.aread()
                raise status_error(response)
            yield response
        finally:
            await response.aclose()

    def _headers(
        self, method: str, accept: str, idempotency_key: str | None, *, has_files: bool
    ) -> dict[str, str]:
        headers = {
            "Authorization": f"Bearer {self.settings.api_key}",
            "Accept": accept,
            "User-Agent": _USER_AGENT,
        }
        if method.upper() != "GET":
            headers["x-request-id"] = idempotency_key or f"runloop-nb-retry-{uuid.uuid4()}"
            if not has_files:
                # Body-less POSTs still declare JSON, as the official SDK does (reference §1.6).
                headers["Content-Type"] = "application/json"
        return headers

    def _pick_timeout(self, timeout: float | httpx.Timeout | None, long: bool) -> httpx.Timeout:
        if timeout is not None:
            return _as_timeout(timeout)
        return self.long_timeout if long else self.timeout


def _as_timeout(timeout: float | httpx.Timeout) -> httpx.Timeout:
    if isinstance(timeout, httpx.Timeout):
        return timeout
    if timeout <= 0:
        raise ValueError(f"timeout must be a positive number of seconds (got {timeout}).")
    return httpx.Timeout(timeout, connect=min(5.0, timeout))


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _json_bytes(body: Any) -> bytes:
    return json.dumps(to_jsonable(body), separators=(",", ":")).encode()


def _connect_retries(failure: str | None, retries: int) -> int:
    # A name that does not resolve is never retried (the caller checks); a refused connection
    # a couple of times, quickly (a server restarting); anything else as configured.
    return min(retries, REFUSED_MAX_RETRIES) if failure == "refused" else retries


def _connect_delay(failure: str | None, attempt: int, jitter: float) -> float:
    if failure == "refused":
        return 0.25 * 2.0**attempt  # 0.25 s, then 0.5 s: under a second in all
    return backoff_delay(attempt, jitter)


def should_retry(response: httpx.Response) -> bool:
    """408/409/429/>=500 are retried unless the server says otherwise in `x-should-retry`."""
    override = response.headers.get("x-should-retry", "").strip().lower()
    if override in ("true", "false"):
        return override == "true"
    return response.status_code in _RETRY_STATUSES or response.status_code >= 500


def retry_delay(headers: httpx.Headers, retries_taken: int, jitter: float) -> float:
    """Use the server's `retry-after(-ms)` when it lies in (0, 60] s, else exponential backoff."""
    asked = _retry_after_seconds(headers)
    if asked is not None and 0 < asked <= MAX_RETRY_DELAY:
        return asked
    return backoff_delay(retries_taken, jitter)


def backoff_delay(retries_taken: int, jitter: float) -> float:
    """min(2^k, 60) s scaled by a factor in (0.75, 1] (jitter in [0, 1)) so clients spread out."""
    return min(2.0**retries_taken, MAX_RETRY_DELAY) * (1.0 - 0.25 * jitter)


def _retry_after_seconds(headers: httpx.Headers) -> float | None:
    millis = headers.get("retry-after-ms")
    if millis is not None:
        try:
            return float(millis) / 1000.0
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return (when - datetime.now(UTC)).total_seconds()


def decode_json(response: httpx.Response) -> Any:
    """Parse a JSON body; an empty body counts as `{}` (e.g. keep_alive answers)."""
    if not response.content.strip():
        return {}
    try:
        return json.loads(response.content)
    except ValueError:
        kind = response.headers.get("content-type", "no content-type")
        raise _format_error(response, f"a body that is not JSON ({kind})") from None


def parse_model(model: type[M], data: Any, response: httpx.Response) -> M:
    """Validate JSON into a wire model; a mismatch is the server's fault, so say so clearly."""
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(root)"
        problem = f"JSON that is not a valid {model.__name__} ({where}: {first['msg']})"
        raise _format_error(response, problem) from exc


def _format_error(response: httpx.Response, problem: str) -> ResponseFormatError:
    text = response.content[:400].decode("utf-8", errors="replace")[:200]
    return ResponseFormatError(
        url=str(response.request.url),
        status_code=response.status_code,
        snippet=text,
        problem=problem,
    )
