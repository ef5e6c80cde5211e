"""The warm pool: started sandboxes handed to new devboxes, refilled, and cleaned up."""

from __future__ import annotations

import asyncio
import io
import os
import tarfile
from pathlib import Path

import pytest

from runloop_nb.local.sandbox import Limits
from runloop_nb.local.sandbox._detect import detect_mode
from runloop_nb.local.sandbox._pool import POOL_PREFIX, WarmPool, sweep_pool_leftovers
from runloop_nb.local.sandbox._users import UID_REGISTRY

from ._helpers import agent_sandbox, pids_of_uid, run
from .conftest import SMALL

pytestmark = pytest.mark.skipif(detect_mode() != "bwrap", reason="only bwrap sandboxes are pooled")


def _archive(tmp_path: Path, name: str, content: bytes) -> Path:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        info = tarfile.TarInfo(name)
        info.size = len(content)
        tar.addfile(info, io.BytesIO(content))
    path = tmp_path / "snapshot.tar.gz"
    path.write_bytes(buffer.getvalue())
    return path


def _pool_folders(base: Path) -> list[Path]:
    return list(base.glob(f"{POOL_PREFIX}*"))


async def _filled(pool: WarmPool, size: int) -> None:
    pool.refill()
    for _ in range(200):
        if len(pool._ready) >= size:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the pool did not fill")


async def test_a_taken_sandbox_is_the_devbox_running_with_its_snapshot(
    base_dir: Path, tmp_path: Path
) -> None:
    pool = WarmPool(base_dir, SMALL, size=1)
    try:
        await _filled(pool, 1)
        root = base_dir / "dbx_pooled"
        snapshot = _archive(tmp_path, "repo/README", b"from the snapshot\n")
        pooled_root = pool._ready[0].root

        sandbox = await pool.take("dbx_pooled", root, SMALL, snapshot)

        assert sandbox is not None
        assert sandbox.alive()
        assert sandbox.devbox_id == "dbx_pooled"
        assert sandbox.root == root
        assert not pooled_root.exists()  # its folder became the devbox's
        status, out, _ = await run(sandbox, "cat repo/README && pwd")
        assert (status, out) == (0, b"from the snapshot\n/home/user\n")
        uid = agent_sandbox(sandbox).identity.uid
        if os.geteuid() == 0:
            assert (UID_REGISTRY / str(uid)).read_text() == "dbx_pooled"
        await _filled(pool, 1)  # refilled for the next devbox
        await sandbox.shutdown()
        assert not root.exists()
        if os.geteuid() == 0:
            assert not pids_of_uid(uid)
    finally:
        await pool.close()


async def test_other_limits_get_no_pooled_sandbox(base_dir: Path) -> None:
    pool = WarmPool(base_dir, SMALL, size=1)
    try:
        await _filled(pool, 1)
        other = Limits(cpus=1, memory_mb=1024, disk_mb=64, max_processes=64, max_file_mb=16)
        assert await pool.take("dbx_other", base_dir / "dbx_other", other, None) is None
        assert len(pool._ready) == 1
    finally:
        await pool.close()


async def test_close_leaves_no_pooled_process_or_folder(base_dir: Path) -> None:
    pool = WarmPool(base_dir, SMALL, size=2)
    await _filled(pool, 2)
    uids = [agent_sandbox(s).identity.uid for s in pool._ready]

    await pool.close()

    assert not _pool_folders(base_dir)
    if os.geteuid() == 0:
        assert all(not pids_of_uid(uid) for uid in uids)
        assert all(not (UID_REGISTRY / str(uid)).exists() for uid in uids)


def test_leftovers_of_a_crash_are_swept(base_dir: Path) -> None:
    (base_dir / f"{POOL_PREFIX}dead" / "home").mkdir(parents=True)
    (base_dir / "dbx_kept").mkdir()

    sweep_pool_leftovers(base_dir)

    assert not (base_dir / f"{POOL_PREFIX}dead").exists()
    assert (base_dir / "dbx_kept").exists()
