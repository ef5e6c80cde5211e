"""Where devbox disks live, and the sweep of disks nobody will end any more.

Each devbox has a folder (its home and control files) under the directory ``devbox_disks_dir``
gives. A restart sweeps the folders a crash left: pooled sandboxes never handed out, and, with a
root server, whole folders of data dirs that were deleted (their server is gone for good).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from runloop_nb.local.sandbox._pool import sweep_pool_leftovers
from runloop_nb.local.sandbox._users import release_recorded

#: Where devbox disks live when the server runs as root (see ``devbox_disks_dir``).
SHARED_DEVBOX_DIR = Path("/var/tmp/runloop-nb/devboxes")
OWNER_FILE = "owner"


def devbox_disks_dir(data: Path) -> Path:
    """The directory holding one folder per devbox (its home and control files).

    As root, devboxes run as their own unprivileged uids, and those must be able to enter their
    folder: the data dir usually sits under a root-only parent (``/root``, pytest's tmp), so the
    disks then live in ``SHARED_DEVBOX_DIR/<key of the data dir>`` (root-owned, mode 0711:
    enterable, not listable), with an ``owner`` file naming the data dir. Otherwise they live in
    the data dir, where the devboxes run as the server's own user.
    """
    if os.geteuid() != 0:
        path = data / "devboxes"
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        return path
    SHARED_DEVBOX_DIR.mkdir(parents=True, exist_ok=True, mode=0o711)
    for path in (SHARED_DEVBOX_DIR.parent, SHARED_DEVBOX_DIR):
        info = path.lstat()
        if info.st_uid != 0 or path.is_symlink():
            raise PermissionError(
                f"{path} must be a directory owned by root (found uid {info.st_uid}); "
                "remove it and start the server again."
            )
        path.chmod(0o711)
    owner = str(data.resolve())
    path = SHARED_DEVBOX_DIR / hashlib.sha256(owner.encode()).hexdigest()[:16]
    path.mkdir(exist_ok=True, mode=0o711)
    (path / OWNER_FILE).write_text(owner)
    return path


def orphaned_disk_dirs() -> list[Path]:
    """Folders of ``SHARED_DEVBOX_DIR`` whose data dir no longer exists (its server is gone)."""
    if not SHARED_DEVBOX_DIR.is_dir():
        return []
    orphans = []
    for path in SHARED_DEVBOX_DIR.iterdir():
        try:
            owner = Path((path / OWNER_FILE).read_text())
        except OSError:
            continue
        if not owner.exists():
            orphans.append(path)
    return orphans


def sweep_leftover_disks(root_dir: Path) -> None:
    """Free what a crash left: pooled sandboxes of ``root_dir``, and the disks and uids of
    devboxes whose data dir was deleted (no server can end them any more)."""
    sweep_pool_leftovers(root_dir)
    for folder in orphaned_disk_dirs():
        for root in folder.glob("dbx_*"):
            release_recorded(root, root.name)
        shutil.rmtree(folder, ignore_errors=True)
