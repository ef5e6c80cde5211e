"""A started devbox per test: the real sandbox when it exists, else a plain subprocess one."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from runloop_nb.local.sandbox._base import Sandbox

from ._helpers import start_devbox


@pytest.fixture
async def devbox(tmp_path: Path) -> AsyncIterator[Sandbox]:
    sandbox = await start_devbox(tmp_path / "devbox")
    yield sandbox
    await sandbox.shutdown()
