"""Idempotent POSTs: a repeat with the same ``x-request-id`` replays the first answer.

The official SDK sends one ``x-request-id`` per call and reuses it on every retry, and it retries
POSTs too (contract §1.3/§1.4). Without this, a retry after a lost answer would start a second
run or a second devbox. So a POST whose answer was a 2xx JSON body is remembered (status and body,
in SQLite, committed *before* the answer is sent) for ``WINDOW_SECONDS``; a repeat of the same
path and request id within that window gets the stored answer and runs nothing.

Not remembered: error answers (a retry may succeed), non-JSON answers (``read_file_contents``,
``download_file``, ``download_logs``: reads that are safe to repeat) and bodies over
``MAX_BODY_BYTES``. Concurrent repeats of one key wait for the first to finish.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from runloop_nb.local._store import Store

WINDOW_SECONDS = 600
MAX_BODY_BYTES = 1024 * 1024
KIND = "idempotent_answer"
_PRUNE_EVERY = 64


class IdempotencyCache:
    """Stored first answers by (path, request id), each kept for ``WINDOW_SECONDS``."""

    def __init__(self, store: Store, *, window_seconds: float = WINDOW_SECONDS) -> None:
        self._store = store
        self._window_ms = int(window_seconds * 1000)
        self._locks: dict[str, asyncio.Lock] = {}
        self._saves = 0

    @staticmethod
    def key(path: str, request_id: str) -> str:
        digest = hashlib.sha256(f"{path}\n{request_id}".encode()).hexdigest()[:40]
        return f"idem_{digest}"

    def lock(self, key: str) -> asyncio.Lock:
        return self._locks.setdefault(key, asyncio.Lock())

    def release(self, key: str) -> None:
        lock = self._locks.get(key)
        if lock is not None and not lock.locked():
            del self._locks[key]

    def lookup(self, key: str) -> dict[str, Any] | None:
        doc = self._store.get(KIND, key)
        if doc is None or _now_ms() - doc["created_ms"] > self._window_ms:
            return None
        return doc

    def save(self, key: str, status: int, content_type: str, body: bytes) -> None:
        doc = {
            "id": key,
            "created_ms": _now_ms(),
            "status": status,
            "content_type": content_type,
            "body": body.decode("utf-8", errors="replace"),
        }
        self._store.put(KIND, doc)
        self._saves += 1
        if self._saves % _PRUNE_EVERY == 0:
            self.prune()

    def prune(self) -> None:
        """Forget answers older than the window (they can no longer be replayed)."""
        cutoff = _now_ms() - self._window_ms
        with self._store.transaction():
            for doc in self._store.all(KIND):
                if doc["created_ms"] < cutoff:
                    self._store.delete(KIND, doc["id"])


class IdempotencyMiddleware:
    """ASGI middleware applying an ``IdempotencyCache`` to every POST with ``x-request-id``."""

    def __init__(self, app: ASGIApp, cache: Callable[[], IdempotencyCache]) -> None:
        self.app = app
        self._cache = cache

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request_id = _request_id(scope)
        if request_id is None:
            await self.app(scope, receive, send)
            return
        cache = self._cache()
        key = cache.key(scope["path"], request_id)
        async with cache.lock(key):
            stored = cache.lookup(key)
            if stored is not None:
                await _replay(stored, send)
            else:
                await self.app(scope, receive, _Recorder(cache, key, send))
        cache.release(key)


def _request_id(scope: Scope) -> str | None:
    if scope["type"] != "http" or scope["method"] != "POST":
        return None
    for name, value in scope["headers"]:
        if name == b"x-request-id" and value:
            return value.decode("latin-1")[:200]
    return None


async def _replay(doc: dict[str, Any], send: Send) -> None:
    body = doc["body"].encode("utf-8")
    headers = [
        (b"content-type", doc["content_type"].encode("latin-1")),
        (b"content-length", str(len(body)).encode()),
        (b"x-idempotent-replay", b"true"),
    ]
    await send({"type": "http.response.start", "status": doc["status"], "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


class _Recorder:
    """Wraps ``send``: holds a cacheable answer until its last byte, saves it, then sends it."""

    def __init__(self, cache: IdempotencyCache, key: str, send: Send) -> None:
        self._cache, self._key, self._send = cache, key, send
        self._start: Message | None = None
        self._chunks: list[bytes] = []
        self._size = 0

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            if _cacheable(message):
                self._start = message
                return
        elif message["type"] == "http.response.body" and self._start is not None:
            await self._hold(message)
            return
        await self._send(message)

    async def _hold(self, message: Message) -> None:
        chunk = message.get("body", b"")
        self._chunks.append(chunk)
        self._size += len(chunk)
        if message.get("more_body", False):
            return
        body = b"".join(self._chunks)
        start, self._start = self._start, None
        assert start is not None
        if self._size <= MAX_BODY_BYTES:
            self._cache.save(self._key, start["status"], _content_type(start), body)
        await self._send(start)
        await self._send({"type": "http.response.body", "body": body, "more_body": False})


def _content_type(start: Message) -> str:
    for name, value in start.get("headers", []):
        if name.lower() == b"content-type":
            return str(value.decode("latin-1"))
    return ""


def _cacheable(start: Message) -> bool:
    return 200 <= start["status"] < 300 and "json" in _content_type(start)


def _now_ms() -> int:
    return int(time.time() * 1000)
