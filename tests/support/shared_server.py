"""One real local server per test process, for the authoring, stepping and audit tests.

The server is the real one (`ensure_server`: uvicorn on 127.0.0.1, real sandboxes, the bundled
catalog) in a temporary RUNLOOP_NB_HOME; it is started on first use and stopped when the test
process exits. Every test folder imports it as ``support.shared_server``, so all share one module
instance and hence one server.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from runloop_nb.client import RunloopClient
from runloop_nb.local import ServerInfo, ensure_server, stop_server

_started: dict[str, tuple[Path, ServerInfo]] = {}


def shared_server() -> tuple[Path, ServerInfo]:
    """The data directory and info of this process's server, starting it on first call."""
    if "server" not in _started:
        home = Path(tempfile.mkdtemp(prefix="runloop-nb-tests-"))
        # mkdtemp makes it 0700; the unprivileged sandbox user must be able to traverse it.
        home.chmod(0o755)
        info = ensure_server(home, timeout=60.0)
        _started["server"] = (home, info)
        atexit.register(_stop, home)
    return _started["server"]


def _stop(home: Path) -> None:
    stop_server(home)
    shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def local_server() -> tuple[Path, ServerInfo]:
    """(data directory, ServerInfo) of the shared local server."""
    return shared_server()


@pytest.fixture
async def client(local_server: tuple[Path, ServerInfo]) -> AsyncIterator[RunloopClient]:
    """A client bound to the shared local server (one per test: clients belong to a loop)."""
    _, info = local_server
    async with RunloopClient(api_key=info.token, base_url=info.url) as made:
        yield made
