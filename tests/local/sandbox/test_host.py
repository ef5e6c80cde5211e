"""Files, snapshots and the lifecycle of a devbox, in both modes."""

from __future__ import annotations

import asyncio
import hashlib
import os
import signal
import tarfile
from pathlib import Path

import pytest

from runloop_nb.local.sandbox import Sandbox, SandboxFailed, SandboxMode

from ._helpers import agent_sandbox, pids_of_uid, pids_with, run, until
from .conftest import MakeSandbox


async def test_file_round_trip_binary(sandbox: Sandbox) -> None:
    data = bytes(range(256)) * 1000
    await sandbox.write_file("dir/deeper/data.bin", data)
    assert await sandbox.read_file("dir/deeper/data.bin") == data
    assert await sandbox.read_file("/home/user/dir/deeper/data.bin") == data
    status, out, _ = await run(sandbox, "sha256sum < dir/deeper/data.bin | cut -c1-16")
    assert status == 0
    assert out.decode().strip() == hashlib.sha256(data).hexdigest()[:16]


async def test_written_files_belong_to_the_devbox_user(sandbox: Sandbox) -> None:
    await sandbox.write_file("mine.txt", b"x")
    status, out, _ = await run(sandbox, "stat -c %u mine.txt; id -u")
    owner, me = out.split()
    assert status == 0
    assert owner == me
    if sandbox.mode == "bwrap":
        assert me == b"1000"
    assert (sandbox.home / "mine.txt").stat().st_uid == agent_sandbox(sandbox).identity.uid


async def test_write_replaces(sandbox: Sandbox) -> None:
    await sandbox.write_file("f", b"long content")
    await sandbox.write_file("f", b"short")
    assert await sandbox.read_file("f") == b"short"


async def test_missing_and_directory(sandbox: Sandbox) -> None:
    with pytest.raises(FileNotFoundError):
        await sandbox.read_file("missing.txt")
    await sandbox.write_file("d/x", b"")
    with pytest.raises(IsADirectoryError):
        await sandbox.read_file("d")
    with pytest.raises(IsADirectoryError):
        await sandbox.write_file("d", b"x")
    with pytest.raises(NotADirectoryError):
        await sandbox.write_file("d/x/below", b"x")


@pytest.mark.parametrize("path", ["../ctl/run/x", "/etc/passwd", "a/../../../x", "/root/x"])
async def test_paths_out_of_the_home_are_refused(sandbox: Sandbox, path: str) -> None:
    with pytest.raises(PermissionError):
        await sandbox.read_file(path)
    with pytest.raises(PermissionError):
        await sandbox.write_file(path, b"x")
    with pytest.raises(PermissionError):
        await sandbox.path_kind(path)
    with pytest.raises(PermissionError):
        await sandbox.remove(path)


async def test_path_kind_and_remove_without_a_shell(sandbox: Sandbox) -> None:
    await sandbox.write_file("tree/a/b.txt", b"x")
    status, _, _ = await run(sandbox, "ln -s tree link && mkfifo pipe")
    assert status == 0
    kinds = [await sandbox.path_kind(p) for p in ("tree", "link", "tree/a/b.txt", "pipe", "no")]
    assert kinds == ["dir", "dir", "file", "other", None]
    assert await sandbox.remove("link")  # the link, not the tree it points to
    assert await sandbox.path_kind("tree/a/b.txt") == "file"
    assert await sandbox.remove("/home/user/tree")
    assert await sandbox.path_kind("tree") is None
    assert not await sandbox.remove("tree")
    with pytest.raises(PermissionError, match="home itself"):
        await sandbox.remove("/home/user")


async def test_write_file_sets_the_mode_asked_for(sandbox: Sandbox) -> None:
    await sandbox.write_file("tool.sh", b"#!/bin/sh\necho ran\n", mode=0o755)
    await sandbox.write_file("plain.txt", b"x")
    status, out, _ = await run(sandbox, "stat -c %a tool.sh plain.txt && ./tool.sh")
    assert (status, out) == (0, b"755\n644\nran\n")


async def test_symlinks_planted_by_the_user_do_not_lead_out(
    sandbox: Sandbox, base_dir: Path
) -> None:
    secret = base_dir / "host-secret"
    secret.write_bytes(b"host only")
    plant = f"ln -s /etc/passwd pw; ln -s / root; ln -s .. up; ln -s {secret} sec"
    assert (await run(sandbox, plant))[0] == 0
    for path in ("pw", "root/etc/passwd", "up/ctl/uid", "sec"):
        with pytest.raises(PermissionError):
            await sandbox.read_file(path)
        with pytest.raises(PermissionError):
            await sandbox.write_file(path, b"pwned")
    assert secret.read_bytes() == b"host only"


async def test_an_exit_symlink_planted_by_the_user_is_not_followed(
    make_sandbox: MakeSandbox,
) -> None:
    # Only the unsandboxed mode's commands can reach the execution directories (bwrap devboxes
    # do not have them mounted: tests/local/sandbox/test_output_integrity.py).
    sandbox = await make_sandbox("unsandboxed")
    inside = str(sandbox.root / "ctl" / "exec")
    plant = f"ln -s /etc/hostname {inside}/$RUNLOOP_NB_EXEC_ID/exit && sleep 30"
    await sandbox.exec("planted", plant)
    link = sandbox.exec_dir("planted") / "exit"
    for _ in range(200):
        if link.is_symlink():
            break
        await asyncio.sleep(0.01)
    assert link.is_symlink()
    assert sandbox.exit_status("planted") is None  # the host did not read /etc/hostname
    await sandbox.kill("planted")
    assert sandbox.exit_status("planted") == 137  # the agent replaced the link


async def test_shutdown_leaves_no_process_and_no_disk(
    make_sandbox: MakeSandbox, mode: SandboxMode
) -> None:
    sandbox = await make_sandbox(mode)
    await sandbox.exec(
        "bg", "sleep 1000 & setsid sleep 1001 & (sleep 1002 &) ; sleep 1003", env={"TOKEN": "sd"}
    )
    await until(lambda: len(pids_with("sd")) >= 4)
    uid = agent_sandbox(sandbox).identity.uid
    await sandbox.shutdown()
    assert pids_with("sd") == set()
    if uid != os.getuid():
        assert pids_of_uid(uid, zombies=True) == set()  # all dead and reaped
    assert not sandbox.alive()
    assert sandbox.exit_status("bg") is None  # the root is gone with its records
    assert not sandbox.root.exists()


async def test_shutdown_can_keep_the_disk(make_sandbox: MakeSandbox, mode: SandboxMode) -> None:
    sandbox = await make_sandbox(mode)
    await sandbox.write_file("keep.txt", b"kept")
    await sandbox.exec("bg", "sleep 1000")
    await sandbox.shutdown(keep_disk=True)
    assert (sandbox.home / "keep.txt").read_bytes() == b"kept"
    assert sandbox.exit_status("bg") == 137


async def test_suspend_stops_processes_and_start_resumes_with_the_disk(
    make_sandbox: MakeSandbox, mode: SandboxMode
) -> None:
    sandbox = await make_sandbox(mode)
    await sandbox.write_file("state.txt", b"before")
    await sandbox.exec("bg", "sleep 1000", env={"TOKEN": "susp"})
    await until(lambda: bool(pids_with("susp")))
    await sandbox.suspend()
    assert not sandbox.alive()
    assert pids_with("susp") == set()
    assert sandbox.exit_status("bg") == 137
    assert await sandbox.wait("bg", 1) == 137
    with pytest.raises(RuntimeError, match="not running"):
        await sandbox.read_file("state.txt")
    await sandbox.start()
    assert sandbox.alive()
    assert await sandbox.read_file("state.txt") == b"before"
    assert (await run(sandbox, "cat state.txt"))[:2] == (0, b"before")


async def test_a_crashed_devbox_is_seen_and_its_executions_end(
    make_sandbox: MakeSandbox, mode: SandboxMode
) -> None:
    sandbox = await make_sandbox(mode)
    await sandbox.exec("cut", "sleep 1000")
    launcher = agent_sandbox(sandbox).launcher_pid
    assert launcher is not None
    os.kill(launcher, signal.SIGKILL)  # as if the launcher crashed
    assert await sandbox.wait("cut", 5) == 137
    assert not sandbox.alive()


async def test_snapshot_restores_into_a_new_devbox(
    make_sandbox: MakeSandbox, mode: SandboxMode, base_dir: Path
) -> None:
    source = await make_sandbox(mode)
    await sandbox_setup(source)
    archive = base_dir / "snapshots" / "snap.tar.gz"
    size = await source.snapshot(archive)
    assert size == archive.stat().st_size > 0
    with tarfile.open(archive) as tar:
        assert "./project/code.py" in tar.getnames()
    copy = await make_sandbox(mode, snapshot=archive)
    assert await copy.read_file("project/code.py") == b"print('hi')\n"
    status, out, _ = await run(
        copy, "readlink project/link; test -x project/run.sh && python3 project/code.py"
    )
    assert (status, out) == (0, b"code.py\nhi\n")
    await copy.write_file("project/code.py", b"changed")
    assert await source.read_file("project/code.py") == b"print('hi')\n"


async def sandbox_setup(sandbox: Sandbox) -> None:
    await sandbox.write_file("project/code.py", b"print('hi')\n")
    setup = "cd project && ln -s code.py link && printf '#!/bin/sh\\n' > run.sh && chmod +x run.sh"
    assert (await run(sandbox, setup))[0] == 0


@pytest.mark.skipif(os.geteuid() != 0, reason="without root the devbox user is the server user")
async def test_output_files_cannot_be_swapped_for_symlinks(make_sandbox: MakeSandbox) -> None:
    sandbox = await make_sandbox("unsandboxed")  # bwrap: see test_output_integrity.py
    inside = str(sandbox.root / "ctl" / "exec")
    swap = (
        f"cd {inside}/$RUNLOOP_NB_EXEC_ID || exit 9; echo before; ln -s /etc/hostname s; "
        "mv -f s stdout; rm -f stderr; ls -l stdout | cut -c1"
    )
    status, out, _ = await run(sandbox, swap)
    assert status == 0
    assert out == b"before\n-\n"  # still a regular file: the swap and the removal failed


async def test_a_call_to_a_stopped_agent_fails_at_once_with_a_reason(
    make_sandbox: MakeSandbox, mode: SandboxMode
) -> None:
    sandbox = await make_sandbox(mode)
    agent_sandbox(sandbox)._watchdog.cancel()  # type: ignore[union-attr]  # the call must notice
    # The command stops its agent only after the exec call was answered: on a cue from here.
    await sandbox.exec("freeze", "mkfifo cue && read line < cue && kill -STOP $PPID")
    await until((sandbox.home / "cue").exists)
    await asyncio.to_thread((sandbox.home / "cue").write_text, "go\n")
    await until(agent_sandbox(sandbox)._agent_stopped)
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(SandboxFailed, match="stopped from inside the devbox"):
        await sandbox.write_file("late.txt", b"x")
    assert loop.time() - started < 5  # not the 60 s the call may take
    assert not sandbox.alive()
    assert sandbox.failure_reason == "execution_failed"
    assert sandbox.exit_status("freeze") == 137
