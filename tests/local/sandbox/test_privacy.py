"""Other local users can read nothing of a devbox: its folder, home and output are private."""

from __future__ import annotations

import os
import stat
import subprocess
import tarfile
from pathlib import Path

import pytest

from runloop_nb.local.sandbox import Sandbox, SandboxMode
from runloop_nb.local.sandbox._users import FIRST_UID, Identity

from ._helpers import run
from .conftest import MakeSandbox

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root to act as another user")
OTHER_USER = Identity(FIRST_UID - 2, FIRST_UID - 2, switch=True)  # a uid no devbox gets


def _as_other_user(*argv: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        argv, capture_output=True, check=False, preexec_fn=OTHER_USER.preexec(), cwd="/"
    )


async def test_another_user_cannot_read_a_devbox(
    make_sandbox: MakeSandbox, mode: SandboxMode
) -> None:
    box: Sandbox = await make_sandbox(mode)
    await box.write_file("secret.txt", b"devbox secret")
    status, _, _ = await run(box, "cat secret.txt; echo printed")
    assert status == 0
    output = next((box.root / "ctl" / "exec").iterdir()) / "stdout"
    for target in (box.home / "secret.txt", output):
        done = _as_other_user("cat", str(target))
        assert done.returncode != 0, target
        assert b"secret" not in done.stdout
    assert _as_other_user("ls", str(box.root)).returncode != 0
    assert _as_other_user("ls", str(box.home)).returncode != 0


async def test_modes_of_the_devbox_folder(make_sandbox: MakeSandbox, mode: SandboxMode) -> None:
    box = await make_sandbox(mode)
    await run(box, "true")
    output = next((box.root / "ctl" / "exec").iterdir()) / "stdout"

    def mode_of(path: Path) -> int:
        return stat.S_IMODE(path.stat().st_mode)

    assert mode_of(box.root) == 0o711
    assert mode_of(box.home) == 0o700
    assert mode_of(box.root / "ctl" / "exec") == 0o710  # the devbox's group (its agent) only
    assert not mode_of(output) & 0o007  # nothing for others


async def test_a_setuid_file_in_a_devbox_is_no_use_to_other_users_or_snapshots(
    make_sandbox: MakeSandbox, base_dir: Path
) -> None:
    box = await make_sandbox("bwrap")
    plant = "cp /bin/cat suid-cat && chmod 4755 suid-cat && stat -c %a suid-cat"
    assert await run(box, plant) == (0, b"4755\n", b"")
    with pytest.raises(PermissionError):  # another user cannot even reach the file
        _as_other_user(str(box.home / "suid-cat"), "/etc/hostname")
    archive = base_dir / "snap.tar.gz"
    await box.snapshot(archive)
    with tarfile.open(archive) as members:
        assert members.getmember("./suid-cat").mode == 0o755  # not in the archive either
    copy = await make_sandbox("bwrap", snapshot=archive)
    assert stat.S_IMODE((copy.home / "suid-cat").stat().st_mode) == 0o755  # bits dropped
