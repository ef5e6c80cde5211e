"""A real local server for the devbox tests: uvicorn on 127.0.0.1 serving the real app.

The state holds only the devbox side (store, DevboxService, idempotency) so each test starts in
milliseconds, without loading the bundled catalog; routes, auth, error mapping and the devbox
service are the real ones. Import the fixtures into a test module to use them.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from runloop_nb.local._app import create_app
from runloop_nb.local._devboxes import DevboxService
from runloop_nb.local._idempotency import IdempotencyCache
from runloop_nb.local._store import Store

TOKEN = "devbox-test-token"


class DevboxOnlyState:
    """The parts of ``ServerState`` the devbox routes use."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        data_dir.mkdir(parents=True, exist_ok=True)
        self.token = TOKEN
        self.store = Store(data_dir / "state.sqlite3")
        self.devboxes = DevboxService(self.store, data_dir)
        self.snapshots = self.devboxes.snapshots
        self.idempotency = IdempotencyCache(self.store)

    async def start(self) -> None:
        await self.devboxes.recover()

    async def close(self) -> None:
        await self.devboxes.close()
        self.store.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """uvicorn serving ``create_app(state)`` in the test's event loop."""

    def __init__(self, data_dir: Path) -> None:
        self.state = DevboxOnlyState(data_dir)
        self.port = _free_port()
        config = uvicorn.Config(
            create_app(self.state),  # type: ignore[arg-type]  # duck-typed ServerState
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="on",
        )
        self.server = uvicorn.Server(config)
        self.task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def __aenter__(self) -> LiveServer:
        self.task = asyncio.get_running_loop().create_task(self.server.serve())
        while not self.server.started:
            if self.task.done():
                self.task.result()
            await asyncio.sleep(0.01)
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.server.should_exit = True
        if self.task is not None:
            await self.task


@pytest.fixture
def data_dir() -> Iterator[Path]:
    """A data directory the devbox user can traverse.

    pytest's tmp_path sits under a 0700 root-only directory, which an unprivileged devbox uid
    cannot enter; the server's real data directory must likewise be traversable (mode 0711).
    """
    path = Path(tempfile.mkdtemp(prefix="rnb-devbox-test-"))
    path.chmod(0o711)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
async def live(data_dir: Path) -> AsyncIterator[LiveServer]:
    async with LiveServer(data_dir) as server:
        yield server


@pytest.fixture
async def api(live: LiveServer) -> AsyncIterator[httpx.AsyncClient]:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(base_url=live.url, headers=headers, timeout=60) as client:
        yield client


async def running_devbox(api: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    """Create a devbox and wait until it is running."""
    created = await api.post("/v1/devboxes", json=body)
    assert created.status_code == 200, created.text
    devbox_id = created.json()["id"]
    waited = await api.post(
        f"/v1/devboxes/{devbox_id}/wait_for_status",
        json={"statuses": ["running", "failure"], "timeout_seconds": 20},
    )
    assert waited.status_code == 200, waited.text
    assert waited.json()["status"] == "running", waited.json()
    result: dict[str, Any] = waited.json()
    return result


async def run(api: httpx.AsyncClient, devbox_id: str, command: str, **body: Any) -> dict[str, Any]:
    """``execute`` a command and wait for it to complete; the ExecutionView."""
    answer = await api.post(f"/v1/devboxes/{devbox_id}/execute", json={"command": command, **body})
    assert answer.status_code == 200, answer.text
    view: dict[str, Any] = answer.json()
    assert view["status"] == "completed", view
    return view
