"""run_benchmark against the real local server: benchmark runs, attempts, refusals, cancel."""

from __future__ import annotations

import asyncio

import pytest

from runloop_nb.audit import benchmark_scenarios, resolve_benchmark
from runloop_nb.client import Devbox, RunloopClient
from runloop_nb.errors import ReferenceOutputError
from runloop_nb.running import AGENT_KEY, ATTEMPT_KEY, RunEvent, run_benchmark
from runloop_nb.stepping import ReferenceAgent
from runloop_nb.wire import BenchmarkView, ScenarioView

pytestmark = pytest.mark.slow


async def smoke(client: RunloopClient) -> tuple[BenchmarkView, list[ScenarioView]]:
    benchmark = await resolve_benchmark(client, "smoke")
    return benchmark, await benchmark_scenarios(client, benchmark.id)


async def test_two_scenarios_as_a_benchmark_run_with_the_reference_agent(
    client: RunloopClient, capsys: pytest.CaptureFixture[str]
) -> None:
    benchmark, scenarios = await smoke(client)
    events: list[RunEvent] = []
    done = await run_benchmark(
        client,
        benchmark,
        ReferenceAgent(),
        scenarios=[s.id for s in scenarios[:2]],
        concurrency=2,
        run_name="two-gold",
        progress=False,
        on_event=events.append,
    )
    assert done.states == {"completed": 2}
    assert done.mean_score == 1.0
    assert [o.scenario.id for o in done.outcomes] == [s.id for s in scenarios[:2]]
    assert done.benchmark_run is not None
    assert done.benchmark_run.state == "completed"
    assert done.benchmark_run.metadata[AGENT_KEY] == "reference"
    runs = [r async for r in client.api.benchmark_runs.list_scenario_runs(done.benchmark_run.id)]
    assert sorted((r.metadata[AGENT_KEY], r.metadata[ATTEMPT_KEY]) for r in runs) == [
        ("reference", "1"),
        ("reference", "1"),
    ]
    assert {r.name for r in runs} == {"two-gold"}
    started = [e for e in events if e.run is not None]
    ended = [e for e in events if e.outcome is not None]
    assert (len(started), len(ended)) == (2, 2)
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", "")  # progress=False is quiet


async def test_attempts_as_single_scenario_runs_with_a_progress_bar(
    client: RunloopClient, capsys: pytest.CaptureFixture[str]
) -> None:
    benchmark, scenarios = await smoke(client)
    done = await run_benchmark(
        client,
        benchmark.id,
        None,
        scenarios=scenarios[:1],
        attempts=2,
        concurrency=1,
        as_benchmark_run=False,
        run_name="untouched-twice",
    )
    assert done.benchmark_run is None
    assert [o.run.metadata[ATTEMPT_KEY] for o in done.outcomes] == ["1", "2"]
    assert {o.run.metadata[AGENT_KEY] for o in done.outcomes} == {"none"}
    assert all(o.run.benchmark_run_id is None for o in done.outcomes)
    assert done.states == {"completed": 2}
    assert done.mean_score == 0.0
    assert "untouched-twice" in capsys.readouterr().err  # tqdm's text bar outside a kernel
    assert repr(done).endswith("agent='none', completed 2, mean_score=0.0)")


async def test_a_scenario_without_a_reference_is_refused_before_anything_starts(
    client: RunloopClient,
) -> None:
    benchmark, scenarios = await smoke(client)
    bare = scenarios[0].model_copy(update={"reference_output": None})
    before = (await client.api.benchmark_runs.list(include_total_count=True)).total_count
    with pytest.raises(ReferenceOutputError, match="no reference solution") as raised:
        await run_benchmark(client, benchmark, ReferenceAgent(), scenarios=[bare], progress=False)
    assert "nothing was started" in str(raised.value)
    after = (await client.api.benchmark_runs.list(include_total_count=True)).total_count
    assert after == before


class StuckAgent:
    def __init__(self) -> None:
        self.started = asyncio.Event()

    async def run(self, devbox: Devbox, scenario: ScenarioView) -> None:
        self.started.set()
        await asyncio.Event().wait()


async def test_cancelling_cancels_the_scenario_runs_and_the_benchmark_run(
    client: RunloopClient,
) -> None:
    benchmark, scenarios = await smoke(client)
    agent = StuckAgent()
    events: list[RunEvent] = []
    task = asyncio.get_running_loop().create_task(
        run_benchmark(
            client,
            benchmark,
            agent,
            scenarios=scenarios[:1],
            progress=False,
            on_event=events.append,
        )
    )
    await agent.started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    [started] = [e.run for e in events if e.run is not None]
    assert started is not None
    run = await client.api.scenarios.runs.retrieve(started.id)
    assert run.state == "canceled"
    assert run.benchmark_run_id is not None
    bench_run = await client.api.benchmark_runs.retrieve(run.benchmark_run_id)
    assert bench_run.state == "canceled"
    assert (await client.api.devboxes.retrieve(run.devbox_id)).status == "shutdown"
