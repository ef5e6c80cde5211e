"""`StepTab`: the Explorer's Step tab -- opens a `StepConsole` for the run clicked in Run.

A running run is stepped where it is ("Step this run"); a run that has ended cannot be, so
"Step a new run" starts a fresh run of the same scenario for a person to step.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import ipywidgets as w

from runloop_nb.widgets._step_console import StepConsole

if TYPE_CHECKING:
    from runloop_nb.client import RunloopClient
    from runloop_nb.stepping import Stepper


class StepTab(w.VBox):
    """Holds the chosen run and, once asked, its StepConsole (`console`)."""

    def __init__(self, client: RunloopClient) -> None:
        super().__init__()
        self.client = client
        self.run_id: str | None = None
        self.scenario_id: str | None = None
        self.console: StepConsole | None = None
        self.chosen = w.HTML("<i>click a run in the Run tab to step it</i>")
        self.attach_button = w.Button(description="Step this run", disabled=True)
        self.start_button = w.Button(description="Step a new run", disabled=True,
                                     tooltip="a new run of the same scenario")  # fmt: skip
        self.attach_button.on_click(lambda _b: self.step_run())
        self.start_button.on_click(lambda _b: self.step_new_run())
        self.bar = w.HBox([self.chosen, self.attach_button, self.start_button])
        self.children = [self.bar]

    def choose(self, run_id: str, scenario_id: str, label: str = "") -> None:
        """Make `run_id` (a run of `scenario_id`) the run the buttons act on."""
        self.run_id, self.scenario_id = run_id, scenario_id
        self.chosen.value = f"run <b>{html.escape(run_id)}</b> {html.escape(label)}"
        self.attach_button.disabled = self.start_button.disabled = False

    def step_run(self) -> StepConsole:
        """A console bound to the chosen run (it must still be running; the console says so)."""
        run_id = self._need(self.run_id)

        async def attach() -> Stepper:
            from runloop_nb.stepping import Stepper

            return await Stepper.attach(self.client, run_id, mode="manual")

        return self._show(StepConsole(attach))

    def step_new_run(self) -> StepConsole:
        """A console over a new run of the chosen run's scenario."""
        scenario_id = self._need(self.scenario_id)

        async def start() -> Stepper:
            from runloop_nb.stepping import Stepper

            return await Stepper.start(self.client, scenario_id, mode="manual")

        return self._show(StepConsole(start))

    async def wait_idle(self, *, raise_errors: bool = True) -> None:
        if self.console is not None:
            await self.console.wait_idle(raise_errors=raise_errors)

    def _show(self, console: StepConsole) -> StepConsole:
        self.console = console
        self.children = [self.bar, console]
        return console

    @staticmethod
    def _need(value: str | None) -> str:
        if value is None:
            from runloop_nb.errors import StepperError

            raise StepperError("Click a run in the Run tab first.")
        return value

    def __repr__(self) -> str:
        return f"<StepTab {self.run_id}>"
