"""`RunTracker`: the state of every scenario attempt of a launch, kept up to date.

Fed by `run_benchmark`'s events (a run started, an attempt ended) and by polling the server for
the runs still live (so `scoring` shows while it happens); re-attached from a benchmark run id
after a kernel restart, from the server alone. The launcher and the scoreboard draw from it.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from runloop_nb.errors import APIError
from runloop_nb.running import ATTEMPT_KEY, RunEvent

if TYPE_CHECKING:
    from runloop_nb.client import RunloopClient
    from runloop_nb.wire import BenchmarkRunView, ScenarioRunView, ScenarioView

log = logging.getLogger("runloop_nb.widgets")

#: Every state a row can be in, in the order the counts show.
STATES = (
    "queued",
    "running",
    "scoring",
    "scored",
    "completed",
    "failed",
    "canceled",
    "timeout",
    "not started",
)
ENDED = frozenset({"completed", "failed", "canceled", "timeout", "not started"})
_PAGE = 100


@dataclass
class RunRow:
    """One attempt at one scenario."""

    scenario_id: str
    scenario_name: str
    attempt: int
    state: str = "queued"
    run_id: str | None = None
    score: float | None = None
    error: str | None = None

    @property
    def key(self) -> tuple[str, int]:
        return (self.scenario_id, self.attempt)

    @property
    def ended(self) -> bool:
        return self.state in ENDED


class RunTracker:
    """Rows by (scenario id, attempt); listeners are called after every change."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, int], RunRow] = {}
        self.benchmark_run: BenchmarkRunView | None = None
        self.listeners: list[Callable[[], None]] = []

    def plan(self, scenarios: Sequence[ScenarioView], attempts: int) -> None:
        """Start over with every attempt queued."""
        self.benchmark_run = None
        self.rows = {
            (s.id, k): RunRow(s.id, s.name, k) for s in scenarios for k in range(1, attempts + 1)
        }
        self._changed()

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def ended(self) -> int:
        return sum(row.ended for row in self.rows.values())

    @property
    def done(self) -> bool:
        """Every attempt ended (and there is at least one)."""
        return bool(self.rows) and self.ended == self.total

    def counts(self) -> dict[str, int]:
        """Rows per state, in `STATES` order, states with no rows left out."""
        found = Counter(row.state for row in self.rows.values())
        return {state: found[state] for state in STATES if found[state]}

    def on_event(self, event: RunEvent) -> None:
        """What `run_benchmark` reports."""
        row = self.rows.get((event.scenario.id, event.attempt))
        if row is None:
            return
        if event.run is not None:
            self._apply(row, event.run)
        elif event.outcome is not None:
            self._apply(row, event.outcome.run)
            row.score = event.outcome.score
            failure = event.outcome.agent_error or event.outcome.error
            row.error = f"{type(failure).__name__}: {failure}" if failure else None
        elif event.not_started is not None:
            row.state = "not started"
            row.error = f"{type(event.not_started.error).__name__}: {event.not_started.error}"
        self._changed()

    async def refresh(self, client: RunloopClient) -> None:
        """Read the live rows' runs from the server (one paged list for a benchmark run)."""
        live = [row for row in self.rows.values() if row.run_id and not row.ended]
        if not live:
            return
        try:
            if self.benchmark_run is not None:
                runs = client.api.benchmark_runs.list_scenario_runs(
                    self.benchmark_run.id, limit=_PAGE
                )
                seen = [run async for run in runs]
            else:
                seen = [await client.api.scenarios.runs.retrieve(r.run_id or "") for r in live]
        except APIError as exc:
            # Progress is best effort: the launch goes on, the next poll may work.
            log.warning("reading the runs' progress failed: %s", exc)
            return
        self._merge(seen)

    async def settle_cancelled(self, client: RunloopClient) -> None:
        """After a cancelled launch: read the started runs' final states from the server; the
        attempts that never started are marked canceled."""
        await self.refresh(client)
        for row in self.rows.values():
            if row.run_id is None and not row.ended:
                row.state, row.error = "canceled", "cancelled before it started"
        self._changed()

    async def attach(self, client: RunloopClient, benchmark_run_id: str) -> BenchmarkRunView:
        """Rebuild the rows of a benchmark run from the server (after a kernel restart)."""
        bench = await client.api.benchmark_runs.retrieve(benchmark_run_id)
        runs = [
            run async for run in client.api.benchmark_runs.list_scenario_runs(bench.id, limit=_PAGE)
        ]
        self.rows = {}
        self.benchmark_run = bench
        for run in sorted(runs, key=lambda r: r.start_time_ms or 0):
            name = run.scenario.name if run.scenario is not None else run.scenario_id
            row = RunRow(run.scenario_id, name, _attempt(run))
            while row.key in self.rows:  # runs started before attempts were recorded
                row.attempt += 1
            self._apply(row, run)
            self.rows[row.key] = row
        self._changed()
        return bench

    def _merge(self, runs: Sequence[ScenarioRunView]) -> None:
        by_id = {row.run_id: row for row in self.rows.values() if row.run_id}
        changed = False
        for run in runs:
            row = by_id.get(run.id)
            if row is not None and not row.ended and row.state != run.state:
                self._apply(row, run)
                changed = True
        if changed:
            self._changed()

    @staticmethod
    def _apply(row: RunRow, run: ScenarioRunView) -> None:
        row.run_id, row.state = run.id, run.state
        result = run.scoring_contract_result
        if result is not None:
            row.score = result.score

    def _changed(self) -> None:
        for listener in list(self.listeners):
            listener()


def _attempt(run: ScenarioRunView) -> int:
    raw = run.metadata.get(ATTEMPT_KEY, "")
    return int(raw) if raw.isdigit() else 1
