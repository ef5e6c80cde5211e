"""The control channel cannot be redirected from inside a devbox (the confused-deputy finding).

Before, the agent's socket lived in a directory the devbox owned: code inside could remove it
(the server lost the devbox) or put another socket, or a link to another devbox's agent, in its
place (the root server then read and wrote the other devbox's files for it). Now the server
makes the socket in a directory only it can enter and hands the agent the listening fd.
"""

from __future__ import annotations

import os

import pytest

from runloop_nb.local.sandbox import Sandbox

from ._helpers import agent_sandbox, run
from .conftest import MakeSandbox

IMPOSTER = (
    'python3 -c \'import socket; s = socket.socket(socket.AF_UNIX); s.bind("{path}"); '
    's.listen(); print("imposter")\''
)


def _attack(path: str) -> str:
    return f"rm -rf {path}; mkdir -p $(dirname {path}); {IMPOSTER.format(path=path)}; true"


async def test_a_bwrap_devbox_cannot_touch_its_agents_socket(make_sandbox: MakeSandbox) -> None:
    box: Sandbox = await make_sandbox("bwrap")
    _, out, _ = await run(box, "find / -name agent.sock -not -path '/proc/*' 2>/dev/null")
    assert out == b""  # the socket is nowhere in the devbox
    await run(box, _attack("/run/ctl/run/agent.sock"))  # where it used to be
    await box.write_file("mine.txt", b"still mine")
    status, out, _ = await run(box, "cat mine.txt")
    assert (status, out) == (0, b"still mine")  # the server still talks to the real agent
    assert await box.read_file("mine.txt") == b"still mine"


@pytest.mark.skipif(os.geteuid() != 0, reason="a devbox uid of its own needs a root server")
async def test_an_unsandboxed_devbox_cannot_replace_the_socket_either(
    make_sandbox: MakeSandbox,
) -> None:
    box = await make_sandbox("unsandboxed")
    socket_path = box.root / "ctl" / "sock" / "agent.sock"
    status, _, _ = await run(box, f"rm -f {socket_path} || exit 3; ls {socket_path.parent}")
    assert status == 3  # its uid cannot enter the server's directory
    assert socket_path.exists()
    status, out, _ = await run(box, "echo alive")
    assert (status, out) == (0, b"alive\n")


async def test_two_devboxes_each_reach_their_own_agent(make_sandbox: MakeSandbox) -> None:
    one, two = await make_sandbox("bwrap"), await make_sandbox("bwrap")
    await one.write_file("who.txt", b"one")
    await two.write_file("who.txt", b"two")
    await run(one, _attack("/run/ctl/run/agent.sock"))
    assert await one.read_file("who.txt") == b"one"
    assert await two.read_file("who.txt") == b"two"


async def test_calls_reuse_connections_and_a_call_given_up_leaves_no_stale_reply(
    sandbox: Sandbox,
) -> None:
    channel = agent_sandbox(sandbox)._running()
    for _ in range(5):
        reply, _ = await channel.call({"op": "ping"})
    assert len(channel._idle) == 1  # five calls in a row went over one connection
    await sandbox.exec("held", "sleep 30")
    with pytest.raises(TimeoutError):  # the agent would answer this wait only after 2 s
        await channel.call({"op": "wait", "id": "held", "timeout": 2}, timeout=0.2)
    assert channel._idle == []  # that connection was closed, not given back
    reply, _ = await channel.call({"op": "ping"})
    assert set(reply) == {"ok", "pid", "size"}  # the ping's own answer, not the wait's
    await sandbox.write_file("f.txt", b"x" * 100_000)
    assert await sandbox.read_file("f.txt") == b"x" * 100_000
    await sandbox.kill("held")
