"""RunLauncher and Scoreboard against the real local server: launch, watch, cancel, re-attach."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from runloop_nb.audit import benchmark_scenarios, resolve_benchmark
from runloop_nb.client import Devbox, RunloopClient
from runloop_nb.running import AGENT_KEY, ATTEMPT_KEY
from runloop_nb.widgets import RunLauncher, RunTracker, Scoreboard
from runloop_nb.wire import BenchmarkView, ScenarioView

from .conftest import Requests

pytestmark = pytest.mark.slow


async def smoke(client: RunloopClient) -> tuple[BenchmarkView, list[ScenarioView]]:
    benchmark = await resolve_benchmark(client, "smoke")
    return benchmark, await benchmark_scenarios(client, benchmark.id)


async def until(tracker: RunTracker, condition: Callable[[], bool], timeout: float = 60) -> None:
    """Wait for the tracker to change until `condition` holds (no sleeping)."""
    changed = asyncio.Event()
    tracker.listeners.append(changed.set)
    try:
        async with asyncio.timeout(timeout):
            while not condition():
                await changed.wait()
                changed.clear()
    finally:
        tracker.listeners.remove(changed.set)


class StuckAgent:
    name = "stuck"

    def __init__(self) -> None:
        self.started = asyncio.Event()

    async def run(self, devbox: Devbox, scenario: ScenarioView) -> None:
        self.started.set()
        await asyncio.Event().wait()


async def test_launch_two_with_the_reference_agent_and_see_both_scores(
    client: RunloopClient,
) -> None:
    benchmark, scenarios = await smoke(client)
    launcher = RunLauncher(client)
    board = Scoreboard(client, tracker=launcher.model.tracker)
    launcher.choose(benchmark, scenarios[:2])
    assert "2 scenario(s) of smoke" in launcher.chosen.value
    launcher.run_name.value = "widget-gold"
    launcher.concurrency.value = 2
    launcher.launch_button.click()
    assert launcher.launch_button.disabled
    assert not launcher.cancel_button.disabled
    await launcher.wait_idle()

    tracker = launcher.model.tracker
    assert tracker.counts() == {"completed": 2}
    assert [r.score for r in tracker.rows.values()] == [1.0, 1.0]
    assert (launcher.progress.value, launcher.progress.max) == (2, 2)
    assert launcher.progress_label.value == "2/2 done"
    assert launcher.progress.bar_style == "success"
    assert "completed 2" in launcher.counts.value
    assert launcher.status.text.startswith("done (benchmark run ")
    assert launcher.cancel_button.disabled
    assert not launcher.launch_button.disabled
    assert [row["cells"][2] for row in launcher.table.rows] == ["completed", "completed"]
    # The scoreboard followed: two rows, two bars at 1.0.
    assert list(board.figure.data[0].y) == [1.0, 1.0]
    assert board.summary.value.startswith("<b>2 of 2 scored</b>")
    # What the server saw.
    outcome = launcher.model.outcome
    assert outcome is not None
    assert outcome.benchmark_run is not None
    runs = [r async for r in client.api.benchmark_runs.list_scenario_runs(outcome.benchmark_run.id)]
    assert sorted(r.state for r in runs) == ["completed", "completed"]
    assert {(r.metadata[AGENT_KEY], r.metadata[ATTEMPT_KEY], r.name) for r in runs} == {
        ("reference", "1", "widget-gold")
    }


async def test_cancel_cancels_the_runs_on_the_server(client: RunloopClient) -> None:
    benchmark, scenarios = await smoke(client)
    agent = StuckAgent()
    launcher = RunLauncher(client, agents={"stuck": agent})
    launcher.choose(benchmark, scenarios[:1])
    launcher.agent.value = "stuck"
    launcher.launch_button.click()
    await agent.started.wait()
    launcher.cancel_button.click()
    await launcher.wait_idle()
    [row] = launcher.model.tracker.rows.values()
    assert row.run_id is not None
    run = await client.api.scenarios.runs.retrieve(row.run_id)
    assert run.state == "canceled"
    assert run.benchmark_run_id is not None
    assert (await client.api.benchmark_runs.retrieve(run.benchmark_run_id)).state == "canceled"
    assert (await client.api.devboxes.retrieve(run.devbox_id)).status == "shutdown"
    assert launcher.status.text == "running 1 scenario run(s): cancelled"
    assert not launcher.launch_button.disabled


async def test_no_reference_is_said_before_starting_and_nothing_is_sent(
    counted: RunloopClient, requests: Requests
) -> None:
    benchmark, scenarios = await smoke(counted)
    bare = scenarios[0].model_copy(update={"reference_output": None})
    launcher = RunLauncher(counted)
    launcher.choose(benchmark, [bare])
    assert "cannot launch" in launcher.status.text
    assert launcher.status.text == (
        "cannot launch: 1 scenario(s) have no reference solution, so the reference agent "
        f"cannot run them: {bare.name!r}. Deselect them or pick another agent; nothing was "
        "started."
    )
    before = requests.count()
    launcher.launch_button.click()
    assert not launcher.busy
    assert requests.count() == before
    launcher.agent.value = "none (score the untouched devbox)"
    assert launcher.status.text == ""


async def test_reattach_finds_the_runs_watches_and_cancels(client: RunloopClient) -> None:
    benchmark, scenarios = await smoke(client)
    bench_run = await client.api.benchmarks.start_run(benchmark_id=benchmark.id, run_name="orphan")
    run = await client.api.scenarios.start_run(
        scenario_id=scenarios[0].id, benchmark_run_id=bench_run.id
    )
    # A new kernel: a new launcher that knows only the id.
    launcher = RunLauncher(client, poll_seconds=0.2)
    launcher.attach_id.value = bench_run.id
    launcher.attach_button.click()
    tracker = launcher.model.tracker
    await until(tracker, lambda: any(r.run_id == run.id for r in tracker.rows.values()))
    assert launcher.busy  # still watching: the benchmark run is running
    assert tracker.counts() == {"running": 1}
    launcher.cancel_button.click()
    await launcher.wait_idle()
    assert (await client.api.benchmark_runs.retrieve(bench_run.id)).state == "canceled"
    assert (await client.api.scenarios.runs.retrieve(run.id)).state == "canceled"
    assert tracker.counts() == {"canceled": 1}


async def test_scoreboard_load_reads_a_benchmark_run(client: RunloopClient) -> None:
    benchmark, scenarios = await smoke(client)
    launcher = RunLauncher(client)
    launcher.choose(benchmark, scenarios[:1])
    launcher.launch_button.click()
    await launcher.wait_idle()
    outcome = launcher.model.outcome
    assert outcome is not None
    assert outcome.benchmark_run is not None
    board = Scoreboard(client)
    board.load(outcome.benchmark_run.id)
    await board.wait_idle()
    assert list(board.figure.data[0].y) == [1.0]
    assert [row["cells"][2] for row in board.table.rows] == ["completed"]


async def test_after_cancel_the_table_shows_the_final_states_not_running(
    client: RunloopClient,
) -> None:
    benchmark, scenarios = await smoke(client)
    agent = StuckAgent()
    # A long poll: only the refresh after the cancel can bring the final states in.
    launcher = RunLauncher(client, agents={"stuck": agent}, poll_seconds=3600)
    launcher.choose(benchmark, scenarios[:2])
    launcher.agent.value = "stuck"
    launcher.concurrency.value = 1
    launcher.launch_button.click()
    await agent.started.wait()
    tracker = launcher.model.tracker
    assert tracker.counts() == {"queued": 1, "running": 1}
    launcher.cancel_button.click()
    await launcher.wait_idle()
    started, queued = tracker.rows.values()
    assert started.run_id is not None
    assert (await client.api.scenarios.runs.retrieve(started.run_id)).state == "canceled"
    assert (started.state, queued.state, queued.run_id) == ("canceled", "canceled", None)
    assert queued.error == "cancelled before it started"
    assert [row["cells"][2] for row in launcher.table.rows] == ["canceled", "canceled"]
    assert launcher.progress_label.value == "2/2 done"
    assert launcher.progress.bar_style == "warning"  # ended, but not a clean finish
    assert "canceled 2" in launcher.counts.value
    assert "running" not in launcher.counts.value
