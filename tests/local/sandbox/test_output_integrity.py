"""A bwrap devbox cannot write its own output or exit status ("caps that can be bypassed").

Before, the execution directories were bound into the devbox at ``/run/ctl/exec``: a command could
append to its own ``stdout`` past the 64 MiB cap (419 MB came back) or write another execution's
``exit``. Now they are not mounted at all; the agent reaches them through an fd, and it is
non-dumpable, so commands (same uid) can neither open its fds through /proc nor ptrace it.
"""

from __future__ import annotations

from runloop_nb.local.sandbox import Sandbox

from ._helpers import outputs, run
from .conftest import MakeSandbox

#: ptrace(PTRACE_ATTACH) of the agent (the parent of the command's shell); prints the errno.
_PTRACE = (
    "python3 -c 'import ctypes, os; libc = ctypes.CDLL(None, use_errno=True); "
    'r = libc.ptrace(16, os.getppid(), 0, 0); print("ptrace", r, ctypes.get_errno())\''
)


async def test_a_command_cannot_append_to_its_own_output(make_sandbox: MakeSandbox) -> None:
    box: Sandbox = await make_sandbox("bwrap")
    where = "/run/ctl/exec/$RUNLOOP_NB_EXEC_ID"
    attack = f"head -c 100000 /dev/zero >> {where}/stdout 2>/dev/null; echo 0 > {where}/exit"
    attack += "; echo done"
    status, out, _ = await run(box, attack)
    assert (status, out) == (0, b"done\n")  # only what the command printed, through the agent


async def test_the_execution_directories_are_not_in_the_devbox(make_sandbox: MakeSandbox) -> None:
    box = await make_sandbox("bwrap")
    status, out, _ = await run(box, "grep -c /ctl /proc/self/mountinfo; ls -d /run/ctl")
    assert status == 2  # ls found nothing
    assert out == b"0\n"  # no mount of the server's control directory


async def test_the_agents_fds_and_memory_are_out_of_reach(make_sandbox: MakeSandbox) -> None:
    box = await make_sandbox("bwrap")
    await box.exec("victim", "sleep 30")  # an execution whose output files the agent holds open
    attack = (
        "ls /proc/$PPID/fd >/dev/null 2>&1 && echo fds-listed; "
        "for f in /proc/$PPID/fd/*; do echo spoofed >> $f; done 2>/dev/null; "
        f"{_PTRACE}"
    )
    status, out, _ = await run(box, attack)
    assert status == 0
    assert out == b"ptrace -1 1\n"  # EPERM, and the fd table could not even be listed
    await box.kill("victim")
    assert outputs(box, "victim") == (b"", b"")  # nothing got into another execution's output
