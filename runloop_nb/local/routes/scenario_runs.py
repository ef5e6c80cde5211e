"""Routes of scenario runs (contract §6): retrieve, list, score, complete, cancel, download_logs,
and ``wait_for_status``, this server's one extension of the contract (see there)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from runloop_nb.local._errors import RequestTimeout
from runloop_nb.local._json_body import JSONRoute
from runloop_nb.local._listing import PageParams, page_params, parse_one_of
from runloop_nb.local._openapi import CHANGE, END, HOLD, LIST, RETRIEVE, media, one_of_param
from runloop_nb.local._run_logs import ZIP_MEDIA_TYPE, scenario_run_zip
from runloop_nb.local._runs import STATES
from runloop_nb.local._state import ServerState, get_state
from runloop_nb.wire import ScenarioRunWaitParams

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


@router.post("/{run_id}/wait_for_status", responses=HOLD)
async def wait_for_scenario_run_status(
    state: State, run_id: str, params: ScenarioRunWaitParams
) -> Json:
    """Hold until the run is in one of ``statuses`` (its states; ≤30 s, default 10 s); 408 when
    the hold runs out.

    Not in the cloud's contract, where ``await_scored`` polls ``GET`` with pauses: here the
    client learns the moment scoring ends, with one request. Every answer of this server says
    it offers this (``_access_log.EXTENSIONS_HEADER``), so the client uses it only where it exists.
    """
    done = await state.runs.wait_for_state(run_id, list(params.statuses), params.timeout_seconds)
    if done is None:
        raise RequestTimeout(
            f"Scenario run {run_id} did not reach {list(params.statuses)} within the hold; "
            "ask again."
        )
    return done


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
