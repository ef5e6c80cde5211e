"""Routes of benchmark runs (contract §4): retrieve, list, cancel, complete, list_scenario_runs,
download_logs. (``start_run`` lives under ``/v1/benchmarks``.)"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from runloop_nb.local._benchmark_runs import STATES
from runloop_nb.local._json_body import JSONRoute
from runloop_nb.local._listing import PageParams, page_params, parse_one_of
from runloop_nb.local._openapi import (
    CHANGE,
    END,
    LIST,
    RETRIEVE,
    RETRIEVE_WITH_QUERY,
    media,
    one_of_param,
)
from runloop_nb.local._run_logs import ZIP_MEDIA_TYPE, benchmark_run_zip
from runloop_nb.local._runs import STATES as SCENARIO_RUN_STATES
from runloop_nb.local._state import ServerState, get_state

router = APIRouter(prefix="/v1/benchmark_runs", tags=["benchmark runs"], route_class=JSONRoute)

State = Annotated[ServerState, Depends(get_state)]
Page = Annotated[PageParams, Depends(page_params)]
StateFilter = Annotated[str | None, Query(alias="state"), one_of_param(STATES)]
ScenarioRunState = Annotated[str | None, Query(alias="state"), one_of_param(SCENARIO_RUN_STATES)]
Json = dict[str, Any]


@router.get("", responses=LIST)
async def list_benchmark_runs(
    state: State,
    page: Page,
    benchmark_id: str | None = None,
    run_state: StateFilter = None,
    name: str | None = None,
    search: str | None = None,
) -> Json:
    return state.benchmark_runs.page(
        page,
        benchmark_id=benchmark_id,
        state=parse_one_of("state", run_state, STATES),
        name=name,
        search=search,
    )


@router.get("/{run_id}", responses=RETRIEVE)
async def retrieve_benchmark_run(state: State, run_id: str) -> Json:
    return state.benchmark_runs.view(state.benchmark_runs.get(run_id))


@router.get("/{run_id}/scenario_runs", responses=RETRIEVE_WITH_QUERY)
async def list_benchmark_scenario_runs(
    state: State,
    run_id: str,
    page: Page,
    run_state: ScenarioRunState = None,
    search: str | None = None,
) -> Json:
    return state.benchmark_runs.scenario_runs(
        run_id, page, state=parse_one_of("state", run_state, SCENARIO_RUN_STATES), search=search
    )


@router.post("/{run_id}/complete", responses=CHANGE)
async def complete_benchmark_run(state: State, run_id: str) -> Json:
    return await state.benchmark_runs.complete(run_id)


@router.post("/{run_id}/cancel", responses=END)
async def cancel_benchmark_run(state: State, run_id: str) -> Json:
    return await state.benchmark_runs.cancel(run_id)


@router.post(
    "/{run_id}/download_logs",
    responses={**END, **media(ZIP_MEDIA_TYPE, binary=True)},
    response_class=Response,
)
async def download_benchmark_run_logs(state: State, run_id: str) -> Response:
    return Response(benchmark_run_zip(state, run_id), media_type=ZIP_MEDIA_TYPE)
