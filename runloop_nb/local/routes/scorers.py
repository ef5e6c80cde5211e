"""Routes of custom scorers (contract §7): create, retrieve, update (full replace), list."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from runloop_nb.local._json_body import JSONRoute
from runloop_nb.local._listing import PageParams, page_params
from runloop_nb.local._openapi import CHANGE, CREATE, LIST, RETRIEVE
from runloop_nb.local._state import ServerState, get_state
from runloop_nb.wire import ScorerCreateParams, ScorerUpdateParams

router = APIRouter(prefix="/v1/scenarios/scorers", tags=["scorers"], route_class=JSONRoute)

State = Annotated[ServerState, Depends(get_state)]
Page = Annotated[PageParams, Depends(page_params)]
Json = dict[str, Any]


@router.get("", responses=LIST)
async def list_scorers(state: State, page: Page, search: str | None = None) -> Json:
    return state.scorers.page(page, search=search)


@router.post("", responses=CREATE)
async def create_scorer(state: State, params: ScorerCreateParams) -> Json:
    return state.scorers.create(params)


@router.get("/{scorer_id}", responses=RETRIEVE)
async def retrieve_scorer(state: State, scorer_id: str) -> Json:
    return state.scorers.get(scorer_id)


@router.post("/{scorer_id}", responses=CHANGE)
async def update_scorer(state: State, scorer_id: str, params: ScorerUpdateParams) -> Json:
    return state.scorers.update(scorer_id, params)
