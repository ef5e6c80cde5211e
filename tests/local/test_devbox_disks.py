"""Where devbox disks live, and the sweep of the ones a crash or a deleted data dir left."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from runloop_nb.local import _devbox_disks as disks_module


@pytest.fixture
def shared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "var" / "runloop-nb" / "devboxes"
    monkeypatch.setattr(disks_module, "SHARED_DEVBOX_DIR", path)
    return path


@pytest.mark.skipif(os.geteuid() != 0, reason="only a root server gives devboxes their own uids")
def test_as_root_disks_live_in_an_enterable_shared_dir_named_for_the_data_dir(
    tmp_path: Path, shared: Path
) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o700)

    disks = disks_module.devbox_disks_dir(data)

    assert disks.parent == shared
    assert stat.S_IMODE(disks.stat().st_mode) == 0o711
    assert stat.S_IMODE(shared.stat().st_mode) == 0o711
    assert (disks / disks_module.OWNER_FILE).read_text() == str(data.resolve())
    assert disks_module.devbox_disks_dir(data) == disks  # stable across restarts


@pytest.mark.skipif(os.geteuid() != 0, reason="the shared dir is used by root servers only")
def test_disks_of_a_deleted_data_dir_are_orphans(tmp_path: Path, shared: Path) -> None:
    kept, gone = tmp_path / "kept", tmp_path / "gone"
    kept.mkdir()
    gone.mkdir()
    kept_disks = disks_module.devbox_disks_dir(kept)
    gone_disks = disks_module.devbox_disks_dir(gone)
    gone.rmdir()

    assert disks_module.orphaned_disk_dirs() == [gone_disks]
    assert kept_disks.exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="the shared dir is used by root servers only")
def test_the_sweep_removes_orphaned_disks_and_pool_leftovers(tmp_path: Path, shared: Path) -> None:
    gone, kept = tmp_path / "gone", tmp_path / "kept"
    gone.mkdir()
    kept.mkdir()
    (disks_module.devbox_disks_dir(gone) / "dbx_old" / "home").mkdir(parents=True)
    kept_disks = disks_module.devbox_disks_dir(kept)
    (kept_disks / "pool_dead" / "home").mkdir(parents=True)
    (kept_disks / "dbx_live" / "home").mkdir(parents=True)
    gone.rmdir()

    disks_module.sweep_leftover_disks(kept_disks)

    assert sorted(p.name for p in shared.iterdir()) == [kept_disks.name]
    assert sorted(p.name for p in kept_disks.iterdir()) == ["dbx_live", "owner"]
