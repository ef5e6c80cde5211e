"""`client.api.benchmark_runs`: runs of a benchmark and their scenario runs (§4)."""

from __future__ import annotations

from runloop_nb.client._paging import AsyncPager, make_pager
from runloop_nb.client._resource import Resource, path_id
from runloop_nb.client._types import NOT_GIVEN, NotGiven, body_of
from runloop_nb.wire import (
    BenchmarkRunListView,
    BenchmarkRunView,
    ScenarioRunListView,
    ScenarioRunView,
)


class BenchmarkRuns(Resource):
    """Benchmark runs: one attempt at every scenario of a benchmark."""

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
        return await self._transport.fetch(BenchmarkRunView, "GET", self._path(id))

    async def complete(self, id: str) -> BenchmarkRunView:
        """Finish a running benchmark run; the server computes its score."""
        return await self._transport.fetch(BenchmarkRunView, "POST", self._path(id, "/complete"))

    async def cancel(self, id: str) -> BenchmarkRunView:
        """Cancel a benchmark run, its running scenario runs and their devboxes."""
        return await self._transport.fetch(BenchmarkRunView, "POST", self._path(id, "/cancel"))

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

    @staticmethod
    def _path(id: str, suffix: str = "") -> str:
        return f"/v1/benchmark_runs/{path_id(id, 'benchmark run id')}{suffix}"
