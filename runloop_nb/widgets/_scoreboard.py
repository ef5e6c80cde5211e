"""`Scoreboard`: a live table and a plotly `FigureWidget` of the scores of a launch."""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as w

from runloop_nb.widgets._base import WidgetBase
from runloop_nb.widgets._table import Table
from runloop_nb.widgets._tracker import RunTracker

if TYPE_CHECKING:
    from runloop_nb.client import RunloopClient


class Scoreboard(WidgetBase):
    """Scores as runs score: one row and one bar per scenario attempt.

    It draws a `RunTracker` (the RunLauncher's, in the Explorer) and redraws on every change;
    `load(benchmark_run_id)` fills it from the server instead.

    Args:
        client: the client `load` reads with.
        tracker: the runs to show; default an empty one of its own.
    """

    def __init__(self, client: RunloopClient, *, tracker: RunTracker | None = None) -> None:
        super().__init__()
        import plotly.graph_objects as go

        self.client = client
        self.summary = w.HTML("<i>no scores yet</i>")
        self.table = Table(columns=["scenario", "attempt", "state", "score"], empty="no runs yet")
        self.figure = go.FigureWidget(
            data=[go.Bar(x=[], y=[], text=[], name="score")],
            layout={
                "height": 320,
                "margin": {"l": 40, "r": 10, "t": 30, "b": 90},
                "yaxis": {"range": [0, 1.05], "title": "score"},
                "title": "scores",
            },
        )
        self.tracker = tracker or RunTracker()
        self.tracker.listeners.append(self.redraw)
        self.children = [self.summary, self.status, self.table, self.figure]

    def watch(self, tracker: RunTracker) -> None:
        """Show `tracker`'s runs from now on."""
        if self.redraw in self.tracker.listeners:
            self.tracker.listeners.remove(self.redraw)
        self.tracker = tracker
        tracker.listeners.append(self.redraw)
        self.redraw()

    def load(self, benchmark_run_id: str) -> None:
        """Show the scores of a benchmark run, read from the server (in the background)."""
        self.actions.start(
            f"reading benchmark run {benchmark_run_id}",
            lambda: self.tracker.attach(self.client, benchmark_run_id),
        )

    def redraw(self) -> None:
        rows = list(self.tracker.rows.values())
        scored = [r for r in rows if r.score is not None]
        self.table.show(
            [
                (
                    f"{r.scenario_id}#{r.attempt}",
                    [
                        r.scenario_name,
                        r.attempt,
                        r.state,
                        "" if r.score is None else f"{r.score:g}",
                    ],
                )
                for r in rows
            ]
        )
        if scored:
            mean = sum(r.score or 0.0 for r in scored) / len(scored)
            self.summary.value = (
                f"<b>{len(scored)} of {len(rows)} scored</b>, mean score {mean:.3g}"
            )
        else:
            self.summary.value = f"<i>{len(rows)} run(s), none scored yet</i>"
        with self.figure.batch_update():
            bar = self.figure.data[0]
            bar.x = [f"{r.scenario_name} #{r.attempt}" for r in scored]
            bar.y = [r.score for r in scored]
            bar.text = [f"{r.score:g}" for r in scored]
