"""Path resolution that never leaves the home: the tricks a devbox user could play."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from runloop_nb.local.sandbox._agent_paths import kind_in_home, open_in_home, remove_in_home

VIRTUAL = "/home/user"


def read(home: Path, path: str) -> bytes:
    fd = open_in_home(str(home), VIRTUAL, path, write=False)
    with os.fdopen(fd, "rb") as handle:
        return handle.read()


def write(home: Path, path: str, data: bytes) -> None:
    fd = open_in_home(str(home), VIRTUAL, path, write=True)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    (tmp_path / "home" / "sub").mkdir(parents=True)
    (tmp_path / "home" / "sub" / "f.txt").write_bytes(b"inside")
    (tmp_path / "secret").write_bytes(b"outside")
    return tmp_path / "home"


@pytest.mark.parametrize(
    "path", ["sub/f.txt", "./sub//f.txt", "/home/user/sub/f.txt", "sub/../sub/f.txt"]
)
def test_paths_inside_resolve(home: Path, path: str) -> None:
    assert read(home, path) == b"inside"


def test_the_real_home_path_is_accepted_too(home: Path) -> None:
    assert read(home, f"{home}/sub/f.txt") == b"inside"


@pytest.mark.parametrize(
    "path", ["../secret", "sub/../../secret", "/etc/passwd", "/home/user2/x", "/home"]
)
def test_paths_outside_are_refused(home: Path, path: str) -> None:
    with pytest.raises(PermissionError):
        read(home, path)
    with pytest.raises(PermissionError):
        write(home, path, b"x")


@pytest.mark.parametrize(
    "target", ["../secret", "/etc/passwd", "/", "sub/../../secret", "/home/user/../secret"]
)
def test_symlinks_out_are_refused(home: Path, target: str) -> None:
    (home / "link").symlink_to(target)
    with pytest.raises(PermissionError):
        read(home, "link")
    with pytest.raises(PermissionError):
        write(home, "link", b"pwned")
    assert (home.parent / "secret").read_bytes() == b"outside"


def test_a_symlinked_directory_out_is_refused(home: Path) -> None:
    (home / "up").symlink_to("..")
    with pytest.raises(PermissionError):
        read(home, "up/secret")
    with pytest.raises(PermissionError):
        write(home, "up/new", b"x")
    assert not (home.parent / "new").exists()


def test_symlinks_inside_are_followed(home: Path) -> None:
    (home / "rel").symlink_to("sub/f.txt")
    (home / "abs").symlink_to("/home/user/sub")
    assert read(home, "rel") == b"inside"
    assert read(home, "abs/f.txt") == b"inside"
    write(home, "abs/new.txt", b"via link")
    assert (home / "sub" / "new.txt").read_bytes() == b"via link"


def test_symlink_loops_end(home: Path) -> None:
    (home / "a").symlink_to("b")
    (home / "b").symlink_to("a")
    with pytest.raises(PermissionError, match="too many symlinks"):
        read(home, "a")


def test_missing_directory_and_not_a_directory(home: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read(home, "nope.txt")
    with pytest.raises(FileNotFoundError):
        read(home, "sub/f.txt/below")
    with pytest.raises(IsADirectoryError):
        read(home, "sub")
    with pytest.raises(IsADirectoryError):
        write(home, "sub", b"x")
    with pytest.raises(IsADirectoryError):
        read(home, "")


def test_writing_below_a_file_fails(home: Path) -> None:
    with pytest.raises(NotADirectoryError):
        write(home, "sub/f.txt/below", b"x")


def test_write_creates_parents(home: Path) -> None:
    write(home, "a/b/c.bin", bytes(range(256)))
    assert (home / "a" / "b" / "c.bin").read_bytes() == bytes(range(256))


def test_kind_follows_symlinks_inside_like_test_d(home: Path) -> None:
    (home / "to_sub").symlink_to("sub")
    (home / "to_file").symlink_to("/home/user/sub/f.txt")
    os.mkfifo(home / "pipe")
    kinds = {p: kind_in_home(str(home), VIRTUAL, p) for p in ["sub", "to_sub", "sub/f.txt"]}
    assert kinds == {"sub": "dir", "to_sub": "dir", "sub/f.txt": "file"}
    assert kind_in_home(str(home), VIRTUAL, "to_file") == "file"
    assert kind_in_home(str(home), VIRTUAL, "pipe") == "other"
    assert kind_in_home(str(home), VIRTUAL, VIRTUAL) == "dir"


def test_kind_of_missing_paths_is_none(home: Path) -> None:
    for path in ["nope", "nope/deeper", "sub/f.txt/below"]:
        assert kind_in_home(str(home), VIRTUAL, path) is None


def test_kind_refuses_paths_leading_out(home: Path) -> None:
    (home / "out").symlink_to(home.parent)
    for path in ["../secret", "/etc", "out/secret"]:
        with pytest.raises(PermissionError):
            kind_in_home(str(home), VIRTUAL, path)


def test_remove_deletes_files_and_whole_trees(home: Path) -> None:
    (home / "tree" / "a" / "b").mkdir(parents=True)
    (home / "tree" / "a" / "b" / "c").write_bytes(b"x")
    assert remove_in_home(str(home), VIRTUAL, "/home/user/tree")
    assert remove_in_home(str(home), VIRTUAL, "sub/f.txt")
    assert not (home / "tree").exists()
    assert not (home / "sub" / "f.txt").exists()
    assert not remove_in_home(str(home), VIRTUAL, "tree")  # already gone: nothing to do
    assert not remove_in_home(str(home), VIRTUAL, "missing/parent/x")


def test_remove_takes_a_symlink_not_its_target(home: Path) -> None:
    (home / "link_to_sub").symlink_to("sub")
    (home / "link_out").symlink_to(home.parent / "secret")
    assert remove_in_home(str(home), VIRTUAL, "link_to_sub")
    assert remove_in_home(str(home), VIRTUAL, "link_out")
    assert (home / "sub" / "f.txt").read_bytes() == b"inside"
    assert (home.parent / "secret").read_bytes() == b"outside"


def test_remove_never_reaches_out_or_takes_the_home(home: Path) -> None:
    (home / "out").symlink_to(home.parent)
    for path in ["../secret", "out/secret", "/tmp"]:
        with pytest.raises(PermissionError):
            remove_in_home(str(home), VIRTUAL, path)
    for path in ["", VIRTUAL, "sub/.."]:
        with pytest.raises(PermissionError, match="home itself"):
            remove_in_home(str(home), VIRTUAL, path)
    assert (home.parent / "secret").read_bytes() == b"outside"
    assert (home / "sub" / "f.txt").exists()
