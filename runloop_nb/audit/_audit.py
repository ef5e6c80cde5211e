"""audit(): run every scenario of a benchmark with and without its reference, concurrently."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from runloop_nb.audit._runs import audit_run
from runloop_nb.audit._table import RunKind, RunOutcome, audit_frame
from runloop_nb.errors import BadRequestError, BenchmarkNotFoundError, NotFoundError
from runloop_nb.stepping import ReferenceAgent

if TYPE_CHECKING:
    import pandas as pd

    from runloop_nb.client import RunloopClient
    from runloop_nb.stepping import Agent
    from runloop_nb.wire import BenchmarkView, ScenarioView

_PAGE_SIZE = 100


async def audit(
    client: RunloopClient,
    benchmark: str,
    *,
    repeat: int = 1,
    concurrency: int = 4,
    agent: Agent | None = None,
) -> pd.DataFrame:
    """Gold-audit a benchmark: does each reference solution score 1 and doing nothing score < 1?

    A coroutine: `frame = await audit(client, "smoke")`. Every scenario gets `repeat` runs with
    its `reference_output` applied (gold) and `repeat` runs left untouched, each scored and
    completed; at most `concurrency` runs are live at once.

    Args:
        client: the client to run with (cloud or local server).
        benchmark: the benchmark's id or its exact name (your benchmarks and public ones).
        repeat: runs per scenario and kind; with more than one, disagreeing scores are `flaky`.
        concurrency: how many scenario runs may be in flight at the same time.
        agent: what works in the gold runs (default `ReferenceAgent()`); pass your own agent
            to see which scenarios it solves next to the untouched baseline.

    Returns:
        One row per scenario, in benchmark order, with columns `scenario_id`, `scenario_name`,
        `gold_score`, `untouched_score` (means of the scored runs), `gold_scores`,
        `untouched_scores` (per run, None when it failed), `flaky`, `ok` (gold 1, untouched < 1,
        not flaky, no failed run) and `error` (why runs failed; missing when none did).

    Raises:
        ValueError: `repeat` or `concurrency` is not a positive int.
        BenchmarkNotFoundError: no single benchmark has that id or name.
    """
    _check_positive("repeat", repeat)
    _check_positive("concurrency", concurrency)
    found = await resolve_benchmark(client, benchmark)
    scenarios = await benchmark_scenarios(client, found.id)
    gold = agent if agent is not None else ReferenceAgent()
    outcomes = await _run_all(client, scenarios, repeat, concurrency, gold)
    return audit_frame([(s.id, s.name) for s in scenarios], outcomes)


def _check_positive(name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a whole number >= 1 (got {value!r}).")


async def _run_all(
    client: RunloopClient,
    scenarios: list[ScenarioView],
    repeat: int,
    concurrency: int,
    agent: Agent,
) -> list[RunOutcome]:
    gate = asyncio.Semaphore(concurrency)

    async def gated(scenario: ScenarioView, kind: RunKind, attempt: int) -> RunOutcome:
        async with gate:
            return await audit_run(client, scenario, kind, attempt, agent)

    kinds: tuple[RunKind, ...] = ("gold", "untouched")
    async with asyncio.TaskGroup() as group:
        tasks = [
            group.create_task(gated(scenario, kind, attempt))
            for scenario in scenarios
            for attempt in range(1, repeat + 1)
            for kind in kinds
        ]
    return [task.result() for task in tasks]


async def resolve_benchmark(client: RunloopClient, benchmark: str) -> BenchmarkView:
    """Find a benchmark by id, else by exact name among yours and the public ones.

    Raises:
        BenchmarkNotFoundError: nothing matches, or several benchmarks share the name.
    """
    if not isinstance(benchmark, str) or not benchmark.strip():
        raise ValueError("benchmark must be a non-empty id or name.")
    try:
        return await client.api.benchmarks.retrieve(benchmark)
    except (NotFoundError, BadRequestError):
        pass
    matches = {b.id: b for b in await _named(client, benchmark)}
    if len(matches) == 1:
        return next(iter(matches.values()))
    if matches:
        raise BenchmarkNotFoundError(
            f"{len(matches)} benchmarks are named {benchmark!r} ({', '.join(sorted(matches))}); "
            "pass the id of the one to audit."
        )
    raise BenchmarkNotFoundError(
        f"No benchmark has the id or name {benchmark!r}. List them with "
        "`client.api.benchmarks.list_public()` / `.list()` and pass an id or exact name."
    )


async def _named(client: RunloopClient, name: str) -> list[BenchmarkView]:
    benchmarks = client.api.benchmarks
    found = []
    for pager in (benchmarks.list(name=name), benchmarks.list_public(name=name)):
        found += [b async for b in pager if b.name == name]
    return found


async def benchmark_scenarios(client: RunloopClient, benchmark_id: str) -> list[ScenarioView]:
    """Every scenario of a benchmark, following the `definitions` cursor page by page."""
    scenarios: list[ScenarioView] = []
    cursor: dict[str, str] = {}
    while True:
        page = await client.api.benchmarks.definitions(benchmark_id, limit=_PAGE_SIZE, **cursor)
        scenarios += page.scenarios
        if not page.has_more or not page.scenarios:
            return scenarios
        cursor = {"starting_after": page.scenarios[-1].id}
