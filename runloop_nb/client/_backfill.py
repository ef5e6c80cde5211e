"""Fields of the documented flow that a server may omit, filled in by the client.

Runloop's documented interactive flow reads `benchmark_run.pending_scenarios` and
`scenario_run.scenario`; the local server sends both, but the cloud dropped the first in 2025
and the official SDK 1.32 types model neither. A view that lacks one (absent on the wire, not
present-and-empty) gets it here, so the same loop works against any server:

- `pending_scenarios`: the benchmark's scenario ids, in benchmark order, minus those with a
  *finished* scenario run in this benchmark run (scored or ended), the local server's rule.
  The benchmark's list is read once per benchmark run; the runs are listed on every fill
  because they change.
- `scenario`: a retrieve of the run's scenario, cached per scenario run (a run keeps the
  scenario it was started from).

Single-item calls are filled; list pages are not (that would cost a request per item).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable
from typing import TypeVar

from runloop_nb.client._paging import AsyncPager, make_pager
from runloop_nb.client._resource import path_id
from runloop_nb.client._transport import Transport
from runloop_nb.wire import (
    MAX_PAGE_LIMIT,
    BenchmarkRunView,
    BenchmarkView,
    ScenarioRunListView,
    ScenarioRunView,
    ScenarioView,
)

T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")

_CACHE_SIZE = 512
# Run states that still count as pending (the scenario has no result yet).
_NOT_FINISHED = frozenset({"running", "scoring"})


class Backfill:
    """Fills `pending_scenarios` and `scenario` on views whose server left them out."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport
        self._run_scenarios: OrderedDict[str, ScenarioView] = OrderedDict()
        self._benchmark_scenarios: OrderedDict[str, list[str]] = OrderedDict()

    async def benchmark_run(self, run: BenchmarkRunView) -> BenchmarkRunView:
        """Fill `run.pending_scenarios` when the server did not send it; returns `run`."""
        if "pending_scenarios" in run.model_fields_set or run.benchmark_id is None:
            return run
        scenario_ids = await self._scenario_ids(run.id, run.benchmark_id)
        finished = {r.scenario_id async for r in self._runs_of(run.id) if _finished(r)}
        run.pending_scenarios = [i for i in scenario_ids if i not in finished]
        return run

    async def scenario_run(self, run: ScenarioRunView) -> ScenarioRunView:
        """Fill `run.scenario` when the server did not send it; returns `run`."""
        if "scenario" in run.model_fields_set:
            return run
        scenario = self._run_scenarios.get(run.id)
        if scenario is None:
            path = f"/v1/scenarios/{path_id(run.scenario_id, 'scenario id')}"
            scenario = await self._transport.fetch(ScenarioView, "GET", path)
            _remember(self._run_scenarios, run.id, scenario)
        run.scenario = scenario
        return run

    async def _scenario_ids(self, run_id: str, benchmark_id: str) -> list[str]:
        known = self._benchmark_scenarios.get(run_id)
        if known is None:
            path = f"/v1/benchmarks/{path_id(benchmark_id, 'benchmark id')}"
            benchmark = await self._transport.fetch(BenchmarkView, "GET", path)
            known = list(benchmark.scenario_ids)
            _remember(self._benchmark_scenarios, run_id, known)
        return known

    def _runs_of(self, run_id: str) -> AsyncPager[ScenarioRunView]:
        path = f"/v1/benchmark_runs/{path_id(run_id, 'benchmark run id')}/scenario_runs"
        return make_pager(self._transport, path, ScenarioRunListView, {"limit": MAX_PAGE_LIMIT})


async def after_start(fill: Awaitable[T], started: str) -> T:
    """Await a fill of a just-started run; if it fails, say the run was started all the same.

    The start already succeeded, so the error must not lose the run: `started` (e.g.
    "scenario run scr_1 (devbox dbx_1)") is added as a note naming what to cancel.
    """
    try:
        return await fill
    except BaseException as exc:
        exc.add_note(f"{started} was started all the same; cancel it if you do not want it.")
        raise


def _finished(run: ScenarioRunView) -> bool:
    return run.state not in _NOT_FINISHED


def _remember(cache: OrderedDict[K, V], key: K, value: V) -> None:
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > _CACHE_SIZE:
        cache.popitem(last=False)
