"""What a bwrap devbox cannot reach: host files, the repository, host /tmp, host network."""

from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path

import pytest

from runloop_nb.local.sandbox import Limits, Sandbox, create_sandbox

from ._helpers import agent_sandbox, run
from .conftest import MakeSandbox

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
async def box(make_sandbox: MakeSandbox) -> Sandbox:
    return await make_sandbox("bwrap")


async def test_a_root_only_host_file_cannot_be_read(box: Sandbox, base_dir: Path) -> None:
    secret = base_dir / "secret.txt"
    secret.write_text("host secret")
    secret.chmod(0o600)
    status, out, _ = await run(box, f"cat {secret}; cat /proc/1/root{secret}")
    assert status != 0
    assert b"host secret" not in out


async def test_the_repository_is_not_visible(box: Sandbox) -> None:
    assert (REPO / "pyproject.toml").exists()
    status, out, _ = await run(box, f"ls {REPO}; ls /work; cat {REPO}/pyproject.toml")
    assert status != 0
    assert out == b""


async def test_tmp_is_private(box: Sandbox) -> None:
    name = f"/tmp/rnb-probe-{uuid.uuid4().hex}"
    status, out, _ = await run(box, f"echo inside > {name} && cat {name}")
    assert (status, out) == (0, b"inside\n")
    assert not _on_host(name)


async def test_the_host_network_is_not_reachable(box: Sandbox) -> None:
    connected = asyncio.Event()

    async def on_connect(_r: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connected.set()
        writer.close()

    server = await asyncio.start_server(on_connect, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    probe = f"import socket; socket.create_connection(('127.0.0.1', {port}), timeout=2)"
    async with server:
        status, _, err = await run(box, f'python3 -c "{probe}"')
    assert status != 0
    assert b"ConnectionRefusedError" in err
    assert not connected.is_set()


async def test_loopback_inside_works(box: Sandbox) -> None:
    serve = "python3 -m http.server 8123 --bind 127.0.0.1 >/dev/null 2>&1 &"
    get = "import urllib.request as u; print(u.urlopen('http://127.0.0.1:8123/').status)"
    assert (await run(box, serve))[0] == 0
    command = f'for i in $(seq 50); do python3 -c "{get}" 2>/dev/null && break; sleep 0.1; done'
    status, out, _ = await run(box, command)
    assert (status, out) == (0, b"200\n")


async def test_no_privilege_and_few_processes_inside(box: Sandbox) -> None:
    command = "id -u; hostname; grep CapEff /proc/self/status; ls /proc | grep -c '^[0-9]'"
    status, out, _ = await run(box, command)
    uid, hostname, caps, count = out.decode().splitlines()
    assert (status, uid, hostname) == (0, "1000", "devbox")
    assert caps.split() == ["CapEff:", "0000000000000000"]
    assert int(count) < 10  # the agent, its init and this command: not the host's processes


async def test_only_needed_parts_of_etc(box: Sandbox) -> None:
    probe = "for f in shadow gshadow sudoers; do test -e /etc/$f && echo visible:$f; done"
    status, out, _ = await run(box, f"{probe}; getent passwd user; git --version")
    lines = out.decode().splitlines()
    assert status == 0
    assert lines[0] == "user:x:1000:1000:user:/home/user:/bin/bash"  # no host user shown
    assert lines[1].startswith("git version")
    assert len(lines) == 2  # nothing "visible:"


async def test_the_login_profile_sets_debians_path_without_running_id(box: Sandbox) -> None:
    # An `id` first on PATH would be run by Debian's own /etc/profile, at every command.
    await box.write_file("bin/id", b"#!/bin/sh\ntouch /home/user/id-ran\necho 1000\n", mode=0o755)
    status, out, _ = await run(box, 'echo "$PATH"', env={"PATH": "/home/user/bin:/usr/bin:/bin"})
    assert (status, out) == (0, b"/usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games\n")
    assert await box.path_kind("id-ran") is None
    status, out, _ = await run(box, "PS1='$ ' sh -lc 'echo \"$PATH\"'")  # sh has no EUID: id runs
    assert (status, out.decode().strip()) == (
        0,
        "/usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games",
    )


async def test_host_side_runs_as_the_devbox_uid(box: Sandbox) -> None:
    identity = agent_sandbox(box).identity
    if os.geteuid() == 0:
        assert identity.switch
        assert identity.uid >= 200_000
        assert box.home.stat().st_uid == identity.uid
    launcher = agent_sandbox(box).launcher_pid
    assert os.stat(f"/proc/{launcher}").st_uid == identity.uid


def _on_host(path: str) -> bool:
    return os.path.lexists(path)


async def test_a_failed_start_says_why_and_leaves_nothing(base_dir: Path) -> None:
    sandbox = create_sandbox("dbx_broken", base_dir / "dbx_broken", limits=Limits(), mode="bwrap")
    sandbox.home.rmdir()
    sandbox.home.write_text("a file where the home should be")
    with pytest.raises(RuntimeError, match=r"did not start: launcher said: .*Not a directory"):
        await sandbox.start()
    assert not sandbox.alive()
    assert agent_sandbox(sandbox).cgroups.directories == []
    await sandbox.shutdown()


async def test_no_nested_user_namespaces(box: Sandbox) -> None:
    status, _, err = await run(box, "unshare -U true")
    assert status != 0
    assert b"unshare failed" in err
    assert (await run(box, "echo still-fine"))[:2] == (0, b"still-fine\n")
