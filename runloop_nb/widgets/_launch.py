"""`Launch`: the RunLauncher's model: what to run, running it, watching it, cancelling it."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from runloop_nb.errors import ReferenceOutputError
from runloop_nb.running import BenchmarkOutcome, run_benchmark
from runloop_nb.running._benchmark import check_reference
from runloop_nb.stepping import ReferenceAgent
from runloop_nb.widgets._tracker import RunTracker

if TYPE_CHECKING:
    from runloop_nb.client import RunloopClient
    from runloop_nb.stepping import Agent
    from runloop_nb.wire import BenchmarkRunView, BenchmarkView, ScenarioView

NO_AGENT = "none (score the untouched devbox)"
REFERENCE = "reference"


@dataclass(frozen=True)
class LaunchSettings:
    """What the launcher's controls say."""

    run_name: str = ""
    agent: str = REFERENCE
    concurrency: int = 4
    attempts: int = 1
    as_benchmark_run: bool = True


class Launch:
    """Runs `run_benchmark` for the chosen scenarios and keeps `tracker` current meanwhile.

    Args:
        client: the client to run with.
        agents: more agents to offer, by label (anything with `async run(devbox, scenario)`).
        poll_seconds: how often live runs are read from the server while a launch runs.
    """

    def __init__(
        self,
        client: RunloopClient,
        *,
        agents: Mapping[str, Agent] | None = None,
        poll_seconds: float = 1.0,
    ) -> None:
        self.client = client
        self.agents: dict[str, Agent | None] = {REFERENCE: ReferenceAgent(), NO_AGENT: None}
        self.agents.update(agents or {})
        self.benchmark: BenchmarkView | None = None
        self.scenarios: list[ScenarioView] = []
        self.tracker = RunTracker()
        self.outcome: BenchmarkOutcome | None = None
        self.attached: BenchmarkRunView | None = None
        self.poll_seconds = poll_seconds

    def choose(self, benchmark: BenchmarkView | None, scenarios: Sequence[ScenarioView]) -> None:
        self.benchmark, self.scenarios = benchmark, list(scenarios)

    def problem(self, settings: LaunchSettings) -> str | None:
        """Why these settings cannot start, said before anything starts (None when they can)."""
        if self.benchmark is None or not self.scenarios:
            return "pick scenarios first (Scenarios tab: tick them, or 'select all')."
        if settings.agent not in self.agents:
            return f"unknown agent {settings.agent!r}; pick one of {sorted(self.agents)}."
        try:
            check_reference(self.agents[settings.agent], self.scenarios)
        except ReferenceOutputError as exc:
            return str(exc)
        return None

    async def run(self, settings: LaunchSettings) -> BenchmarkOutcome:
        """Run the chosen scenarios; cancelling this cancels every run it started."""
        problem = self.problem(settings)
        if problem is not None:
            raise ValueError(problem)
        assert self.benchmark is not None
        self.outcome, self.attached = None, None
        self.tracker.plan(self.scenarios, settings.attempts)
        watcher = asyncio.get_running_loop().create_task(self._watch())
        try:
            self.outcome = await run_benchmark(
                self.client,
                self.benchmark,
                self.agents[settings.agent],
                scenarios=self.scenarios,
                concurrency=settings.concurrency,
                attempts=settings.attempts,
                run_name=settings.run_name or None,
                as_benchmark_run=settings.as_benchmark_run,
                progress=False,  # the launcher draws its own progress
                on_event=self.tracker.on_event,
            )
        except asyncio.CancelledError:
            # run_benchmark cancelled its runs on the server as it unwound; the watcher would
            # have stopped with the last rows still 'running': read their final states once.
            watcher.cancel()
            await self.tracker.settle_cancelled(self.client)
            raise
        finally:
            watcher.cancel()
        self.tracker.benchmark_run = self.outcome.benchmark_run
        return self.outcome

    async def attach(self, benchmark_run_id: str) -> BenchmarkRunView:
        """Find a benchmark run's scenario runs and watch them until it ends."""
        bench = await self.tracker.attach(self.client, benchmark_run_id.strip())
        self.attached = bench
        while bench.state == "running" and not self.tracker.done:
            await asyncio.sleep(self.poll_seconds)
            bench = await self.tracker.attach(self.client, bench.id)
            self.attached = bench
        return bench

    async def cancel_attached(self) -> BenchmarkRunView | None:
        """Cancel the attached benchmark run on the server (its runs and devboxes with it)."""
        if self.attached is None:
            return None
        self.attached = await self.client.api.benchmark_runs.cancel(self.attached.id)
        await self.tracker.attach(self.client, self.attached.id)
        return self.attached

    async def _watch(self) -> None:
        # Polls with a sleep on purpose: the server has no push channel; tests never rely on it.
        while True:
            await asyncio.sleep(self.poll_seconds)
            await self.tracker.refresh(self.client)
