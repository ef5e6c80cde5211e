"""The devbox's disk from the host: snapshots (tar.gz of the home) and how much it uses."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
from pathlib import Path


async def pack_home(home: Path, archive: Path) -> int:
    """Write ``home`` as a tar.gz at ``archive`` (symlinks stored as links); its size in bytes.

    Raises:
        RuntimeError: tar failed (its message is included).
    """
    await asyncio.to_thread(archive.parent.mkdir, parents=True, exist_ok=True)
    # No set-id bits in archives: a snapshot is unpacked on the host's disk (and may be
    # exported); a setuid file planted in a devbox would run as its owner for whoever reaches it.
    argv = ["tar", "--numeric-owner", "--mode=ug-s", "-C", str(home), "-czf", str(archive), "."]
    process = await asyncio.create_subprocess_exec(
        *argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, err = await process.communicate()
    if process.returncode not in (0, 1):  # 1: a file changed while it was read
        raise RuntimeError(err.decode(errors="replace")[-1000:])
    return (await asyncio.to_thread(os.stat, archive)).st_size


async def unpack_home(archive: Path, home: Path, as_user: list[str]) -> None:
    """Unpack ``archive`` into ``home`` as the devbox user (``as_user``: the words that make
    tar run as it, see ``Identity.launch_prefix``).

    tar reads the archive from stdin, so the devbox user needs no access to its path, and it
    writes with the devbox user's rights only (so, as it is not root, set-id bits are dropped).

    Raises:
        RuntimeError: tar failed (its message is included).
    """
    with open(archive, "rb") as source:
        process = await asyncio.create_subprocess_exec(
            *as_user,
            *("tar", "--no-same-owner", "-C", str(home), "-xzf", "-"),
            stdin=source,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        _, err = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"cannot restore snapshot {archive}: {err.decode()[-1000:]}")


def disk_usage(path: Path) -> int:
    """Bytes allocated under ``path`` (symlinks not followed, hard links counted once)."""
    seen: set[tuple[int, int]] = set()
    total = 0
    for directory, dirs, files in os.walk(path):
        for name in dirs + files:
            with contextlib.suppress(OSError):
                info = os.lstat(os.path.join(directory, name))
                if (info.st_dev, info.st_ino) not in seen:
                    seen.add((info.st_dev, info.st_ino))
                    total += info.st_blocks * 512
    return total
