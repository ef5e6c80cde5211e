"""Where the server keeps its state."""

from __future__ import annotations

from pathlib import Path

import pytest

from runloop_nb.local import _paths


def test_data_dir_follows_runloop_nb_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUNLOOP_NB_HOME", str(tmp_path / "home"))
    assert _paths.data_dir() == tmp_path / "home"
    assert _paths.server_file() == tmp_path / "home" / "server.json"
