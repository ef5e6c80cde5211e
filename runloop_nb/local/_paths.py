"""Where the local server keeps its state: ``RUNLOOP_NB_HOME`` or the platform's user data dir."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import platformdirs

log = logging.getLogger("runloop_nb.local")


def data_dir() -> Path:
    """The data directory (created, mode 0700). Read from the environment on every call."""
    override = os.environ.get("RUNLOOP_NB_HOME")
    path = Path(override) if override else Path(platformdirs.user_data_dir("runloop-nb"))
    return private_dir(path)


def private_dir(path: Path) -> Path:
    """``path`` as a directory only this user can enter (it holds tokens, env vars, secrets).

    Made with mode 0700; an existing one that group or others can reach is tightened to 0700.

    Raises:
        PermissionError: it belongs to another user, or is not a directory (the message says
            what to do).
    """
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    info = path.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid():
        raise PermissionError(
            f"the runloop-nb data directory {path} must be a directory of this user (uid "
            f"{os.geteuid()}); it is owned by uid {info.st_uid}. Point RUNLOOP_NB_HOME at a "
            "directory of your own."
        )
    if info.st_mode & 0o077:
        log.warning(
            "data directory %s was mode %s: tightened to 0700 (it holds the server token and "
            "devbox secrets)",
            path,
            stat.filemode(info.st_mode),
        )
        path.chmod(0o700)
    return path


def server_file(base: Path | None = None) -> Path:
    """``server.json``: url, token and pid of the running server."""
    return (base or data_dir()) / "server.json"
