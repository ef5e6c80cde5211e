"""The fallback: honest about not isolating, but still a separate unprivileged user."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from runloop_nb.local.sandbox import Limits, create_sandbox

from ._helpers import agent_sandbox, run
from .conftest import MakeSandbox

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="a dedicated uid needs a root server")


@needs_root
async def test_commands_run_as_a_dedicated_unprivileged_uid(
    make_sandbox: MakeSandbox, base_dir: Path
) -> None:
    sandbox = await make_sandbox("unsandboxed")
    secret = base_dir / "secret.txt"
    secret.write_text("root only")
    secret.chmod(0o600)
    status, out, err = await run(sandbox, f"id -u; cat {secret}")
    uid = int(out.split()[0])
    assert uid == agent_sandbox(sandbox).identity.uid >= 200_000
    assert status != 0
    assert b"Permission denied" in err


@needs_root
async def test_two_devboxes_get_different_uids(make_sandbox: MakeSandbox) -> None:
    first = await make_sandbox("unsandboxed")
    second = await make_sandbox("unsandboxed")
    assert agent_sandbox(first).identity.uid != agent_sandbox(second).identity.uid


async def test_it_does_not_pretend_to_isolate(make_sandbox: MakeSandbox) -> None:
    sandbox = await make_sandbox("unsandboxed")
    assert sandbox.mode == "unsandboxed"
    status, out, _ = await run(sandbox, "ls / | grep -c .")
    assert status == 0
    assert int(out) > 5  # the host's root directory, as it is


@needs_root
async def test_an_unreachable_root_is_refused_with_a_hint(tmp_path: Path) -> None:
    # pytest's tmp_path sits under a 0700 directory: the devbox uid could not enter it.
    sandbox = create_sandbox("dbx_hidden", tmp_path / "dbx", limits=Limits(), mode="unsandboxed")
    with pytest.raises(RuntimeError, match="chmod o\\+x"):
        await sandbox.start()
    assert not sandbox.alive()
    await sandbox.shutdown()
