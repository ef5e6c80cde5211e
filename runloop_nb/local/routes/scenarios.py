"""Routes of scenarios (contract §5): list, list_public, retrieve, create, update, archive,
unarchive, start_run."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from runloop_nb.local._json_body import JSONRoute
from runloop_nb.local._listing import PageParams, page_params
from runloop_nb.local._openapi import (
    ARCHIVE_SCENARIO,
    CREATE,
    EDIT_CATALOG,
    LIST,
    RETRIEVE,
    RETRIEVE_WITH_QUERY,
    START_SCENARIO_RUN,
)
from runloop_nb.local._state import ServerState, get_state
from runloop_nb.wire import ScenarioCreateParams, ScenarioStartRunParams, ScenarioUpdateParams

router = APIRouter(prefix="/v1/scenarios", tags=["scenarios"], route_class=JSONRoute)

State = Annotated[ServerState, Depends(get_state)]
Page = Annotated[PageParams, Depends(page_params)]
Json = dict[str, Any]


@router.get("", responses=RETRIEVE_WITH_QUERY)
async def list_scenarios(
    state: State,
    page: Page,
    benchmark_id: str | None = None,
    name: str | None = None,
    search: str | None = None,
    validation_type: str | None = None,
) -> Json:
    if benchmark_id:
        scenario_ids = state.benchmarks.get(benchmark_id)["scenarioIds"]
        return state.scenarios.list_of(scenario_ids, page, name=name, search=search)
    return state.scenarios.page(
        page, public=False, name=name, search=search, validation_type=validation_type
    )


@router.get("/list_public", responses=LIST)
async def list_public_scenarios(
    state: State, page: Page, name: str | None = None, search: str | None = None
) -> Json:
    return state.scenarios.page(page, public=True, name=name, search=search)


@router.post("", responses=CREATE)
async def create_scenario(state: State, params: ScenarioCreateParams) -> Json:
    return state.scenarios.create(params)


@router.post("/start_run", responses=START_SCENARIO_RUN)
async def start_scenario_run(state: State, params: ScenarioStartRunParams) -> Json:
    return await state.runs.start(params)


@router.get("/{scenario_id}", responses=RETRIEVE)
async def retrieve_scenario(state: State, scenario_id: str) -> Json:
    return state.scenarios.get(scenario_id)


@router.post("/{scenario_id}", responses=EDIT_CATALOG)
async def update_scenario(state: State, scenario_id: str, params: ScenarioUpdateParams) -> Json:
    return state.scenarios.update(scenario_id, params)


@router.post("/{scenario_id}/archive", responses=ARCHIVE_SCENARIO)
async def archive_scenario(state: State, scenario_id: str) -> Json:
    return state.scenarios.set_status(scenario_id, "archived")


@router.post("/{scenario_id}/unarchive", responses=ARCHIVE_SCENARIO)
async def unarchive_scenario(state: State, scenario_id: str) -> Json:
    return state.scenarios.set_status(scenario_id, "active")
