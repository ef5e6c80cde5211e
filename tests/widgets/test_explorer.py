"""Explorer and runloop_nb.explore(): the tabs hand a benchmark, then a selection, along."""

from __future__ import annotations

from pathlib import Path

import pytest

import runloop_nb
from runloop_nb.client import RunloopClient
from runloop_nb.errors import APIConnectionError
from runloop_nb.local import ServerInfo
from runloop_nb.widgets import Explorer

from .conftest import closed_port_url


async def test_open_a_benchmark_then_pick_scenarios_for_the_launcher(
    client: RunloopClient,
) -> None:
    app = Explorer(client)
    await app.wait_idle()
    assert app.tabs.titles == ("Benchmarks", "Scenarios", "Run", "Scores", "Step")
    humaneval = next(r for r in app.browser.table.rows if r["cells"][0] == "humaneval")
    app.browser.table.active = humaneval["id"]
    app.browser.open_button.click()
    assert app.tabs.selected_index == 1
    await app.wait_idle()
    assert app.picker.page_label.value == "page 1 of 9 (164 scenarios)"
    app.picker.table.selected = [row["id"] for row in app.picker.table.rows[:2]]
    assert app.launcher.model.scenarios == list(app.picker.model.selected.values())
    assert "2 scenario(s) of humaneval" in app.launcher.chosen.value
    assert app.scoreboard.tracker is app.launcher.model.tracker


async def test_explore_connects_to_the_local_server_of_the_data_dir(
    local_server: tuple[Path, ServerInfo], monkeypatch: pytest.MonkeyPatch
) -> None:
    home, info = local_server
    monkeypatch.setenv("RUNLOOP_NB_HOME", str(home))
    monkeypatch.delenv("RUNLOOP_API_KEY", raising=False)
    monkeypatch.delenv("RUNLOOP_BASE_URL", raising=False)
    app = runloop_nb.explore()
    try:
        assert isinstance(app, Explorer)
        assert app.client.base_url.rstrip("/") == info.url.rstrip("/")
        await app.wait_idle()
        assert app.browser.table.rows
        assert info.url.rstrip("/") in app.header.value
    finally:
        await app.client.aclose()


UNREACHABLE = "the server is not reachable: start it with `runloop-nb serve`"


async def test_explore_on_an_unreachable_server_says_how_to_start_it() -> None:
    async with RunloopClient(api_key="k", base_url=closed_port_url(), max_retries=0) as dead:
        app = runloop_nb.explore(dead)
        with pytest.raises(APIConnectionError):
            await app.wait_idle()
        assert app.browser.status.state == "error"
        assert app.browser.status.text == (
            f"loading benchmarks failed: {UNREACHABLE}; "
            "then retry (or call runloop_nb.connect() again, which starts it)."
        )
        assert UNREACHABLE in app.browser.status.value  # what the browser shows
        # The widget is alive: its controls are back for a retry.
        assert not app.browser.search_button.disabled
