"""Which host uid a devbox runs as: its own unprivileged uid when the server is root.

A uid per devbox makes ``RLIMIT_NPROC`` a per-devbox limit and lets the host find every process
of a devbox by uid. Uids are claimed in ``FIRST_UID .. FIRST_UID + UID_COUNT`` with an ``O_EXCL``
file per uid in one host-wide registry (``UID_REGISTRY``: every server on the host, whatever its
data directory, must see every claim, or two devboxes could share a uid and kill each other's
processes), and recorded in ``root/ctl/uid`` (root-owned, not visible inside the devbox) so a
restarted server finds the same uid again.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

FIRST_UID = 200_000
UID_COUNT = 100_000
UID_REGISTRY = Path("/var/lib/runloop_nb/sandbox-uids")


@dataclass(frozen=True)
class Identity:
    """The host uid/gid of a devbox; ``switch`` when the server must drop to it (it is root)."""

    uid: int
    gid: int
    switch: bool

    def chown(self, path: Path) -> None:
        if self.switch:
            os.chown(path, self.uid, self.gid, follow_symlinks=False)

    def launch_prefix(self) -> list[str]:
        """Words to put before a command so that it runs as this uid, with no supplementary
        groups and no capabilities (``setpriv``); empty when the server need not switch.

        Not a ``preexec_fn``: that makes Python fork the whole server for every launch (and
        blocks its event loop meanwhile), where a plain launch uses vfork (~10x cheaper).

        Raises:
            RuntimeError: ``setpriv`` (util-linux) is not installed.
        """
        if not self.switch:
            return []
        return [setpriv(), f"--reuid={self.uid}", f"--regid={self.gid}", "--clear-groups", "--"]

    def preexec(self, before: Callable[[], None] | None = None) -> Callable[[], None] | None:
        """A ``preexec_fn`` that runs ``before`` (still privileged), then drops to this uid."""
        if not self.switch:
            return before
        uid, gid = self.uid, self.gid

        def drop() -> None:
            if before is not None:
                before()
            os.setgroups([])
            os.setresgid(gid, gid, gid)
            os.setresuid(uid, uid, uid)

        return drop


@functools.cache
def setpriv() -> str:
    """Path of util-linux's ``setpriv``, which launches devbox processes as their uid."""
    found = shutil.which("setpriv", path="/usr/bin:/bin:/usr/sbin:/sbin")
    if found is None:
        raise RuntimeError(
            "setpriv is not installed (it is part of util-linux); a root server needs it to "
            "start devbox processes as their own users: install util-linux"
        )
    return found


def identity_for(root: Path, devbox_id: str) -> Identity:
    """The identity recorded for ``root``, or a newly claimed one (current user unless root)."""
    if os.geteuid() != 0:
        return Identity(os.getuid(), os.getgid(), switch=False)
    record = root / "ctl" / "uid"
    if record.exists():
        uid = int(record.read_text())
    else:
        uid = _claim(UID_REGISTRY, devbox_id)
        record.write_text(str(uid))
    return Identity(uid, uid, switch=True)


def release(devbox_id: str, identity: Identity) -> None:
    """Give the devbox's uid back to the pool (after its processes are gone); only once."""
    claim = UID_REGISTRY / str(identity.uid)
    with contextlib.suppress(FileNotFoundError):
        if identity.switch and claim.read_text() == devbox_id:  # not since claimed by another
            claim.unlink()


def transfer(old_id: str, new_id: str, identity: Identity) -> None:
    """Hand a claimed uid from ``old_id`` over to ``new_id`` (a pooled sandbox being adopted)."""
    if not identity.switch:
        return
    claim = UID_REGISTRY / str(identity.uid)
    if claim.read_text() != old_id:
        raise RuntimeError(f"uid {identity.uid} is not claimed by {old_id}")
    tmp = claim.with_name(f".{identity.uid}.tmp")
    tmp.write_text(new_id)
    tmp.replace(claim)


def release_recorded(root: Path, devbox_id: str) -> None:
    """Release the uid recorded in ``root`` (a devbox that has ended, whether or not a
    ``Sandbox`` object for it still exists, e.g. after a server crash). Idempotent."""
    with contextlib.suppress(FileNotFoundError, ValueError):
        uid = int((root / "ctl" / "uid").read_text())
        release(devbox_id, Identity(uid, uid, switch=True))


def _claim(registry: Path, devbox_id: str) -> int:
    registry.mkdir(mode=0o700, parents=True, exist_ok=True)
    start = zlib.crc32(devbox_id.encode()) % UID_COUNT
    for step in range(UID_COUNT):
        uid = FIRST_UID + (start + step) % UID_COUNT
        try:
            fd = os.open(registry / str(uid), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        os.write(fd, devbox_id.encode())
        os.close(fd)
        return uid
    raise RuntimeError(f"no free sandbox uid left in {registry}; delete unused devboxes")
