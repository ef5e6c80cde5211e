"""Where the server keeps its state: a private data directory (0700, tightened, never foreign)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from runloop_nb.local import _paths
from runloop_nb.local._paths import data_dir, private_dir


def test_data_dir_follows_runloop_nb_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUNLOOP_NB_HOME", str(tmp_path / "home"))
    assert _paths.data_dir() == tmp_path / "home"
    assert _paths.server_file() == tmp_path / "home" / "server.json"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_data_dir_is_0700(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUNLOOP_NB_HOME", str(tmp_path / "fresh"))
    assert _mode(data_dir()) == 0o700


def test_an_existing_world_readable_one_is_tightened(tmp_path: Path) -> None:
    home = tmp_path / "open"
    home.mkdir(mode=0o755)
    home.chmod(0o755)
    assert _mode(private_dir(home)) == 0o700


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to make a directory of another uid")
def test_one_of_another_user_is_refused(tmp_path: Path) -> None:
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    os.chown(foreign, 199_999, 199_999)
    with pytest.raises(PermissionError, match="RUNLOOP_NB_HOME"):
        private_dir(foreign)
