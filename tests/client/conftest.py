"""Fixtures of the client tests: the fake cloud and a client bound to it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from support.fake_cloud import FakeCloud

from runloop_nb.client import RunloopClient


@pytest.fixture
def cloud() -> FakeCloud:
    return FakeCloud()


@pytest.fixture
async def client(cloud: FakeCloud) -> AsyncIterator[RunloopClient]:
    async with cloud.client() as made:
        yield made
