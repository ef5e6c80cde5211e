"""A started real devbox per test."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from runloop_nb.local.sandbox import Sandbox

from ._helpers import running_devbox


@pytest.fixture
async def devbox() -> AsyncIterator[Sandbox]:
    async with running_devbox() as sandbox:
        yield sandbox
