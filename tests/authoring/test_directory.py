"""Directory uploads: the archive and the unpack command, run for real with tar and bash."""

from __future__ import annotations

import subprocess
import tarfile
from io import BytesIO
from pathlib import Path

from runloop_nb.authoring._directory import (
    _UPLOAD_NAME,
    default_working_directory,
    tar_directory,
    unpack_command,
)


def test_archive_holds_the_contents_relative_to_the_directory(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.py").write_text("print('a')\n")
    (tmp_path / ".hidden").write_text("h")
    with tarfile.open(fileobj=BytesIO(tar_directory(tmp_path)), mode="r:gz") as archive:
        members = {m.name: m for m in archive.getmembers()}
    assert set(members) == {".hidden", "src", "src/a.py"}
    assert {(m.uid, m.uname) for m in members.values()} == {(0, "")}


def test_unpack_command_unpacks_into_a_quoted_directory_and_removes_the_archive(
    tmp_path: Path,
) -> None:
    source = tmp_path / "source"
    source.mkdir()
    (source / "it's a file.txt").write_text("contents\n")
    home = tmp_path / "home"
    home.mkdir()
    (home / _UPLOAD_NAME).write_bytes(tar_directory(source))
    target = home / "my $project"

    done = subprocess.run(
        ["bash", "-c", unpack_command(str(target))], cwd=home, capture_output=True, text=True
    )

    assert done.returncode == 0, done.stderr
    assert (target / "it's a file.txt").read_text() == "contents\n"
    assert not (home / _UPLOAD_NAME).exists()


def test_unpack_command_fails_when_the_target_cannot_be_created(tmp_path: Path) -> None:
    (tmp_path / _UPLOAD_NAME).write_bytes(tar_directory(tmp_path))
    (tmp_path / "blocker").write_text("a file, not a directory")
    done = subprocess.run(
        ["bash", "-c", unpack_command(str(tmp_path / "blocker" / "x"))],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0
    assert "Not a directory" in done.stderr


def test_default_working_directory_is_under_the_devbox_home() -> None:
    assert default_working_directory(Path("/tmp/my repo!")) == "/home/user/my_repo_"
    assert default_working_directory(Path("/tmp/calc")) == "/home/user/calc"
