"""`client.api.benchmarks`: benchmark definitions and starting benchmark runs (§3)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from runloop_nb.client._backfill import Backfill, after_start
from runloop_nb.client._benchmark_names import by_id
from runloop_nb.client._paging import AsyncPager, check_limit, make_pager
from runloop_nb.client._polling import PollingConfig
from runloop_nb.client._resource import Resource, path_id, wire_body
from runloop_nb.client._transport import Transport
from runloop_nb.client._types import NOT_GIVEN, NotGiven, body_of
from runloop_nb.wire import (
    BenchmarkCreateParams,
    BenchmarkDefinitionsView,
    BenchmarkListView,
    BenchmarkRunView,
    BenchmarkStartRunParams,
    BenchmarkUpdateParams,
    BenchmarkView,
    RunProfile,
    UpdateScenariosParams,
)

StrList = Sequence[str]
StrMap = Mapping[str, str]


class Benchmarks(Resource):
    """Benchmarks: named lists of scenarios."""

    def __init__(self, transport: Transport, polling: PollingConfig, backfill: Backfill) -> None:
        super().__init__(transport, polling)
        self._backfill = backfill

    def list(
        self,
        *,
        limit: int | NotGiven = NOT_GIVEN,
        name: str | NotGiven = NOT_GIVEN,
        search: str | NotGiven = NOT_GIVEN,
        starting_after: str | NotGiven = NOT_GIVEN,
        include_total_count: bool | NotGiven = NOT_GIVEN,
    ) -> AsyncPager[BenchmarkView]:
        """Your benchmarks: `await` for the first page, `async for` for all of them."""
        query = body_of(
            limit=limit,
            name=name,
            search=search,
            starting_after=starting_after,
            include_total_count=include_total_count,
        )
        return make_pager(self._transport, "/v1/benchmarks", BenchmarkListView, query)

    def list_public(
        self,
        *,
        limit: int | NotGiven = NOT_GIVEN,
        name: str | NotGiven = NOT_GIVEN,
        search: str | NotGiven = NOT_GIVEN,
        starting_after: str | NotGiven = NOT_GIVEN,
        include_total_count: bool | NotGiven = NOT_GIVEN,
    ) -> AsyncPager[BenchmarkView]:
        """Public benchmarks: `await` for the first page, `async for` for all of them."""
        query = body_of(
            limit=limit,
            name=name,
            search=search,
            starting_after=starting_after,
            include_total_count=include_total_count,
        )
        return make_pager(self._transport, "/v1/benchmarks/list_public", BenchmarkListView, query)

    async def retrieve(self, id: str) -> BenchmarkView:
        """One benchmark by id (a 404 for a benchmark's name says that name's id)."""
        call = self._transport.fetch(
            BenchmarkView, "GET", f"/v1/benchmarks/{path_id(id, 'benchmark id')}"
        )
        return await by_id(self, id, call)

    async def create(
        self,
        *,
        name: str,
        scenario_ids: StrList | NotGiven | None = NOT_GIVEN,
        metadata: StrMap | NotGiven | None = NOT_GIVEN,
        required_environment_variables: StrList | NotGiven | None = NOT_GIVEN,
        required_secret_names: StrList | NotGiven | None = NOT_GIVEN,
        attribution: str | NotGiven | None = NOT_GIVEN,
        description: str | NotGiven | None = NOT_GIVEN,
        idempotency_key: str | None = None,
    ) -> BenchmarkView:
        """Create a benchmark from scenario ids."""
        body = wire_body(
            BenchmarkCreateParams,
            name=name,
            scenario_ids=scenario_ids,
            metadata=metadata,
            required_environment_variables=required_environment_variables,
            required_secret_names=required_secret_names,
            attribution=attribution,
            description=description,
        )
        return await self._transport.fetch(
            BenchmarkView,
            "POST",
            "/v1/benchmarks",
            json_body=body,
            idempotency_key=idempotency_key,
        )

    async def update(
        self,
        id: str,
        *,
        name: str | NotGiven | None = NOT_GIVEN,
        scenario_ids: StrList | NotGiven | None = NOT_GIVEN,
        metadata: StrMap | NotGiven | None = NOT_GIVEN,
        required_environment_variables: StrList | NotGiven | None = NOT_GIVEN,
        required_secret_names: StrList | NotGiven | None = NOT_GIVEN,
        attribution: str | NotGiven | None = NOT_GIVEN,
        description: str | NotGiven | None = NOT_GIVEN,
    ) -> BenchmarkView:
        """Change a benchmark; None keeps a field, an empty value clears it."""
        body = wire_body(
            BenchmarkUpdateParams,
            name=name,
            scenario_ids=scenario_ids,
            metadata=metadata,
            required_environment_variables=required_environment_variables,
            required_secret_names=required_secret_names,
            attribution=attribution,
            description=description,
        )
        call = self._transport.fetch(
            BenchmarkView,
            "POST",
            f"/v1/benchmarks/{path_id(id, 'benchmark id')}",
            json_body=body,
        )
        return await by_id(self, id, call)

    async def definitions(
        self,
        id: str,
        *,
        limit: int | NotGiven = NOT_GIVEN,
        starting_after: str | NotGiven = NOT_GIVEN,
    ) -> BenchmarkDefinitionsView:
        """The scenarios of a benchmark (one plain page: `scenarios`, `has_more`)."""
        check_limit(limit)
        call = self._transport.fetch(
            BenchmarkDefinitionsView,
            "GET",
            f"/v1/benchmarks/{path_id(id, 'benchmark id')}/definitions",
            query=body_of(limit=limit, starting_after=starting_after),
        )
        return await by_id(self, id, call)

    async def start_run(
        self,
        *,
        benchmark_id: str,
        run_name: str | NotGiven | None = NOT_GIVEN,
        metadata: StrMap | NotGiven | None = NOT_GIVEN,
        run_profile: RunProfile | Mapping[str, Any] | NotGiven | None = NOT_GIVEN,
        idempotency_key: str | None = None,
    ) -> BenchmarkRunView:
        """Start an interactive benchmark run (state `running`); start its scenarios yourself.

        Its `pending_scenarios` are the scenario ids to start (filled by the client when the
        server leaves them out, as the cloud does).
        """
        body = wire_body(
            BenchmarkStartRunParams,
            benchmark_id=benchmark_id,
            run_name=run_name,
            metadata=metadata,
            run_profile=run_profile,
        )
        call = self._transport.fetch(
            BenchmarkRunView,
            "POST",
            "/v1/benchmarks/start_run",
            json_body=body,
            idempotency_key=idempotency_key,
        )
        run = await by_id(self, benchmark_id, call)
        started = f"benchmark run {run.id}"
        return await after_start(self._backfill.benchmark_run(run), started)

    async def update_scenarios(
        self,
        id: str,
        *,
        scenarios_to_add: StrList | NotGiven | None = NOT_GIVEN,
        scenarios_to_remove: StrList | NotGiven | None = NOT_GIVEN,
    ) -> BenchmarkView:
        """Add and/or remove scenarios of a benchmark."""
        body = wire_body(
            UpdateScenariosParams,
            scenarios_to_add=scenarios_to_add,
            scenarios_to_remove=scenarios_to_remove,
        )
        call = self._transport.fetch(
            BenchmarkView,
            "POST",
            f"/v1/benchmarks/{path_id(id, 'benchmark id')}/scenarios",
            json_body=body,
        )
        return await by_id(self, id, call)
