"""Devbox cgroups: groups a crashed server left are swept; hosts without them are told so."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

import pytest

from runloop_nb.local.sandbox import _cgroups
from runloop_nb.local.sandbox._cgroups import (
    CGROUP_ROOT,
    PARENT,
    cgroups_usable,
    limits_note,
    sweep_leftover_cgroups,
)

needs_cgroups = pytest.mark.skipif(
    not cgroups_usable(root_server=os.geteuid() == 0),
    reason="devbox cgroups need a root server and cgroup v1 cpu/memory/pids controllers",
)


def _group(controller: str, name: str, *, age: float) -> Path:
    directory = CGROUP_ROOT / controller / PARENT / name
    directory.mkdir(parents=True)
    then = time.time() - age
    os.utime(directory, (then, then))
    return directory


@needs_cgroups
def test_empty_old_groups_are_removed_and_busy_or_new_ones_kept() -> None:
    tag = uuid.uuid4().hex[:8]
    leftover = _group("pids", f"dbx_left_{tag}", age=3600)
    fresh = _group("pids", f"dbx_fresh_{tag}", age=0)
    busy = _group("pids", f"dbx_busy_{tag}", age=3600)
    child = os.fork()
    if child == 0:  # a process of a live devbox (another server's, say): it blocks until killed
        (busy / "cgroup.procs").write_text(str(os.getpid()))
        os.kill(os.getpid(), 19)  # SIGSTOP
        os._exit(0)
    try:
        for _ in range(500):
            if (busy / "cgroup.procs").read_text().strip():
                break
            time.sleep(0.01)
        assert (busy / "cgroup.procs").read_text().split() == [str(child)]
        removed = sweep_leftover_cgroups()
        assert leftover in removed
        assert not leftover.exists()
        assert fresh.exists()
        assert busy.exists()
    finally:
        os.kill(child, 9)
        os.waitpid(child, 0)
        for directory in (fresh, busy):
            for _ in range(200):
                try:
                    directory.rmdir()
                    break
                except OSError:
                    time.sleep(0.01)


def test_without_cgroups_the_note_says_what_is_not_capped(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert "not root" in limits_note(root_server=False)
    assert "not the cpu or the total memory" in limits_note(root_server=False)
    (tmp_path / "cgroup.controllers").write_text("cpu memory pids\n")  # a v2-only host
    monkeypatch.setattr(_cgroups, "CGROUP_ROOT", tmp_path)
    assert not cgroups_usable(root_server=True)
    assert "cgroup v2-only host" in limits_note(root_server=True)


@needs_cgroups
def test_with_cgroups_the_note_names_them() -> None:
    assert limits_note(root_server=True).startswith("cgroup v1 limits")
