"""A local directory as a scenario environment: tar it, unpack it in a devbox, snapshot the disk."""

from __future__ import annotations

import io
import re
import shlex
import tarfile
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from runloop_nb.errors import DirectoryUploadError, RunloopNBError

if TYPE_CHECKING:
    from runloop_nb.client import Devbox, RunloopClient

# Relative to the devbox home (where upload_file paths and commands start); removed after
# unpacking so it never ends up in the snapshot.
_UPLOAD_NAME = ".runloop_nb_directory_upload.tar.gz"
_HOME = "/home/user"


def default_working_directory(directory: Path) -> str:
    """`/home/user/<directory name>`, with characters a shell path would trip on replaced."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", directory.name) or "workspace"
    return f"{_HOME}/{safe}"


def tar_directory(directory: Path) -> bytes:
    """Return a gzip tar of the directory's contents (paths relative to it, owners dropped)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for child in sorted(directory.iterdir()):
            archive.add(child, arcname=child.name, filter=_anonymous)
    return buffer.getvalue()


def _anonymous(info: tarfile.TarInfo) -> tarfile.TarInfo:
    # The devbox user owns the unpacked files; host uids and names mean nothing there.
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def unpack_command(working_directory: str) -> str:
    """The shell command that unpacks the uploaded archive into `working_directory`."""
    target = shlex.quote(working_directory)
    upload = shlex.quote(_UPLOAD_NAME)
    return (
        f"mkdir -p -- {target} && tar -xzf {upload} --no-same-owner -C {target}"
        f" && rm -f -- {upload}"
    )


async def snapshot_directory(
    client: RunloopClient, directory: Path, working_directory: str, *, label: str
) -> str:
    """Upload `directory` into `working_directory` of a fresh devbox and snapshot its disk.

    The helper devbox is always shut down, also when a step fails.

    Returns:
        The id of the disk snapshot.

    Raises:
        DirectoryUploadError: unpacking failed in the devbox (its stderr is in the message).
    """
    archive = tar_directory(directory)
    devbox = await client.devbox.create(
        name=f"upload-{label}"[:100], metadata={"runloop_nb.purpose": "directory-upload"}
    )
    try:
        await devbox.file.upload(path=_UPLOAD_NAME, file=archive)
        result = await devbox.cmd.exec(unpack_command(working_directory))
        if not result.success:
            stderr = (await result.stderr(num_lines=20)).strip()
            raise DirectoryUploadError(
                f"Unpacking {directory} into {working_directory} failed in devbox {devbox.id} "
                f"(exit {result.exit_code}): {stderr}. Choose a working directory the devbox "
                "user can write (under /home/user)."
            )
        snapshot = await client.api.devboxes.snapshot_disk(
            devbox.id,
            name=f"{label} environment"[:200],
            commit_message=f"runloop_nb from_directory({str(directory)!r})"[:1000],
        )
        return snapshot.id
    finally:
        await shutdown_quietly(devbox)


async def shutdown_quietly(devbox: Devbox) -> None:
    """Shut a helper devbox down; a failure here must not hide the error that got us here."""
    try:
        await devbox.shutdown()
    except RunloopNBError as exc:
        warnings.warn(
            f"Could not shut down helper devbox {devbox.id}: {exc}", RuntimeWarning, stacklevel=2
        )
