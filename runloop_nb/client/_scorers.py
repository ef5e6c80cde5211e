"""`client.api.scenarios.scorers`: custom scorer types (§7)."""

from __future__ import annotations

from runloop_nb.client._paging import AsyncPager, make_pager
from runloop_nb.client._resource import Resource, path_id, wire_body
from runloop_nb.client._types import NOT_GIVEN, NotGiven, body_of
from runloop_nb.wire import (
    ScenarioScorerView,
    ScorerCreateParams,
    ScorerListView,
    ScorerUpdateParams,
)


class Scorers(Resource):
    """Custom scorers: bash scripts registered under a type name."""

    async def create(self, *, type: str, bash_script: str) -> ScenarioScorerView:
        """Register a custom scorer type (its script reads `$RL_SCORER_CONTEXT`)."""
        body = wire_body(ScorerCreateParams, type=type, bash_script=bash_script)
        return await self._transport.fetch(
            ScenarioScorerView, "POST", "/v1/scenarios/scorers", json_body=body
        )

    async def retrieve(self, id: str) -> ScenarioScorerView:
        """One custom scorer by id."""
        return await self._transport.fetch(ScenarioScorerView, "GET", _path(id))

    async def update(self, id: str, *, type: str, bash_script: str) -> ScenarioScorerView:
        """Replace a custom scorer's type name and script."""
        body = wire_body(ScorerUpdateParams, type=type, bash_script=bash_script)
        return await self._transport.fetch(ScenarioScorerView, "POST", _path(id), json_body=body)

    def list(
        self,
        *,
        limit: int | NotGiven = NOT_GIVEN,
        search: str | NotGiven = NOT_GIVEN,
        starting_after: str | NotGiven = NOT_GIVEN,
        include_total_count: bool | NotGiven = NOT_GIVEN,
    ) -> AsyncPager[ScenarioScorerView]:
        """Custom scorers of this account."""
        query = body_of(
            limit=limit,
            search=search,
            starting_after=starting_after,
            include_total_count=include_total_count,
        )
        return make_pager(self._transport, "/v1/scenarios/scorers", ScorerListView, query)


def _path(id: str) -> str:
    return f"/v1/scenarios/scorers/{path_id(id, 'scorer id')}"
