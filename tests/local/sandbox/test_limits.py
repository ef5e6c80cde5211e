"""launch_parameters -> Limits, and each limit holding against a hostile command."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from runloop_nb.local.sandbox import (
    OUTPUT_CAP_BYTES,
    Limits,
    Sandbox,
    SandboxMode,
    limits_from_launch_parameters,
)

from ._helpers import agent_sandbox, outputs, pids_with, run, until
from .conftest import SMALL, MakeSandbox


@pytest.mark.parametrize(
    ("size", "cpus", "memory_mb", "disk_mb"),
    [
        ("X_SMALL", 0.5, 1024, 4096),
        ("SMALL", 1, 2048, 4096),
        ("MEDIUM", 2, 4096, 8192),
        ("LARGE", 2, 8192, 16384),
        ("X_LARGE", 4, 16384, 16384),
        ("XX_LARGE", 8, 32768, 16384),
    ],
)
def test_named_sizes_follow_runloop(size: str, cpus: float, memory_mb: int, disk_mb: int) -> None:
    limits = limits_from_launch_parameters({"resource_size_request": size})
    assert (limits.cpus, limits.memory_mb, limits.disk_mb) == (cpus, memory_mb, disk_mb)


def test_no_parameters_mean_medium() -> None:
    assert limits_from_launch_parameters(None) == limits_from_launch_parameters({})
    assert limits_from_launch_parameters(None).memory_mb == 4096


def test_custom_size() -> None:
    limits = limits_from_launch_parameters(
        {
            "resource_size_request": "CUSTOM_SIZE",
            "custom_cpu_cores": 4,
            "custom_gb_memory": 16,
            "custom_disk_size": 32,
        }
    )
    assert (limits.cpus, limits.memory_mb, limits.disk_mb) == (4.0, 16384, 32768)
    assert limits.max_file_mb == 1024


@pytest.mark.parametrize(
    ("lp", "message"),
    [
        ({"resource_size_request": "HUGE"}, "must be one of"),
        ({"resource_size_request": "CUSTOM_SIZE", "custom_cpu_cores": 3}, "custom_cpu_cores"),
        ({"resource_size_request": "CUSTOM_SIZE", "custom_gb_memory": 3}, "custom_gb_memory"),
        ({"resource_size_request": "CUSTOM_SIZE", "custom_disk_size": 70}, "custom_disk_size"),
        ({"resource_size_request": "CUSTOM_SIZE", "custom_cpu_cores": "2"}, "must be a number"),
        ({"resource_size_request": "CUSTOM_SIZE", "custom_gb_memory": True}, "must be a number"),
        (
            {"resource_size_request": "CUSTOM_SIZE", "custom_cpu_cores": 8, "custom_gb_memory": 4},
            "between 1:2 and 1:8",
        ),
        ({"resource_size_request": "SMALL", "custom_gb_memory": 4}, "CUSTOM_SIZE"),
    ],
)
def test_invalid_parameters_say_what_is_allowed(lp: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        limits_from_launch_parameters(lp)


# ---- limits enforced on real processes --------------------------------------------------


async def test_memory_hog_fails_and_the_devbox_lives_on(
    make_sandbox: MakeSandbox, mode: SandboxMode
) -> None:
    sandbox = await make_sandbox(mode, limits=Limits(memory_mb=256, max_processes=64))
    status, _, err = await run(sandbox, "python3 -c 'b = bytearray(1024 ** 3); print(len(b))'")
    assert status == 1
    assert b"MemoryError" in err
    assert (await run(sandbox, "echo alive"))[:2] == (0, b"alive\n")


async def test_fork_bomb_is_bounded_and_killable(
    make_sandbox: MakeSandbox, mode: SandboxMode
) -> None:
    sandbox = await make_sandbox(mode)
    if not _nproc_limited(sandbox):
        pytest.skip("without root the unsandboxed mode cannot give a devbox its own process limit")
    other = await make_sandbox(mode)
    await sandbox.exec("bomb", "bomb() { bomb | bomb & }; bomb", env={"TOKEN": "bomb"})
    counts: list[int] = []
    deadline = asyncio.get_running_loop().time() + 20
    while asyncio.get_running_loop().time() < deadline:  # until it has hit the limit for a while
        counts.append(len(pids_with("bomb")))
        if sum(c >= SMALL.max_processes // 2 for c in counts) >= 20:
            break
        await asyncio.sleep(0.02)
    assert max(counts) >= SMALL.max_processes // 2  # it really forked: the limit was reached
    assert max(counts) <= SMALL.max_processes  # and never passed
    assert (await run(other, "echo fine"))[:2] == (0, b"fine\n")
    await sandbox.kill("bomb")
    assert sandbox.exit_status("bomb") is not None
    assert pids_with("bomb") == set()
    assert (await run(sandbox, "/bin/echo after")) == (0, b"after\n", b"")  # it can fork again


async def test_endless_printer_stops_at_the_output_cap(
    make_sandbox: MakeSandbox, mode: SandboxMode
) -> None:
    sandbox = await make_sandbox(mode)
    other = await make_sandbox(mode)
    await sandbox.exec("printer", "yes 0123456789abcdef")
    assert (await run(other, "echo fine"))[:2] == (0, b"fine\n")
    status = await sandbox.wait("printer", 30)
    assert status == 128 + 13  # SIGPIPE once the agent stops reading
    stdout, _ = outputs(sandbox, "printer")
    assert len(stdout) == OUTPUT_CAP_BYTES
    assert stdout.startswith(b"0123456789abcdef\n")


async def test_disk_filler_stops_the_devbox_out_of_disk(
    make_sandbox: MakeSandbox, mode: SandboxMode
) -> None:
    sandbox = await make_sandbox(mode, limits=Limits(disk_mb=24, max_file_mb=16))
    other = await make_sandbox(mode)
    filler = "for i in $(seq 1 50); do head -c 8M /dev/zero > f$i; sleep 0.05; done; echo done"
    await sandbox.exec("filler", filler)
    assert await sandbox.wait("filler", 20) == 137
    assert sandbox.failure_reason == "out_of_disk"
    for _ in range(200):  # the watchdog may still be tearing the devbox down
        if not sandbox.alive():
            break
        await asyncio.sleep(0.01)
    assert not sandbox.alive()
    stdout, _ = outputs(sandbox, "filler")
    assert b"done" not in stdout
    assert (await run(other, "echo fine"))[:2] == (0, b"fine\n")


async def test_output_counts_against_the_disk_limit(
    make_sandbox: MakeSandbox, mode: SandboxMode
) -> None:
    # Output lands on host disk (under the 64 MiB cap per stream): without counting it, many
    # executions could fill the host's disk from a devbox with a small disk_mb.
    sandbox = await make_sandbox(mode, limits=Limits(disk_mb=24, max_file_mb=16))
    await sandbox.exec("printer", "head -c 40M /dev/zero; sleep 30")
    assert await sandbox.wait("printer", 20) == 137
    assert sandbox.failure_reason == "out_of_disk"


async def test_one_file_cannot_exceed_max_file_mb(sandbox: Sandbox) -> None:
    status, _, _ = await run(sandbox, "head -c 40M /dev/zero > big")
    assert status == 128 + 25  # SIGXFSZ
    assert (sandbox.home / "big").stat().st_size == SMALL.max_file_mb * 1024 * 1024


def _nproc_limited(sandbox: Sandbox) -> bool:
    return sandbox.mode == "bwrap" or agent_sandbox(sandbox).identity.switch


needs_cgroups = pytest.mark.skipif(
    os.geteuid() != 0 or not Path("/sys/fs/cgroup/cpu/cgroup.procs").exists(),
    reason="per-devbox cgroups need a root server and cgroup v1 controllers",
)
BUSY_ONE_SECOND = (
    "import os, time\nstart = time.time()\nwhile time.time() - start < 1: pass\n"
    "print(os.times().user + os.times().system)\n"
)


@needs_cgroups
async def test_cpu_quota_holds_a_busy_loop_to_its_share(
    make_sandbox: MakeSandbox, mode: SandboxMode
) -> None:
    sandbox = await make_sandbox(mode, limits=Limits(cpus=0.5))
    assert agent_sandbox(sandbox).cgroups.controllers == ["cpu", "memory", "pids"]
    await sandbox.write_file("busy.py", BUSY_ONE_SECOND.encode())
    status, out, _ = await run(sandbox, "python3 busy.py")
    assert status == 0
    assert float(out) < 0.75  # half a core for one second of wall time


@needs_cgroups
async def test_total_memory_is_capped_across_processes(
    make_sandbox: MakeSandbox, mode: SandboxMode
) -> None:
    sandbox = await make_sandbox(mode, limits=Limits(memory_mb=256))
    # Each process stays under the per-process RLIMIT_AS; together they exceed the devbox.
    hog = "python3 -c 'b = bytearray(150 * 2**20); import time; time.sleep(1)'"
    status, out, _ = await run(sandbox, f"{hog} & {hog} & wait -n; echo $?; wait -n; echo $?")
    assert status == 0
    assert "137" in out.decode().split()  # the kernel's OOM killer ended one of them
    assert (await run(sandbox, "echo alive"))[:2] == (0, b"alive\n")


@needs_cgroups
async def test_cgroups_are_removed_with_the_devbox(make_sandbox: MakeSandbox) -> None:
    sandbox = await make_sandbox("bwrap")
    directories = list(agent_sandbox(sandbox).cgroups.directories)
    assert directories
    assert all(d.is_dir() for d in directories)
    await sandbox.shutdown()
    assert not any(d.exists() for d in directories)


@needs_cgroups
async def test_the_pids_group_lists_every_process_of_the_devbox(make_sandbox: MakeSandbox) -> None:
    sandbox = await make_sandbox("bwrap")
    await sandbox.exec("bg", "setsid sleep 300 & sleep 301", env={"TOKEN": "grouped"})
    await until(lambda: len(pids_with("grouped")) >= 2)
    members = agent_sandbox(sandbox).cgroups.members()
    assert members is not None
    assert pids_with("grouped") <= members  # a setsid child too: no process leaves the group
    await sandbox.shutdown()
    assert pids_with("grouped") == set()
