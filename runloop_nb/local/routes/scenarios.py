"""Routes of scenarios (contract §5): list, list_public, retrieve, create, update, archive,
unarchive, start_run."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from runloop_nb.local._json_body import JSONRoute
from runloop_nb.local._listing import PageParams, page_params
from runloop_nb.local._state import ServerState, get_state
from runloop_nb.wire import ScenarioCreateParams, ScenarioStartRunParams, ScenarioUpdateParams

router = APIRouter(prefix="/v1/scenarios", tags=["scenarios"], route_class=JSONRoute)

State = Annotated[ServerState, Depends(get_state)]
Page = Annotated[PageParams, Depends(page_params)]
Json = dict[str, Any]


@router.get("")
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


@router.get("/list_public")
async def list_public_scenarios(
    state: State, page: Page, name: str | None = None, search: str | None = None
) -> Json:
    return state.scenarios.page(page, public=True, name=name, search=search)


@router.post("")
async def create_scenario(state: State, params: ScenarioCreateParams) -> Json:
    return state.scenarios.create(params)


@router.post("/start_run")
async def start_scenario_run(state: State, params: ScenarioStartRunParams) -> Json:
    return await state.runs.start(params)


@router.get("/{scenario_id}")
async def retrieve_scenario(state: State, scenario_id: str) -> Json:
    return state.scenarios.get(scenario_id)


@router.post("/{scenario_id}")
async def update_scenario(state: State, scenario_id: str, params: ScenarioUpdateParams) -> Json:
    return state.scenarios.update(scenario_id, params)


@router.post("/{scenario_id}/archive")
async def archive_scenario(state: State, scenario_id: str) -> Json:
    return state.scenarios.set_status(scenario_id, "archived")


@router.post("/{scenario_id}/unarchive")
async def unarchive_scenario(state: State, scenario_id: str) -> Json:
    return state.scenarios.set_status(scenario_id, "active")
