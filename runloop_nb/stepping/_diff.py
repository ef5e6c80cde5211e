"""File diffs between steps, computed on the client from listings and fetched contents.

The working tree is listed after every step (size and sha256 of each file, see `_shell`), and the
contents of small files are kept on the client, so the diff needs no git in the devbox and no
copy of the tree inside it. A text file (UTF-8, no NUL) gets a unified diff; a binary file, or
one larger than `KEEP_LIMIT` (whose old contents are not kept), gets sizes and hashes only.
"""

from __future__ import annotations

import difflib
import io
import tarfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

#: Files up to this size have their contents kept (for text diffs); larger ones: size/hash only.
KEEP_LIMIT = 512 * 1024
#: A step's text diffs stop after this many characters (the record says it was cut).
DIFF_LIMIT = 64 * 1024

Status = Literal["new", "changed", "deleted"]


@dataclass(frozen=True)
class FileChange:
    """One file a step added, changed or deleted (paths relative to the working directory)."""

    path: str
    status: Status
    binary: bool
    size_before: int | None
    size_after: int | None
    sha256_before: str | None
    sha256_after: str | None
    diff: str | None = None  # unified diff for text files; None for binaries

    def to_dict(self) -> dict[str, Any]:
        """The JSON form kept in trajectories."""
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FileChange:
        """The inverse of `to_dict`."""
        return cls(
            path=str(data["path"]),
            status=data["status"],
            binary=bool(data.get("binary")),
            size_before=data.get("size_before"),
            size_after=data.get("size_after"),
            sha256_before=data.get("sha256_before"),
            sha256_after=data.get("sha256_after"),
            diff=data.get("diff"),
        )

    def key(self) -> tuple[str, str, str | None]:
        """What a replay must reproduce: the path, what happened, and the new contents' hash."""
        return (self.path, self.status, self.sha256_after)


@dataclass
class Tree:
    """The working tree as last seen: every file's (size, sha256) and small files' bytes."""

    files: dict[str, tuple[int, str]] = field(default_factory=dict)
    contents: dict[str, bytes] = field(default_factory=dict)

    def wanted(self, listing: Mapping[str, tuple[int, str]]) -> list[str]:
        """Paths of `listing` whose bytes must be fetched: new or changed, and small enough."""
        return sorted(
            path
            for path, (size, digest) in listing.items()
            if size <= KEEP_LIMIT and self.files.get(path, (None, None))[1] != digest
        )

    def advance(
        self, listing: Mapping[str, tuple[int, str]], fetched: Mapping[str, bytes]
    ) -> list[FileChange]:
        """The changes from this tree to `listing` (+ the fetched bytes); then become it."""
        changes = [
            self._change(path, listing.get(path), fetched)
            for path in sorted(set(self.files) | set(listing))
            if self.files.get(path) != listing.get(path)
        ]
        for path in set(self.files) - set(listing):
            self.contents.pop(path, None)
        for path, (size, _) in listing.items():
            if path in fetched:
                self.contents[path] = fetched[path]
            elif size > KEEP_LIMIT:
                self.contents.pop(path, None)
        self.files = dict(listing)
        return _bounded(changes)

    def _change(
        self, path: str, now: tuple[int, str] | None, fetched: Mapping[str, bytes]
    ) -> FileChange:
        was = self.files.get(path)
        status: Status = "new" if was is None else "deleted" if now is None else "changed"
        old = self.contents.get(path, b"") if was is not None else b""
        new = fetched.get(path, b"") if now is not None else b""
        known = (was is None or path in self.contents) and (now is None or path in fetched)
        text = known and _is_text(old) and _is_text(new)
        return FileChange(
            path=path,
            status=status,
            binary=not text,
            size_before=was[0] if was else None,
            size_after=now[0] if now else None,
            sha256_before=was[1] if was else None,
            sha256_after=now[1] if now else None,
            diff=_unified(path, old, new, status) if text else None,
        )


def untar(data: bytes) -> dict[str, bytes]:
    """The regular files of a tar archive, by path (no leading ./)."""
    found = {}
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        for member in archive.getmembers():
            if member.isfile():
                extracted = archive.extractfile(member)
                if extracted is not None:
                    name = member.name[2:] if member.name.startswith("./") else member.name
                    found[name] = extracted.read()
    return found


def render(changes: list[FileChange]) -> str:
    """All of a step's changes as one text: the unified diffs, and a line per binary."""
    parts = []
    for change in changes:
        if change.diff is not None:
            parts.append(change.diff)
        else:
            parts.append(
                f"{change.status} {change.path} (binary or large): "
                f"{change.size_before} -> {change.size_after} bytes, "
                f"sha256 {(change.sha256_before or '-')[:12]} -> "
                f"{(change.sha256_after or '-')[:12]}\n"
            )
    return "".join(parts)


def _is_text(data: bytes) -> bool:
    if b"\0" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _unified(path: str, old: bytes, new: bytes, status: Status) -> str:
    before = "/dev/null" if status == "new" else f"a/{path}"
    after = "/dev/null" if status == "deleted" else f"b/{path}"
    lines = difflib.unified_diff(
        old.decode().splitlines(keepends=True),
        new.decode().splitlines(keepends=True),
        fromfile=before,
        tofile=after,
    )
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                   for line in lines)  # fmt: skip


def _bounded(changes: list[FileChange]) -> list[FileChange]:
    budget = DIFF_LIMIT
    out = []
    for change in changes:
        if change.diff is not None and len(change.diff) > budget:
            cut = change.diff[: max(budget, 0)] + "... (diff cut: see the devbox for the rest)\n"
            change = FileChange(**{**change.__dict__, "diff": cut})
        budget -= len(change.diff or "")
        out.append(change)
    return out
