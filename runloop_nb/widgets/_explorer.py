"""`Explorer`: the benchmark browser, scenario picker, run launcher and scoreboard in tabs."""

from __future__ import annotations

import asyncio
import html
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import ipywidgets as w

from runloop_nb.widgets._browser import BenchmarkBrowser
from runloop_nb.widgets._launcher import RunLauncher
from runloop_nb.widgets._picker import ScenarioPicker
from runloop_nb.widgets._scoreboard import Scoreboard
from runloop_nb.widgets._step_tab import StepTab

if TYPE_CHECKING:
    from runloop_nb.client import RunloopClient
    from runloop_nb.stepping import Agent
    from runloop_nb.wire import BenchmarkView, ScenarioView

TABS = ("Benchmarks", "Scenarios", "Run", "Scores", "Step")


class Explorer(w.VBox):
    """One app: choose a benchmark, pick scenarios, launch them, watch the scores.

    "Open scenarios" in Benchmarks goes to Scenarios; ticking scenarios hands them to Run;
    Scores follows the runs of Run. Clicking a run's row hands it to Step (a StepConsole for
    it, or for a new run of its scenario) and calls `on_run_selected` with its id.

    Args:
        client: the client every tab uses.
        agents: more agents for the launcher, by label.
        page_size: rows per page of the browser and the picker.
    """

    def __init__(
        self,
        client: RunloopClient,
        *,
        agents: Mapping[str, Agent] | None = None,
        page_size: int = 20,
    ) -> None:
        super().__init__()
        self.client = client
        self.on_run_selected: Callable[[str], None] | None = None
        self.browser = BenchmarkBrowser(client, on_open=self._open, page_size=page_size)
        self.picker = ScenarioPicker(client, on_select=self._selected, page_size=page_size)
        self.launcher = RunLauncher(client, agents=agents)
        self.scoreboard = Scoreboard(client, tracker=self.launcher.model.tracker)
        self.step_tab = StepTab(client)
        self.tabs = w.Tab(
            children=[self.browser, self.picker, self.launcher, self.scoreboard, self.step_tab]
        )
        self.tabs.titles = TABS
        note = f" · {client.server_note}" if client.server_note else ""
        self.header = w.HTML(
            f"<b>runloop_nb explorer</b> · {html.escape(client.base_url)}{html.escape(note)}"
        )
        self.launcher.table.observe(self._run_clicked, names="active")
        self.children = [self.header, self.tabs]

    @property
    def parts(self) -> tuple[BenchmarkBrowser, ScenarioPicker, RunLauncher, Scoreboard]:
        return (self.browser, self.picker, self.launcher, self.scoreboard)

    @property
    def busy(self) -> bool:
        return any(part.busy for part in self.parts)

    async def wait_idle(self, *, raise_errors: bool = True) -> None:
        """Wait until no tab has work running (see `Actions.wait_idle`)."""
        while self.busy:
            await asyncio.gather(*(p.wait_idle(raise_errors=False) for p in self.parts))
        if raise_errors:
            for part in self.parts:
                await part.wait_idle()

    def _open(self, benchmark: BenchmarkView) -> None:
        self.picker.show_benchmark(benchmark)
        self.launcher.choose(benchmark, [])
        self.tabs.selected_index = 1

    def _selected(self, scenarios: list[ScenarioView]) -> None:
        self.launcher.choose(self.picker.model.benchmark, scenarios)

    def _run_clicked(self, change: Mapping[str, object]) -> None:
        key = str(change["new"])
        row = next(
            (
                r
                for r in self.launcher.model.tracker.rows.values()
                if f"{r.scenario_id}#{r.attempt}" == key
            ),
            None,
        )
        if row is not None and row.run_id:
            self.step_tab.choose(row.run_id, row.scenario_id, f"({row.scenario_name}, {row.state})")
            if self.on_run_selected is not None:
                self.on_run_selected(row.run_id)

    def __repr__(self) -> str:
        return f"<Explorer {self.client.base_url}>"
