"""Where the server keeps its state and its devboxes' disks."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from runloop_nb.local import _paths


@pytest.fixture
def shared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "var" / "runloop-nb" / "devboxes"
    monkeypatch.setattr(_paths, "SHARED_DEVBOX_DIR", path)
    return path


@pytest.mark.skipif(os.geteuid() != 0, reason="only a root server gives devboxes their own uids")
def test_as_root_disks_live_in_an_enterable_shared_dir_named_for_the_data_dir(
    tmp_path: Path, shared: Path
) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o700)

    disks = _paths.devbox_disks_dir(data)

    assert disks.parent == shared
    assert stat.S_IMODE(disks.stat().st_mode) == 0o711
    assert stat.S_IMODE(shared.stat().st_mode) == 0o711
    assert (disks / _paths.OWNER_FILE).read_text() == str(data.resolve())
    assert _paths.devbox_disks_dir(data) == disks  # stable across restarts


@pytest.mark.skipif(os.geteuid() != 0, reason="the shared dir is used by root servers only")
def test_disks_of_a_deleted_data_dir_are_orphans(tmp_path: Path, shared: Path) -> None:
    kept, gone = tmp_path / "kept", tmp_path / "gone"
    kept.mkdir()
    gone.mkdir()
    kept_disks = _paths.devbox_disks_dir(kept)
    gone_disks = _paths.devbox_disks_dir(gone)
    gone.rmdir()

    assert _paths.orphaned_disk_dirs() == [gone_disks]
    assert kept_disks.exists()


def test_data_dir_follows_runloop_nb_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUNLOOP_NB_HOME", str(tmp_path / "home"))
    assert _paths.data_dir() == tmp_path / "home"
    assert _paths.server_file() == tmp_path / "home" / "server.json"
