"""Open, inspect or remove a file by a user-given path without ever leaving the devbox's home
(stdlib only).

The path is resolved one component at a time from a directory fd (openat-style) with
``O_NOFOLLOW``: ``..`` may not climb above the home; symlinks are resolved by hand, and an
absolute target is allowed only under the home (as ``/home/user/...`` or the home's real path).
A component swapped for a symlink between the check and the open makes the open fail
(ELOOP/ENOTDIR), so a race cannot escape either. Used by the exec agent inside the devbox.
"""

from __future__ import annotations

import errno
import os
import stat
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: the agent starts without typing
    from collections.abc import Callable
    from typing import TypeVar

    T = TypeVar("T")

_MAX_SYMLINKS = 40
_DIR_FLAGS = os.O_PATH | os.O_NOFOLLOW | os.O_DIRECTORY


def open_in_home(home: str, virtual_home: str, path: str, *, write: bool) -> int:
    """An fd of ``path`` (relative to the home, or absolute under it) opened to read or write.

    For ``write`` missing parents are created and the file is created or truncated.

    Raises:
        PermissionError: the path (or a symlink on it) leads outside the home.
        FileNotFoundError: it does not exist (reading; also when a parent is a file).
        NotADirectoryError: a parent is a file (writing).
        IsADirectoryError: it is a directory.
    """

    def leaf(name: str, dir_fd: int, info: os.stat_result | None) -> int:
        return _open_leaf(name, dir_fd, info, write)

    return _resolve(home, virtual_home, path, leaf, write=write, follow_leaf=True)


def kind_in_home(home: str, virtual_home: str, path: str) -> str | None:
    """``"dir"``, ``"file"`` or ``"other"`` for ``path`` (symlinks followed, as ``test -d``
    does), None when it does not exist.

    Raises:
        PermissionError: the path (or a symlink on it) leads outside the home.
    """

    def leaf(_name: str, _dir_fd: int, info: os.stat_result | None) -> str | None:
        if info is None:
            return None
        if stat.S_ISDIR(info.st_mode):
            return "dir"
        return "file" if stat.S_ISREG(info.st_mode) else "other"

    try:
        return _resolve(home, virtual_home, path, leaf, write=False, follow_leaf=True)
    except IsADirectoryError:  # the home itself
        return "dir"
    except FileNotFoundError:  # a parent is missing or a file
        return None


def remove_in_home(home: str, virtual_home: str, path: str) -> bool:
    """Remove ``path`` like ``rm -rf``: a symlink itself, not its target; False if absent.

    Raises:
        PermissionError: the path leads outside the home, or is the home itself.
    """

    def leaf(name: str, dir_fd: int, info: os.stat_result | None) -> bool:
        if info is None:
            return False
        if stat.S_ISDIR(info.st_mode):
            import shutil  # only here: it costs the agent ~2 ms of start-up

            shutil.rmtree(name, dir_fd=dir_fd)  # fd-based: a swapped-in symlink is not followed
        else:
            os.unlink(name, dir_fd=dir_fd)
        return True

    try:
        return _resolve(home, virtual_home, path, leaf, write=False, follow_leaf=False)
    except IsADirectoryError:
        raise PermissionError(errno.EPERM, "the devbox home itself cannot be removed") from None
    except FileNotFoundError:
        return False


def _resolve(
    home: str,
    virtual_home: str,
    path: str,
    leaf: Callable[[str, int, os.stat_result | None], T],
    *,
    write: bool,
    follow_leaf: bool,
) -> T:
    pending = _split(path, home, virtual_home)
    depth = 0
    for part in pending:  # refuse a path that climbs out on its face, whether or not it exists
        depth += -1 if part == ".." else 1
        if depth < 0:
            raise PermissionError(errno.EACCES, f"{path!r} leads outside the devbox home")
    stack = [os.open(home, _DIR_FLAGS)]
    try:
        return _walk(stack, pending, home, virtual_home, leaf, write, follow_leaf)
    finally:
        for fd in stack:
            os.close(fd)


def _split(path: str, home: str, virtual_home: str) -> list[str]:
    if path.startswith("/"):
        for prefix in (virtual_home, home):
            if path == prefix or path.startswith(prefix.rstrip("/") + "/"):
                path = path[len(prefix) :]
                break
        else:
            raise PermissionError(
                errno.EACCES, f"{path!r} is outside the devbox home {virtual_home}"
            )
    return [part for part in path.split("/") if part not in ("", ".")]


def _walk(
    stack: list[int],
    pending: list[str],
    home: str,
    virtual_home: str,
    leaf: Callable[[str, int, os.stat_result | None], T],
    write: bool,
    follow_leaf: bool,
) -> T:
    links = 0
    while pending:
        name = pending.pop(0)
        if name == "..":
            if len(stack) == 1:
                raise PermissionError(errno.EACCES, "'..' leads outside the devbox home")
            os.close(stack.pop())
            continue
        info = _lstat(name, stack[-1])
        if info is not None and stat.S_ISLNK(info.st_mode) and (pending or follow_leaf):
            links += 1
            if links > _MAX_SYMLINKS:
                raise PermissionError(errno.ELOOP, "too many symlinks on the path")
            target = os.readlink(name, dir_fd=stack[-1])
            if target.startswith("/"):
                while len(stack) > 1:  # an absolute target restarts from the home
                    os.close(stack.pop())
            pending[:0] = _split(target, home, virtual_home)
            continue
        if not pending:
            return leaf(name, stack[-1], info)
        stack.append(_enter(name, stack[-1], info, write))
    raise IsADirectoryError(errno.EISDIR, "the path is the home directory itself")


def _lstat(name: str, dir_fd: int) -> os.stat_result | None:
    try:
        return os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return None


def _enter(name: str, dir_fd: int, info: os.stat_result | None, write: bool) -> int:
    if info is None:
        if not write:
            raise FileNotFoundError(errno.ENOENT, f"no such directory: {name!r}")
        os.mkdir(name, 0o755, dir_fd=dir_fd)
    elif not stat.S_ISDIR(info.st_mode):
        error = NotADirectoryError if write else FileNotFoundError  # reading: "no such file"
        raise error(errno.ENOTDIR, f"{name!r} is not a directory")
    try:
        return os.open(name, _DIR_FLAGS, dir_fd=dir_fd)
    except OSError as exc:  # swapped for a symlink since the check
        raise PermissionError(errno.EACCES, f"{name!r} changed while resolving") from exc


def _open_leaf(name: str, dir_fd: int, info: os.stat_result | None, write: bool) -> int:
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, f"{name!r} is a directory")
    if info is None and not write:
        raise FileNotFoundError(errno.ENOENT, f"no such file: {name!r}")
    flags = os.O_NOFOLLOW | os.O_CLOEXEC
    flags |= (os.O_WRONLY | os.O_CREAT | os.O_TRUNC) if write else os.O_RDONLY
    try:
        return os.open(name, flags, 0o644, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise PermissionError(errno.EACCES, f"{name!r} changed while resolving") from exc
        raise
