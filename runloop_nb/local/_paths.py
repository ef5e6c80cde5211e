"""Where the local server keeps its state: ``RUNLOOP_NB_HOME`` or the platform's user data dir."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs


def data_dir() -> Path:
    """The data directory (created, mode 0700). Read from the environment on every call."""
    override = os.environ.get("RUNLOOP_NB_HOME")
    path = Path(override) if override else Path(platformdirs.user_data_dir("runloop-nb"))
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def server_file(base: Path | None = None) -> Path:
    """``server.json``: url, token and pid of the running server."""
    return (base or data_dir()) / "server.json"
