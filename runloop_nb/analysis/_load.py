"""Fetch what the frames are built from: benchmark runs, their scenario runs, the scenarios.

Listing is kept apart from building the frames (`_frames.py`), so that the cost of each can be
measured alone (`bench/analysis_frames.py`) and frames can be rebuilt without new requests.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypeVar

from runloop_nb.wire import MAX_PAGE_LIMIT, BenchmarkRunView, BenchmarkView, ScenarioView

if TYPE_CHECKING:
    from runloop_nb.client import RunloopClient
    from runloop_nb.wire import ScenarioRunView

T = TypeVar("T")
# Concurrent single-item requests (retrieve a benchmark run, a scenario): enough to hide latency
# against the cloud, few enough not to trip its rate limit.
_CONCURRENCY = 8


@dataclass
class RunSet:
    """The views behind the frames: benchmark runs, scenario runs, scenarios and benchmarks.

    Attributes:
        scenario_runs: every scenario run, in the order listed.
        benchmark_runs: the benchmark runs by id.
        benchmarks: the benchmarks of those runs by id (their scenario lists are the
            denominators of the outcomes).
        scenarios: every scenario of those benchmarks and of the runs, by id.
        base_url: the API root the views came from.
        fetched_at: when the listing finished (UTC).
    """

    scenario_runs: list[ScenarioRunView]
    benchmark_runs: dict[str, BenchmarkRunView] = field(default_factory=dict)
    benchmarks: dict[str, BenchmarkView] = field(default_factory=dict)
    scenarios: dict[str, ScenarioView] = field(default_factory=dict)
    base_url: str = ""
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))


async def load_runs(
    client: RunloopClient,
    benchmark_run_ids: str | Sequence[str] | None = None,
    *,
    benchmark_id: str | None = None,
) -> RunSet:
    """Fetch the scenario runs of some benchmark runs, with their benchmarks and scenarios.

    Args:
        client: the client to list with.
        benchmark_run_ids: one id or several; None means every benchmark run (of
            `benchmark_id` when given).
        benchmark_id: only the runs of this benchmark (when no run ids are given).
    """
    benchmark_runs = await _benchmark_runs(client, benchmark_run_ids, benchmark_id)
    lists: list[list[ScenarioRunView]] = await _bounded(
        _all(client.api.benchmark_runs.list_scenario_runs(run.id, limit=MAX_PAGE_LIMIT))
        for run in benchmark_runs
    )
    scenario_runs = [run for runs in lists for run in runs]
    benchmark_ids = sorted({r.benchmark_id for r in benchmark_runs if r.benchmark_id})
    benchmarks = await _bounded(client.api.benchmarks.retrieve(i) for i in benchmark_ids)
    scenarios = await _scenarios(client, benchmarks, scenario_runs)
    return RunSet(
        scenario_runs=scenario_runs,
        benchmark_runs={run.id: run for run in benchmark_runs},
        benchmarks={b.id: b for b in benchmarks},
        scenarios=scenarios,
        base_url=client.base_url,
    )


async def load_benchmark_scenarios(client: RunloopClient, benchmark_id: str) -> list[ScenarioView]:
    """Every scenario of a benchmark, in the benchmark's order (all definition pages)."""
    found: list[ScenarioView] = []
    cursor: str | None = None
    while True:
        page = await client.api.benchmarks.definitions(
            benchmark_id, limit=MAX_PAGE_LIMIT, **({"starting_after": cursor} if cursor else {})
        )
        found.extend(page.scenarios)
        if not page.has_more or not page.scenarios:
            return found
        cursor = page.scenarios[-1].id


async def _benchmark_runs(
    client: RunloopClient, ids: str | Sequence[str] | None, benchmark_id: str | None
) -> list[BenchmarkRunView]:
    if ids is None:
        pager = (
            client.api.benchmark_runs.list(benchmark_id=benchmark_id, limit=MAX_PAGE_LIMIT)
            if benchmark_id
            else client.api.benchmark_runs.list(limit=MAX_PAGE_LIMIT)
        )
        return await _all(pager)
    wanted = [ids] if isinstance(ids, str) else list(dict.fromkeys(ids))
    return await _bounded(client.api.benchmark_runs.retrieve(i) for i in wanted)


async def _scenarios(
    client: RunloopClient,
    benchmarks: Iterable[BenchmarkView],
    runs: Iterable[ScenarioRunView],
) -> dict[str, ScenarioView]:
    found: dict[str, ScenarioView] = {}
    for listed in await _bounded(load_benchmark_scenarios(client, b.id) for b in benchmarks):
        found.update((s.id, s) for s in listed)
    missing: list[str] = []
    for run in runs:
        if run.scenario_id in found:
            continue
        if run.scenario is not None:  # the local server embeds it; the cloud does not
            found[run.scenario_id] = run.scenario
        elif run.scenario_id not in missing:
            missing.append(run.scenario_id)
    for scenario in await _bounded(client.api.scenarios.retrieve(i) for i in missing):
        found[scenario.id] = scenario
    return found


async def _all(pager: object) -> list[T]:
    return [item async for item in pager]  # type: ignore[attr-defined]


async def _bounded(calls: Iterable[Awaitable[T]]) -> list[T]:
    gate = asyncio.Semaphore(_CONCURRENCY)

    async def one(call: Awaitable[T]) -> T:
        async with gate:
            return await call

    return list(await asyncio.gather(*(one(c) for c in calls)))
