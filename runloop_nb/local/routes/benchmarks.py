"""Routes of benchmarks (contract §3): list, list_public, retrieve, create, update, definitions,
start_run, scenarios (add/remove), archive/unarchive."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from runloop_nb.local._json_body import JSONRoute
from runloop_nb.local._listing import PageParams, page_params
from runloop_nb.local._openapi import (
    CHANGE,
    CREATE,
    EDIT_CATALOG,
    LIST,
    RETRIEVE,
    RETRIEVE_WITH_QUERY,
)
from runloop_nb.local._state import ServerState, get_state
from runloop_nb.wire import (
    BenchmarkCreateParams,
    BenchmarkStartRunParams,
    BenchmarkUpdateParams,
    UpdateScenariosParams,
)

router = APIRouter(prefix="/v1/benchmarks", tags=["benchmarks"], route_class=JSONRoute)

State = Annotated[ServerState, Depends(get_state)]
Page = Annotated[PageParams, Depends(page_params)]
Json = dict[str, Any]


@router.get("", responses=LIST)
async def list_benchmarks(
    state: State, page: Page, name: str | None = None, search: str | None = None
) -> Json:
    return state.benchmarks.page(page, public=False, name=name, search=search)


@router.get("/list_public", responses=LIST)
async def list_public_benchmarks(
    state: State, page: Page, name: str | None = None, search: str | None = None
) -> Json:
    return state.benchmarks.page(page, public=True, name=name, search=search)


@router.post("", responses=CREATE)
async def create_benchmark(state: State, params: BenchmarkCreateParams) -> Json:
    return state.benchmarks.create(params)


@router.post("/start_run", responses=CHANGE)
async def start_benchmark_run(state: State, params: BenchmarkStartRunParams) -> Json:
    return state.benchmark_runs.start(params)


@router.get("/{benchmark_id}", responses=RETRIEVE)
async def retrieve_benchmark(state: State, benchmark_id: str) -> Json:
    return state.benchmarks.get(benchmark_id)


@router.post("/{benchmark_id}", responses=EDIT_CATALOG)
async def update_benchmark(state: State, benchmark_id: str, params: BenchmarkUpdateParams) -> Json:
    return state.benchmarks.update(benchmark_id, params)


@router.get("/{benchmark_id}/definitions", responses=RETRIEVE_WITH_QUERY)
async def benchmark_definitions(state: State, benchmark_id: str, page: Page) -> Json:
    return state.benchmarks.definitions(benchmark_id, page)


@router.post("/{benchmark_id}/scenarios", responses=EDIT_CATALOG)
async def update_benchmark_scenarios(
    state: State, benchmark_id: str, params: UpdateScenariosParams
) -> Json:
    return state.benchmarks.update_scenarios(benchmark_id, params)


@router.post("/{benchmark_id}/archive", responses=EDIT_CATALOG)
async def archive_benchmark(state: State, benchmark_id: str) -> Json:
    return state.benchmarks.set_status(benchmark_id, "archived")


@router.post("/{benchmark_id}/unarchive", responses=EDIT_CATALOG)
async def unarchive_benchmark(state: State, benchmark_id: str) -> Json:
    return state.benchmarks.set_status(benchmark_id, "active")
