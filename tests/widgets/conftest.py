"""Widget tests run headless: plain pytest, no kernel, the real local server.

ipywidgets' `CallbackDispatcher` catches a click handler's exception (it logs it on a silent
logger, or prints a traceback once an IPython shell exists), so a broken handler would pass.
Here every handler is called bare: its exception reaches the test. Errors inside the spawned
tasks are raised by `wait_idle()`.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from ipywidgets.widgets.widget import CallbackDispatcher

from runloop_nb.client import RunloopClient
from runloop_nb.local import ServerInfo


def _bare_call(self: CallbackDispatcher, *args: Any, **kwargs: Any) -> Any:
    value = None
    for callback in self.callbacks:
        result = callback(*args, **kwargs)
        value = result if result is not None else value
    return value


@pytest.fixture(autouse=True)
def callbacks_raise(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(CallbackDispatcher, "__call__", _bare_call)


class Requests:
    """Every request the client sent (method and path), as the server received them."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    async def hook(self, request: httpx.Request) -> None:
        self.sent.append((request.method, request.url.path))

    def count(self) -> int:
        return len(self.sent)


@pytest.fixture
async def requests() -> Requests:
    return Requests()


@pytest.fixture
async def counted(
    local_server: tuple[Path, ServerInfo], requests: Requests
) -> AsyncIterator[RunloopClient]:
    """A client of the shared real server whose every request is recorded in `requests`."""
    _, info = local_server
    http = httpx.AsyncClient(event_hooks={"request": [requests.hook]})
    async with http, RunloopClient(api_key=info.token, base_url=info.url, http_client=http) as made:
        yield made


def closed_port_url() -> str:
    """The URL of a port on 127.0.0.1 that was free a moment ago and that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
