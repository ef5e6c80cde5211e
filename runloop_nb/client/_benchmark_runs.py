"""`client.api.benchmark_runs`: runs of a benchmark and their scenario runs (§4)."""

from __future__ import annotations

from runloop_nb.client._backfill import Backfill
from runloop_nb.client._paging import AsyncPager, make_pager
from runloop_nb.client._polling import PollingConfig
from runloop_nb.client._resource import Resource, path_id
from runloop_nb.client._transport import Transport
from runloop_nb.client._types import NOT_GIVEN, NotGiven, body_of
from runloop_nb.wire import (
    BenchmarkRunListView,
    BenchmarkRunView,
    ScenarioRunListView,
    ScenarioRunView,
)


class BenchmarkRuns(Resource):
    """Benchmark runs: one attempt at every scenario of a benchmark.

    Single runs (`retrieve`, `complete`, `cancel`) always carry `pending_scenarios`: when the
    server leaves it out the client computes it; list pages keep what the server sent.
    """

    def __init__(self, transport: Transport, polling: PollingConfig, backfill: Backfill) -> None:
        super().__init__(transport, polling)
        self._backfill = backfill

    def list(
        self,
        *,
        benchmark_id: str | NotGiven = NOT_GIVEN,
        limit: int | NotGiven = NOT_GIVEN,
        name: str | NotGiven = NOT_GIVEN,
        search: str | NotGiven = NOT_GIVEN,
        state: str | NotGiven = NOT_GIVEN,
        starting_after: str | NotGiven = NOT_GIVEN,
        include_total_count: bool | NotGiven = NOT_GIVEN,
    ) -> AsyncPager[BenchmarkRunView]:
        """Benchmark runs, optionally of one benchmark or in one state."""
        query = body_of(
            benchmark_id=benchmark_id,
            limit=limit,
            name=name,
            search=search,
            state=state,
            starting_after=starting_after,
            include_total_count=include_total_count,
        )
        return make_pager(self._transport, "/v1/benchmark_runs", BenchmarkRunListView, query)

    async def retrieve(self, id: str) -> BenchmarkRunView:
        """One benchmark run by id."""
        return await self._fetch("GET", self._path(id))

    async def complete(self, id: str) -> BenchmarkRunView:
        """Finish a running benchmark run; the server computes its score."""
        return await self._fetch("POST", self._path(id, "/complete"))

    async def cancel(self, id: str) -> BenchmarkRunView:
        """Cancel a benchmark run, its running scenario runs and their devboxes."""
        return await self._fetch("POST", self._path(id, "/cancel"))

    def list_scenario_runs(
        self,
        id: str,
        *,
        limit: int | NotGiven = NOT_GIVEN,
        search: str | NotGiven = NOT_GIVEN,
        state: str | NotGiven = NOT_GIVEN,
        starting_after: str | NotGiven = NOT_GIVEN,
        include_total_count: bool | NotGiven = NOT_GIVEN,
    ) -> AsyncPager[ScenarioRunView]:
        """The scenario runs started in a benchmark run."""
        query = body_of(
            limit=limit,
            search=search,
            state=state,
            starting_after=starting_after,
            include_total_count=include_total_count,
        )
        return make_pager(
            self._transport, self._path(id, "/scenario_runs"), ScenarioRunListView, query
        )

    async def _fetch(self, method: str, path: str) -> BenchmarkRunView:
        run = await self._transport.fetch(BenchmarkRunView, method, path)
        return await self._backfill.benchmark_run(run)

    @staticmethod
    def _path(id: str, suffix: str = "") -> str:
        return f"/v1/benchmark_runs/{path_id(id, 'benchmark run id')}{suffix}"
