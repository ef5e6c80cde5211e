"""Clicks in a REAL kernel, with and without the user having applied nest_asyncio.

The kernel is ipykernel started by jupyter_client (as JupyterLab starts it). The clicks are what
the browser sends: `comm_msg`s to the buttons' models, on the shell channel, between cells.
Two clicks on two widgets are sent back to back (overlapping clicks are what nest_asyncio loses
when a package applies it and blocks in a callback); both must run.
"""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from jupyter_client.asynchronous.client import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager

from runloop_nb.local import ServerInfo

pytestmark = pytest.mark.slow
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture
async def kernel() -> AsyncIterator[AsyncKernelClient]:
    manager = AsyncKernelManager(kernel_name="python3")
    await manager.start_kernel(env=dict(os.environ))
    client = manager.client()
    client.start_channels()
    try:
        await client.wait_for_ready(timeout=120)
        yield client
    finally:
        client.stop_channels()
        await manager.shutdown_kernel(now=True)


async def run_cell(kernel: AsyncKernelClient, code: str) -> str:
    """Execute `code`; its stdout (an error in the cell fails the test)."""
    msg_id = kernel.execute(code)
    out: list[str] = []
    while True:
        msg = await kernel.get_iopub_msg(timeout=120)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "error":
            pytest.fail(ANSI.sub("", "\n".join(content["traceback"])))
        if kind == "stream" and content["name"] == "stdout":
            out.append(content["text"])
        if kind == "status" and content["execution_state"] == "idle":
            return "".join(out)


def click(kernel: AsyncKernelClient, model_id: str) -> None:
    """What the browser sends when a Button is clicked."""
    content: dict[str, Any] = {
        "comm_id": model_id,
        "data": {"method": "custom", "content": {"event": "click"}},
    }
    msg = kernel.session.msg("comm_msg", content)
    kernel.shell_channel.send(msg)


SETUP = """
import asyncio
from runloop_nb.client import RunloopClient
from runloop_nb.widgets import BenchmarkBrowser, ScenarioPicker
client = RunloopClient(api_key={token!r}, base_url={url!r})
humaneval = (await client.api.benchmarks.list_public(search="humaneval"))[0]
browser = BenchmarkBrowser(client, page_size=1)
picker = ScenarioPicker(client)
picker.show_benchmark(humaneval)
await asyncio.gather(browser.wait_idle(), picker.wait_idle())
print(browser.next_button.model_id, picker.next_button.model_id, picker.page_label.value)
"""

CHECK = """
await asyncio.gather(browser.wait_idle(), picker.wait_idle())
print(browser.model.pages.index, picker.page_label.value, picker.status.state, browser.status.state)
"""


@pytest.mark.parametrize("nest_asyncio_applied", [False, True], ids=["plain", "nest_asyncio"])
async def test_browser_clicks_run_as_tasks_in_a_real_kernel(
    kernel: AsyncKernelClient,
    local_server: tuple[Path, ServerInfo],
    nest_asyncio_applied: bool,
) -> None:
    _, info = local_server
    if nest_asyncio_applied:
        await run_cell(kernel, "import nest_asyncio\nnest_asyncio.apply()")
    setup = await run_cell(kernel, SETUP.format(token=info.token, url=info.url))
    browser_next, picker_next, label = setup.split(maxsplit=2)
    assert label.strip() == "page 1 of 9 (164 scenarios)"

    click(kernel, browser_next)
    click(kernel, picker_next)  # right behind the first: both must run
    checked = await run_cell(kernel, CHECK)
    assert checked.strip() == "1 page 2 of 9 (164 scenarios) idle idle"

    # The package never applies nest_asyncio itself.
    applied = await run_cell(kernel, "import asyncio; print(hasattr(asyncio, '_nest_patched'))")
    assert applied.strip() == str(nest_asyncio_applied)
