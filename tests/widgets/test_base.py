"""The widget base: tasks on the running loop, busy controls, errors shown and raised, cancel."""

from __future__ import annotations

import asyncio
import logging

import ipywidgets as w
import pytest

from runloop_nb.client import RunloopClient
from runloop_nb.errors import APIConnectionError, NotFoundError
from runloop_nb.widgets import Actions, StatusLine, WidgetBase, describe_error

from .conftest import closed_port_url


class Panel(WidgetBase):
    """The smallest widget: a button that reads one benchmark from the real server."""

    def __init__(self, client: RunloopClient) -> None:
        super().__init__()
        self.client = client
        self.button = w.Button(description="Load")
        self.other = w.Text()
        self.gate = asyncio.Event()
        self.loaded: list[str] = []
        self.actions.on_click(self.button, "loading", self._load, controls=[self.other])
        self.children = [self.button, self.other, self.status]

    async def _load(self) -> None:
        await self.gate.wait()
        page = await self.client.api.benchmarks.list_public(limit=1)
        self.loaded.append(page[0].name)


async def test_a_click_runs_on_the_loop_with_the_controls_off_until_it_ends(
    client: RunloopClient,
) -> None:
    panel = Panel(client)
    panel.button.click()
    # Scheduled, not run: the callback returned at once and the controls are off.
    assert panel.busy
    assert (panel.button.disabled, panel.other.disabled) == (True, True)
    assert panel.status.state == "busy"
    assert "loading" in panel.status.value
    panel.gate.set()
    await panel.wait_idle()
    assert len(panel.loaded) == 1
    assert (panel.button.disabled, panel.other.disabled) == (False, False)
    assert panel.status.state == "idle"
    assert not panel.busy


async def test_a_control_that_was_off_stays_off(client: RunloopClient) -> None:
    panel = Panel(client)
    panel.other.disabled = True
    panel.gate.set()
    panel.button.click()
    await panel.wait_idle()
    assert (panel.button.disabled, panel.other.disabled) == (False, True)


async def test_an_error_shows_in_the_widget_is_logged_and_raised_by_wait_idle(
    client: RunloopClient, caplog: pytest.LogCaptureFixture
) -> None:
    status = StatusLine()
    actions = Actions(status)
    button = w.Button()

    async def missing() -> None:
        await client.api.benchmarks.retrieve("bmd_does_not_exist")

    actions.on_click(button, "opening the benchmark", missing)
    with caplog.at_level(logging.ERROR, logger="runloop_nb.widgets"):
        button.click()
        with pytest.raises(NotFoundError):
            await actions.wait_idle()
    assert status.state == "error"
    assert status.text.startswith("opening the benchmark failed: ")
    assert "bmd_does_not_exist" in status.text
    assert "<details>" in status.value  # the traceback, folded
    assert [r.message for r in caplog.records] == ["opening the benchmark failed"]
    # Not a dead widget: the button is back and the next click works.
    assert not button.disabled
    await actions.wait_idle()  # the error was raised once, not twice


async def test_a_second_action_after_an_error_runs(client: RunloopClient) -> None:
    actions = Actions(StatusLine())
    calls: list[int] = []

    async def fail() -> None:
        raise ValueError("boom")

    async def succeed() -> None:
        calls.append(1)

    actions.start("first", fail)
    await actions.wait_idle(raise_errors=False)
    assert actions.status.state == "error"
    assert "this is a bug" in actions.status.text
    actions.start("second", succeed)
    with pytest.raises(ValueError, match="boom"):
        await actions.wait_idle()
    assert calls == [1]
    assert actions.status.state == "idle"


async def test_cancel_cancels_the_task_and_restores_the_controls() -> None:
    actions = Actions(StatusLine())
    button = w.Button()
    started = asyncio.Event()
    unwound = asyncio.Event()

    async def forever() -> None:
        started.set()
        try:
            await asyncio.Event().wait()
        finally:
            unwound.set()

    actions.on_click(button, "waiting", forever)
    button.click()
    await started.wait()
    assert actions.cancel() == 1
    await actions.wait_idle()
    assert unwound.is_set()
    assert not button.disabled
    assert actions.status.text == "waiting: cancelled"
    assert actions.errors == []


def test_without_a_running_loop_the_widget_says_so() -> None:
    actions = Actions(StatusLine())
    assert actions.start("loading", asyncio.sleep) is None
    assert actions.status.state == "error"
    assert "no running event loop" in actions.status.text
    assert not actions.busy


def test_an_unreachable_local_server_says_how_to_start_it() -> None:
    exc = APIConnectionError("refused", method="GET", url="http://127.0.0.1:9/v1/benchmarks")
    what, todo = describe_error(exc)
    assert what == "the server is not reachable: start it with `runloop-nb serve`"
    assert todo.startswith("then retry")
    remote = APIConnectionError("refused", method="GET", url="https://api.example.com/v1/x")
    assert describe_error(remote)[0] == "the server at api.example.com is not reachable"


async def test_an_unreachable_server_reads_well_in_the_widget() -> None:
    # A port nothing listens on: the real connection error, through the real client.
    async with RunloopClient(api_key="k", base_url=closed_port_url(), max_retries=0) as dead:
        actions = Actions(StatusLine())

        async def load() -> None:
            await dead.api.benchmarks.list_public()

        actions.start("loading benchmarks", load)
        with pytest.raises(APIConnectionError):
            await actions.wait_idle()
    assert actions.status.text.startswith(
        "loading benchmarks failed: the server is not reachable: start it with `runloop-nb serve`;"
    )
