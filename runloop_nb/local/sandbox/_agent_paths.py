"""Open a file by a user-given path without ever leaving the devbox's home (stdlib only).

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
    pending = _split(path, home, virtual_home)
    depth = 0
    for part in pending:  # refuse a path that climbs out on its face, whether or not it exists
        depth += -1 if part == ".." else 1
        if depth < 0:
            raise PermissionError(errno.EACCES, f"{path!r} leads outside the devbox home")
    stack = [os.open(home, _DIR_FLAGS)]
    try:
        return _walk(stack, pending, home, virtual_home, write)
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


def _walk(stack: list[int], pending: list[str], home: str, virtual_home: str, write: bool) -> int:
    links = 0
    while pending:
        name = pending.pop(0)
        if name == "..":
            if len(stack) == 1:
                raise PermissionError(errno.EACCES, "'..' leads outside the devbox home")
            os.close(stack.pop())
            continue
        info = _lstat(name, stack[-1])
        if info is not None and stat.S_ISLNK(info.st_mode):
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
            return _open_leaf(name, stack[-1], info, write)
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
