"""Real sandboxes for the tests: started on a per-test loop, shut down (and counted) after."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest

from runloop_nb.local.sandbox import Limits, Sandbox, SandboxMode, create_sandbox

MODES: list[SandboxMode] = ["bwrap", "unsandboxed"]
SMALL = Limits(cpus=1, memory_mb=512, disk_mb=64, max_processes=64, max_file_mb=16)

MakeSandbox = Callable[..., Awaitable[Sandbox]]


@pytest.fixture
def base_dir(request: pytest.FixtureRequest) -> Iterator[Path]:
    """A directory the devbox uid can walk into (pytest's own tmp dirs are 0700 root)."""
    name = "".join(c if c.isalnum() else "_" for c in request.node.name)[:60]
    path = Path(tempfile.mkdtemp(prefix=f"rnb-sandbox-{name}-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(params=MODES)
def mode(request: pytest.FixtureRequest) -> SandboxMode:
    mode: SandboxMode = request.param
    return mode


@pytest.fixture
async def make_sandbox(base_dir: Path) -> AsyncIterator[MakeSandbox]:
    made: list[Sandbox] = []

    async def make(
        mode: SandboxMode, *, limits: Limits = SMALL, snapshot: Path | None = None
    ) -> Sandbox:
        devbox_id = f"dbx_{uuid.uuid4().hex[:12]}"
        sandbox = create_sandbox(
            devbox_id, base_dir / devbox_id, limits=limits, snapshot=snapshot, mode=mode
        )
        made.append(sandbox)
        await sandbox.start()
        return sandbox

    yield make
    for sandbox in made:
        await sandbox.shutdown()


@pytest.fixture
async def sandbox(make_sandbox: MakeSandbox, mode: SandboxMode) -> Sandbox:
    return await make_sandbox(mode)
