"""`RunLauncher`: run the picked scenarios with an agent, watch every run, cancel, re-attach."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import ipywidgets as w

from runloop_nb.widgets._base import WidgetBase
from runloop_nb.widgets._launch import REFERENCE, Launch, LaunchSettings
from runloop_nb.widgets._table import Table

if TYPE_CHECKING:
    from runloop_nb.client import RunloopClient
    from runloop_nb.stepping import Agent
    from runloop_nb.wire import BenchmarkView, ScenarioView

_STATE_COLOURS = {
    "completed": "#2e7d32",
    "scored": "#2e7d32",
    "failed": "#c62828",
    "timeout": "#c62828",
    "not started": "#c62828",
    "canceled": "#757575",
}


class RunLauncher(WidgetBase):
    """Launch the chosen scenarios; a progress bar, counts per state and a row per run.

    ```python
    launcher = RunLauncher(client)
    launcher.choose(benchmark, scenarios)     # the ScenarioPicker does this in the Explorer
    launcher                                  # pick the agent, press Launch
    ```

    Cancel stops the launch: every run it started is cancelled on the server (its devbox shut).
    "Attach" finds the runs of a benchmark run by id (after a kernel restart) and watches them;
    Cancel then cancels that benchmark run.

    Args:
        client: the client to run with.
        agents: more agents to offer, by label.
        poll_seconds: how often live runs are read while a launch runs.
    """

    def __init__(
        self,
        client: RunloopClient,
        *,
        agents: Mapping[str, Agent] | None = None,
        poll_seconds: float = 1.0,
    ) -> None:
        super().__init__()
        self.model = Launch(client, agents=agents, poll_seconds=poll_seconds)
        self.chosen = w.HTML("<i>no scenarios chosen yet</i>")
        self.run_name = w.Text(placeholder="run name (optional)", description="name")
        self.agent = w.Dropdown(
            options=list(self.model.agents), value=REFERENCE, description="agent"
        )
        self.concurrency = w.BoundedIntText(value=4, min=1, max=32, description="at once")
        self.attempts = w.BoundedIntText(value=1, min=1, max=20, description="attempts")
        self.mode = w.ToggleButtons(
            options=[("benchmark run", True), ("scenario runs", False)], value=True
        )
        self.launch_button = w.Button(description="Launch", button_style="primary", icon="play")
        self.cancel_button = w.Button(description="Cancel", button_style="danger", disabled=True)
        self.attach_id = w.Text(placeholder="benchmark run id", description="re-attach")
        self.attach_button = w.Button(description="Attach", icon="link")
        self.progress = w.IntProgress(value=0, min=0, max=1, description="progress")
        self.progress_label = w.Label("")
        self.counts = w.HTML("")
        self.table = Table(
            columns=["scenario", "attempt", "state", "score", "run", "error"],
            empty="nothing launched yet",
        )
        self._wire()
        self.children = [
            self.chosen,
            w.HBox([self.run_name, self.agent]),
            w.HBox([self.concurrency, self.attempts, self.mode]),
            w.HBox([self.launch_button, self.cancel_button]),
            w.HBox([self.attach_id, self.attach_button]),
            w.HBox([self.progress, self.progress_label]),
            self.counts,
            self.status,
            self.table,
        ]

    def _inputs(self) -> list[w.DOMWidget]:
        return [
            self.launch_button,
            self.attach_button,
            self.run_name,
            self.agent,
            self.concurrency,
            self.attempts,
            self.mode,
            self.attach_id,
        ]

    def _wire(self) -> None:
        self.launch_button.on_click(lambda _: self.launch())
        self.attach_button.on_click(lambda _: self.attach(self.attach_id.value))
        self.cancel_button.on_click(lambda _: self.cancel())
        self.agent.observe(lambda _: self._check(), names="value")
        self.model.tracker.listeners.append(self._render)

    def choose(self, benchmark: BenchmarkView | None, scenarios: Sequence[ScenarioView]) -> None:
        """The scenarios to launch next (of `benchmark`)."""
        self.model.choose(benchmark, scenarios)
        if benchmark is None or not scenarios:
            self.chosen.value = "<i>no scenarios chosen yet</i>"
        else:
            names = ", ".join(s.name for s in scenarios[:5])
            more = f" and {len(scenarios) - 5} more" if len(scenarios) > 5 else ""
            self.chosen.value = (
                f"<b>{len(scenarios)} scenario(s) of {html.escape(benchmark.name)}:</b> "
                f"{html.escape(names + more)}"
            )
        self._check()

    def settings(self) -> LaunchSettings:
        return LaunchSettings(
            run_name=self.run_name.value.strip(),
            agent=self.agent.value,
            concurrency=self.concurrency.value,
            attempts=self.attempts.value,
            as_benchmark_run=self.mode.value,
        )

    def _check(self) -> str | None:
        """Say now, not after starting, why Launch would fail."""
        problem = self.model.problem(self.settings())
        if problem is not None and self.model.scenarios:
            self.status.note(f"cannot launch: {problem}")
        elif self.status.state == "idle":
            self.status.clear()
        return problem

    def launch(self) -> None:
        """Press Launch: start the runs in the background (refused with a reason when it would
        fail)."""
        problem = self._check()
        if problem is not None:
            self.status.note(f"cannot launch: {problem}")
            return
        settings = self.settings()
        count = len(self.model.scenarios) * settings.attempts
        self.cancel_button.disabled = False
        self.actions.start(
            f"running {count} scenario run(s)",
            lambda: self._run(settings),
            controls=self._inputs(),
        )

    async def _run(self, settings: LaunchSettings) -> None:
        outcome = await self.model.run(settings)
        states = ", ".join(f"{k} {v}" for k, v in outcome.states.items())
        run = f" (benchmark run {outcome.benchmark_run.id})" if outcome.benchmark_run else ""
        self.status.note(f"done{run}: {states}")

    def attach(self, benchmark_run_id: str) -> None:
        """Find a benchmark run's scenario runs and watch them until it ends."""
        if not benchmark_run_id.strip():
            self.status.note("type a benchmark run id to re-attach to")
            return
        self.cancel_button.disabled = False
        self.actions.start(
            f"watching benchmark run {benchmark_run_id.strip()}",
            lambda: self._attach(benchmark_run_id),
            controls=self._inputs(),
        )

    async def _attach(self, benchmark_run_id: str) -> None:
        bench = await self.model.attach(benchmark_run_id)
        self.status.note(f"benchmark run {bench.id} is {bench.state}")

    def cancel(self) -> None:
        """Press Cancel: stop the launch (its runs are cancelled), or cancel the attached run."""
        attached = self.model.attached is not None
        self.actions.cancel()
        if attached:
            self.actions.start("cancelling the benchmark run", self.model.cancel_attached)

    def settle(self) -> None:
        self.cancel_button.disabled = not self.actions.busy

    def _render(self) -> None:
        tracker = self.model.tracker
        self.progress.max = max(1, tracker.total)
        self.progress.value = tracker.ended
        clean = all(row.state in ("completed", "scored") for row in tracker.rows.values())
        self.progress.bar_style = ("success" if clean else "warning") if tracker.done else "info"
        self.progress_label.value = f"{tracker.ended}/{tracker.total} done"
        self.counts.value = " · ".join(
            f"<span style='color:{_STATE_COLOURS.get(k, 'inherit')}'>{html.escape(k)} {v}</span>"
            for k, v in tracker.counts().items()
        )
        self.table.show(
            [
                (
                    f"{row.scenario_id}#{row.attempt}",
                    [
                        row.scenario_name,
                        row.attempt,
                        row.state,
                        "" if row.score is None else f"{row.score:g}",
                        row.run_id or "",
                        row.error or "",
                    ],
                )
                for row in tracker.rows.values()
            ]
        )
