"""Interrupting `devbox.cmd.exec` kills the command in a REAL devbox of a real local server.

The server is uvicorn serving the real app in this test's loop (tests/support/devbox_harness.py);
devboxes are real bwrap sandboxes. Cancelling the task that awaits the exec is what a notebook's
Kernel → Interrupt does.
"""

from __future__ import annotations

import asyncio
import re
import traceback
from collections.abc import AsyncIterator

import pytest
from support.devbox_harness import TOKEN, LiveServer, data_dir, live

from runloop_nb.client import Devbox, RunloopClient
from runloop_nb.errors import CommandTimeoutError

__all__ = ["data_dir", "live"]  # fixtures used by the tests below

pytestmark = pytest.mark.slow
SLEEPER = "sleep 30"
# A process whose command line is exactly `sleep 30` (`pgrep` itself does not match).
SLEEPING = "pgrep -x sleep -a | grep -c 'sleep 30$' || true"


@pytest.fixture
async def devbox(live: LiveServer) -> AsyncIterator[Devbox]:
    async with RunloopClient(api_key=TOKEN, base_url=live.url) as client:
        box = await client.devbox.create()
        yield box
        await box.shutdown()


async def sleepers(devbox: Devbox) -> int:
    result = await devbox.cmd.exec(SLEEPING)
    return int((await result.stdout()).strip())


async def started_sleeper(devbox: Devbox) -> asyncio.Task[object]:
    task = asyncio.ensure_future(devbox.cmd.exec(SLEEPER))
    while await sleepers(devbox) == 0:  # each check is a round trip to the devbox
        assert not task.done(), task
    return task


def execution_id_in(notes: list[str]) -> str:
    found = re.search(r"execution (\S+) \('sleep 30'\) on devbox \S+; it was killed", notes[0])
    assert found, notes
    return found.group(1)


async def test_cancelled_exec_kills_its_command(
    devbox: Devbox, caplog: pytest.LogCaptureFixture
) -> None:
    task = await started_sleeper(devbox)
    task.cancel()
    with pytest.raises(asyncio.CancelledError) as caught:
        await task
    execution_id = execution_id_in(caught.value.__notes__)
    assert execution_id in caplog.text
    shown = "".join(traceback.format_exception(caught.value))
    assert shown.count("\n") < 30, shown  # not 200 lines through httpx and anyio
    assert "httpx" not in shown
    view = await devbox.api.executions.retrieve(execution_id, devbox_id=devbox.id)
    assert (view.status, view.exit_status) == ("completed", 137)
    assert await sleepers(devbox) == 0


async def test_wait_for_times_out_and_kills_the_command(devbox: Devbox) -> None:
    with pytest.raises(TimeoutError) as caught:
        # The command never ends by itself; 5 s leaves room for the start on a loaded machine.
        await asyncio.wait_for(devbox.cmd.exec(SLEEPER), 5)
    # asyncio builds the TimeoutError itself; what timed out is on the cancellation it wraps.
    chain: list[BaseException] = []
    cause: BaseException | None = caught.value
    while cause is not None:
        chain.append(cause)
        cause = cause.__cause__ or cause.__context__
    notes = [note for exc in chain for note in getattr(exc, "__notes__", [])]
    execution_id = execution_id_in(notes)
    view = await devbox.api.executions.retrieve(execution_id, devbox_id=devbox.id)
    assert view.exit_status == 137
    assert await sleepers(devbox) == 0


async def test_exec_timeout_names_the_command_and_kills_it(devbox: Devbox) -> None:
    with pytest.raises(CommandTimeoutError) as caught:
        await devbox.cmd.exec(SLEEPER, timeout=2)
    error = caught.value
    assert isinstance(error, TimeoutError)  # `except TimeoutError` catches it too
    assert error.killed
    assert str(error).startswith(
        f"'sleep 30' (execution {error.execution_id} on devbox {devbox.id}) did not end within 2 s"
    )
    view = await devbox.api.executions.retrieve(error.execution_id, devbox_id=devbox.id)
    assert view.exit_status == 137
    assert await sleepers(devbox) == 0


async def test_exec_within_its_timeout_returns_its_result(devbox: Devbox) -> None:
    result = await devbox.cmd.exec("echo done", timeout=30)
    assert (result.exit_code, (await result.stdout()).strip()) == (0, "done")
