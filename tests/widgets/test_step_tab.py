"""The Explorer's Step tab: a run clicked in Run opens a StepConsole (the real local server)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.repo_bugfix import scenario_id

from runloop_nb.client import RunloopClient
from runloop_nb.errors import StepperError
from runloop_nb.widgets import Explorer
from runloop_nb.widgets._tracker import RunRow


async def test_a_clicked_run_is_stepped_and_an_ended_one_is_refused_inline(
    client: RunloopClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = Explorer(client)
    await app.wait_idle()
    sid = await scenario_id(client)
    run = await client.api.scenarios.start_run(scenario_id=sid)
    seen: list[str] = []
    app.on_run_selected = seen.append
    row = RunRow(sid, "cachetools-lru-evicts-newest", 1, state="running", run_id=run.id)
    app.launcher.model.tracker.rows[row.key] = row
    try:
        app.launcher.table.active = f"{sid}#1"
        assert seen == [run.id]
        assert run.id in app.step_tab.chosen.value
        app.step_tab.attach_button.click()
        console = app.step_tab.console
        assert console is not None
        assert app.step_tab.children[-1] is console
        await app.step_tab.wait_idle()
        assert console.model is not None
        assert console.model.stepper.run_view.id == run.id
        console.command.value = "echo from-the-explorer"
        console.run_button.click()
        await console.wait_idle()
        assert "from-the-explorer" in console.output.value
    finally:
        await client.api.scenarios.runs.cancel(run.id)

    app.step_tab.attach_button.click()  # the run has ended now
    with pytest.raises(StepperError, match="only a running run can be stepped"):
        await app.step_tab.wait_idle()
    assert app.step_tab.console is not None
    assert "only a running run can be stepped" in app.step_tab.console.status.text
