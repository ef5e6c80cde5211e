"""Finding a devbox's processes without scanning every process of the host."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from runloop_nb.local.sandbox._agent_procs import children, descendants, host_pid_of, proc_table

# A child that starts a grandchild, prints its pid and waits: a launcher and its agent in small.
TREE = (
    "import subprocess, sys, time\n"
    "g = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
    "print(g.pid, flush=True)\n"
    "time.sleep(60)\n"
)


@pytest.fixture
def tree() -> Iterator[tuple[int, int]]:
    launcher = subprocess.Popen([sys.executable, "-c", TREE], stdout=subprocess.PIPE, text=True)
    assert launcher.stdout is not None
    grandchild = int(launcher.stdout.readline())
    yield launcher.pid, grandchild
    os.kill(grandchild, 9)
    launcher.kill()
    launcher.wait()


def test_children_lists_direct_children_only(tree: tuple[int, int]) -> None:
    launcher, grandchild = tree
    assert children(launcher) == [grandchild]
    assert children(grandchild) == []
    assert launcher in (children(os.getpid()) or [])
    assert descendants(proc_table(), [launcher]) == {grandchild}  # what the scan would say


def test_children_of_a_gone_process_is_empty() -> None:
    gone = subprocess.Popen(["true"])
    gone.wait()
    assert children(gone.pid) == []


def test_host_pid_of_finds_the_descendant_by_its_namespace_pid(tree: tuple[int, int]) -> None:
    launcher, grandchild = tree
    # Without a pid namespace of their own, a process's namespace pid is its host pid.
    assert host_pid_of(launcher, grandchild) == grandchild
    assert host_pid_of(launcher, launcher) == launcher
    assert host_pid_of(launcher, 999_999_999) is None
