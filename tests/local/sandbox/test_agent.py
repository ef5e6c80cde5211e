"""Exec semantics, as Runloop has them, in both modes: a fresh login shell per command."""

from __future__ import annotations

import asyncio

import pytest

from runloop_nb.local.sandbox import Sandbox

from ._helpers import agent_sandbox, outputs, pids_with, run


async def test_exit_codes_and_split_output(sandbox: Sandbox) -> None:
    status, out, err = await run(sandbox, "echo out; echo err >&2; exit 7")
    assert (status, out, err) == (7, b"out\n", b"err\n")
    assert (await run(sandbox, "true"))[0] == 0
    assert (await run(sandbox, "kill -TERM $$"))[0] == 128 + 15


async def test_output_is_byte_exact(sandbox: Sandbox) -> None:
    await sandbox.write_file("all.bin", bytes(range(256)) * 3)
    status, out, err = await run(sandbox, "cat all.bin; cat all.bin >&2")
    assert status == 0
    assert out == err == bytes(range(256)) * 3


async def test_each_command_is_a_fresh_login_shell_in_the_home(sandbox: Sandbox) -> None:
    await sandbox.write_file(".profile", b"export FROM_PROFILE=yes\n")
    await run(sandbox, "cd /tmp; export GONE=1")
    status, out, _ = await run(
        sandbox,
        'shopt -q login_shell && echo login; pwd; echo "$HOME"; echo "${GONE:-x}" $FROM_PROFILE',
    )
    home = "/home/user" if sandbox.mode == "bwrap" else str(sandbox.home)
    assert status == 0
    assert out.decode().split("\n") == ["login", home, home, "x yes", ""]


async def test_env_is_passed(sandbox: Sandbox) -> None:
    status, out, _ = await run(sandbox, 'printf %s "$GREETING"', env={"GREETING": "hi there $x"})
    assert (status, out) == (0, b"hi there $x")


async def test_stdin_is_empty_unless_attached(sandbox: Sandbox) -> None:
    status, out, _ = await run(sandbox, "cat; echo end")
    assert (status, out) == (0, b"end\n")


async def test_stdin_text_then_eof(sandbox: Sandbox) -> None:
    await sandbox.exec(
        "reader", "while read -r line; do echo got:$line; done; echo eof", attach_stdin=True
    )
    assert await sandbox.send_stdin("reader", "one\n")
    assert await sandbox.send_stdin("reader", "two\n", eof=True)
    assert await sandbox.wait("reader", 10) == 0
    assert outputs(sandbox, "reader")[0] == b"got:one\ngot:two\neof\n"
    assert not await sandbox.send_stdin("reader", "late")


async def test_send_stdin_to_an_unattached_execution_fails(sandbox: Sandbox) -> None:
    await sandbox.exec("plain", "sleep 5")
    assert not await sandbox.send_stdin("plain", "x")
    await sandbox.kill("plain")


async def test_wait_times_out_while_running(sandbox: Sandbox) -> None:
    await sandbox.exec("slow", "sleep 30")
    assert await sandbox.wait("slow", 0.2) is None
    assert sandbox.exit_status("slow") is None
    await sandbox.kill("slow")
    assert sandbox.exit_status("slow") == 137


async def test_the_agent_answers_a_wait_when_the_command_ends(sandbox: Sandbox) -> None:
    """The host waits by a call the agent answers once ``exit`` is written (no polling)."""
    agent = agent_sandbox(sandbox)
    await sandbox.exec("gated", "read line; exit 3", attach_stdin=True)
    reply, _ = await agent._call({"op": "wait", "id": "gated", "timeout": 0.05})
    assert reply == {"ok": True, "done": False, "size": 0}
    waiting = asyncio.ensure_future(
        agent._call({"op": "wait", "id": "gated", "timeout": 30}, timeout=35)
    )
    assert await sandbox.send_stdin("gated", "go\n", eof=True)
    reply, _ = await waiting
    assert reply["done"] is True
    assert sandbox.exit_status("gated") == 3  # written before the agent answered
    reply, _ = await agent._call({"op": "wait", "id": "unknown", "timeout": 1})
    assert reply["ok"] is False


async def test_background_process_outlives_its_command(sandbox: Sandbox) -> None:
    status, _, _ = await run(sandbox, "sleep 300 >/dev/null 2>&1 &", env={"TOKEN": "bg"})
    assert status == 0
    status, out, _ = await run(sandbox, "pgrep -x sleep >/dev/null && echo seen")
    assert (status, out) == (0, b"seen\n")
    assert len(pids_with("bg")) == 1


async def test_kill_ends_setsid_children_too(sandbox: Sandbox) -> None:
    command = "sh -c 'sleep 1000 & setsid sleep 1001 & wait'"
    await sandbox.exec("tree", command, env={"TOKEN": "tree"})
    for _ in range(100):
        if len(pids_with("tree")) >= 3:  # sh (bash exec()s it) and the two sleeps
            break
        await asyncio.sleep(0.02)
    assert len(pids_with("tree")) >= 3
    await sandbox.kill("tree")
    assert sandbox.exit_status("tree") == 137
    assert pids_with("tree") == set()


async def test_kill_of_a_finished_execution_is_harmless(sandbox: Sandbox) -> None:
    assert (await run(sandbox, "true"))[0] == 0
    await sandbox.kill("nope")


async def test_execution_ids_are_checked(sandbox: Sandbox) -> None:
    with pytest.raises(ValueError, match="must match"):
        await sandbox.exec("../escape", "true")
    await sandbox.exec("once", "true")
    with pytest.raises(ValueError, match="already used"):
        await sandbox.exec("once", "true")


async def test_exec_needs_a_running_devbox(sandbox: Sandbox) -> None:
    await sandbox.suspend()
    with pytest.raises(RuntimeError, match="not running"):
        await sandbox.exec("late", "true")


async def test_many_commands_at_once(sandbox: Sandbox) -> None:
    ids = [f"c{i}" for i in range(20)]
    await asyncio.gather(*(sandbox.exec(i, f"echo {i}") for i in ids))
    statuses = await asyncio.gather(*(sandbox.wait(i, 20) for i in ids))
    assert statuses == [0] * 20
    assert [outputs(sandbox, i)[0] for i in ids] == [f"{i}\n".encode() for i in ids]
