"""Fixtures of the client tests: the fake cloud and a client bound to it."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

# pytest runs with --import-mode=importlib, which puts no test folder on sys.path; the client
# tests share one fake cloud module, so make this folder importable before they load.
sys.path.insert(0, str(Path(__file__).parent))

from _fake_cloud import FakeCloud

from runloop_nb.client import RunloopClient


@pytest.fixture
def cloud() -> FakeCloud:
    return FakeCloud()


@pytest.fixture
async def client(cloud: FakeCloud) -> AsyncIterator[RunloopClient]:
    async with cloud.client() as made:
        yield made
