"""Routes of scenario runs (contract §6): retrieve, list, score, complete, cancel, download_logs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from runloop_nb.local._json_body import JSONRoute
from runloop_nb.local._listing import PageParams, page_params, parse_one_of
from runloop_nb.local._openapi import CHANGE, END, LIST, RETRIEVE, media, one_of_param
from runloop_nb.local._run_logs import ZIP_MEDIA_TYPE, scenario_run_zip
from runloop_nb.local._runs import STATES
from runloop_nb.local._state import ServerState, get_state

router = APIRouter(prefix="/v1/scenarios/runs", tags=["scenario runs"], route_class=JSONRoute)

State = Annotated[ServerState, Depends(get_state)]
Page = Annotated[PageParams, Depends(page_params)]
Json = dict[str, Any]


@router.get("", responses=LIST)
async def list_scenario_runs(
    state: State,
    page: Page,
    benchmark_run_id: str | None = None,
    scenario_id: str | None = None,
    run_state: Annotated[str | None, Query(alias="state"), one_of_param(STATES)] = None,
    name: str | None = None,
    search: str | None = None,
) -> Json:
    return state.runs.page(
        page,
        benchmark_run_id=benchmark_run_id,
        scenario_id=scenario_id,
        state=parse_one_of("state", run_state, STATES),
        name=name,
        search=search,
    )


@router.get("/{run_id}", responses=RETRIEVE)
async def retrieve_scenario_run(state: State, run_id: str) -> Json:
    return state.runs.view(state.runs.get(run_id))


@router.post("/{run_id}/score", responses=CHANGE)
async def score_scenario_run(state: State, run_id: str) -> Json:
    return state.runs.score(run_id)


@router.post("/{run_id}/complete", responses=CHANGE)
async def complete_scenario_run(state: State, run_id: str) -> Json:
    return await state.runs.complete(run_id)


@router.post("/{run_id}/cancel", responses=END)
async def cancel_scenario_run(state: State, run_id: str) -> Json:
    return await state.runs.cancel(run_id)


@router.post(
    "/{run_id}/download_logs",
    responses={**END, **media(ZIP_MEDIA_TYPE, binary=True)},
    response_class=Response,
)
async def download_scenario_run_logs(state: State, run_id: str) -> Response:
    return Response(scenario_run_zip(state, run_id), media_type=ZIP_MEDIA_TYPE)
