"""Shared fixtures of the local server tests (owned by engineer A; others append at the end).

``data_dir`` is traversable by the unprivileged devbox user (mode 0711; pytest's tmp_path is
not). ``state`` is a started ``ServerState`` without the bundled catalog; ``client`` talks to
``create_app(state)`` in-process (ASGITransport: no lifespan, whole responses buffered).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from support.local_api import AUTH, TOKEN

from runloop_nb.local._app import create_app
from runloop_nb.local._state import ServerState


@pytest.fixture
def data_dir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="rnb-core-test-"))
    path.chmod(0o711)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
async def state(data_dir: Path) -> AsyncIterator[ServerState]:
    server_state = ServerState.open(data_dir, token=TOKEN, load_catalog=False)
    await server_state.start()
    yield server_state
    await server_state.close()


@pytest.fixture
async def client(state: ServerState) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(state))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://local", headers=AUTH, timeout=60
    ) as http:
        yield http
