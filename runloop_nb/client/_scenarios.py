"""`client.api.scenarios`: scenario definitions and starting scenario runs (§5)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from runloop_nb.client._backfill import Backfill, after_start
from runloop_nb.client._devboxes import Devboxes
from runloop_nb.client._paging import AsyncPager, make_pager
from runloop_nb.client._polling import PollingConfig
from runloop_nb.client._resource import Resource, path_id, wire_body
from runloop_nb.client._scenario_runs import ScenarioRuns
from runloop_nb.client._scorers import Scorers
from runloop_nb.client._transport import Transport
from runloop_nb.client._types import NOT_GIVEN, NotGiven, body_of
from runloop_nb.wire import (
    InputContext,
    RunProfile,
    ScenarioCreateParams,
    ScenarioEnvironment,
    ScenarioListView,
    ScenarioRunView,
    ScenarioStartRunParams,
    ScenarioUpdateParams,
    ScenarioView,
    ScoringContract,
)

Json = Mapping[str, Any]
StrList = Sequence[str]
StrMap = Mapping[str, str]


class Scenarios(Resource):
    """Scenarios: a problem, an environment and a scoring contract; `.runs` and `.scorers`."""

    def __init__(
        self,
        transport: Transport,
        polling: PollingConfig,
        devboxes: Devboxes,
        backfill: Backfill,
    ) -> None:
        super().__init__(transport, polling)
        self.runs = ScenarioRuns(transport, polling, backfill)
        self.scorers = Scorers(transport, polling)
        self._devboxes = devboxes
        self._backfill = backfill

    def list(
        self,
        *,
        benchmark_id: str | NotGiven = NOT_GIVEN,
        limit: int | NotGiven = NOT_GIVEN,
        name: str | NotGiven = NOT_GIVEN,
        search: str | NotGiven = NOT_GIVEN,
        validation_type: str | NotGiven = NOT_GIVEN,
        starting_after: str | NotGiven = NOT_GIVEN,
        include_total_count: bool | NotGiven = NOT_GIVEN,
    ) -> AsyncPager[ScenarioView]:
        """Your scenarios, optionally those of one benchmark."""
        query = body_of(
            benchmark_id=benchmark_id,
            limit=limit,
            name=name,
            search=search,
            validation_type=validation_type,
            starting_after=starting_after,
            include_total_count=include_total_count,
        )
        return make_pager(self._transport, "/v1/scenarios", ScenarioListView, query)

    def list_public(
        self,
        *,
        limit: int | NotGiven = NOT_GIVEN,
        name: str | NotGiven = NOT_GIVEN,
        search: str | NotGiven = NOT_GIVEN,
        starting_after: str | NotGiven = NOT_GIVEN,
        include_total_count: bool | NotGiven = NOT_GIVEN,
    ) -> AsyncPager[ScenarioView]:
        """Public scenarios."""
        query = body_of(
            limit=limit,
            name=name,
            search=search,
            starting_after=starting_after,
            include_total_count=include_total_count,
        )
        return make_pager(self._transport, "/v1/scenarios/list_public", ScenarioListView, query)

    async def retrieve(self, id: str) -> ScenarioView:
        """One scenario by id (archived ones too)."""
        return await self._transport.fetch(ScenarioView, "GET", _path(id))

    async def create(
        self,
        *,
        name: str,
        input_context: InputContext | Json,
        scoring_contract: ScoringContract | Json,
        environment_parameters: ScenarioEnvironment | Json | NotGiven | None = NOT_GIVEN,
        metadata: StrMap | NotGiven | None = NOT_GIVEN,
        reference_output: str | NotGiven | None = NOT_GIVEN,
        required_environment_variables: StrList | NotGiven | None = NOT_GIVEN,
        required_secret_names: StrList | NotGiven | None = NOT_GIVEN,
        scorer_timeout_sec: int | NotGiven = NOT_GIVEN,
        validation_type: str | NotGiven | None = NOT_GIVEN,
        idempotency_key: str | None = None,
    ) -> ScenarioView:
        """Create a scenario (the environment goes in `environment_parameters`)."""
        body = wire_body(
            ScenarioCreateParams,
            name=name,
            input_context=input_context,
            scoring_contract=scoring_contract,
            environment_parameters=environment_parameters,
            metadata=metadata,
            reference_output=reference_output,
            required_environment_variables=required_environment_variables,
            required_secret_names=required_secret_names,
            scorer_timeout_sec=scorer_timeout_sec,
            validation_type=validation_type,
        )
        return await self._transport.fetch(
            ScenarioView, "POST", "/v1/scenarios", json_body=body, idempotency_key=idempotency_key
        )

    async def update(
        self,
        id: str,
        *,
        name: str | NotGiven | None = NOT_GIVEN,
        input_context: Json | NotGiven | None = NOT_GIVEN,
        scoring_contract: Json | NotGiven | None = NOT_GIVEN,
        environment_parameters: ScenarioEnvironment | Json | NotGiven | None = NOT_GIVEN,
        metadata: StrMap | NotGiven | None = NOT_GIVEN,
        reference_output: str | NotGiven | None = NOT_GIVEN,
        required_environment_variables: StrList | NotGiven | None = NOT_GIVEN,
        required_secret_names: StrList | NotGiven | None = NOT_GIVEN,
        scorer_timeout_sec: int | NotGiven | None = NOT_GIVEN,
        validation_type: str | NotGiven | None = NOT_GIVEN,
    ) -> ScenarioView:
        """Change a scenario; None keeps a field, an empty value clears it."""
        body = wire_body(
            ScenarioUpdateParams,
            name=name,
            input_context=input_context,
            scoring_contract=scoring_contract,
            environment_parameters=environment_parameters,
            metadata=metadata,
            reference_output=reference_output,
            required_environment_variables=required_environment_variables,
            required_secret_names=required_secret_names,
            scorer_timeout_sec=scorer_timeout_sec,
            validation_type=validation_type,
        )
        return await self._transport.fetch(ScenarioView, "POST", _path(id), json_body=body)

    async def archive(self, id: str) -> ScenarioView:
        """Hide a scenario from lists (it can still be retrieved by id)."""
        return await self._transport.fetch(ScenarioView, "POST", _path(id, "/archive"))

    async def start_run(
        self,
        *,
        scenario_id: str,
        benchmark_run_id: str | NotGiven | None = NOT_GIVEN,
        run_name: str | NotGiven | None = NOT_GIVEN,
        metadata: StrMap | NotGiven | None = NOT_GIVEN,
        run_profile: RunProfile | Json | NotGiven | None = NOT_GIVEN,
        idempotency_key: str | None = None,
    ) -> ScenarioRunView:
        """Start a scenario run; its `devbox_id` is set at once (await it before working).

        Its `scenario` is the scenario's view (retrieved by the client when the server leaves
        it out).
        """
        body = wire_body(
            ScenarioStartRunParams,
            scenario_id=scenario_id,
            benchmark_run_id=benchmark_run_id,
            run_name=run_name,
            metadata=metadata,
            run_profile=run_profile,
        )
        run = await self._transport.fetch(
            ScenarioRunView,
            "POST",
            "/v1/scenarios/start_run",
            json_body=body,
            idempotency_key=idempotency_key,
        )
        started = f"scenario run {run.id} (devbox {run.devbox_id})"
        return await after_start(self._backfill.scenario_run(run), started)

    async def start_run_and_await_env_ready(
        self,
        *,
        scenario_id: str,
        benchmark_run_id: str | NotGiven | None = NOT_GIVEN,
        run_name: str | NotGiven | None = NOT_GIVEN,
        metadata: StrMap | NotGiven | None = NOT_GIVEN,
        run_profile: RunProfile | Json | NotGiven | None = NOT_GIVEN,
        polling: PollingConfig | None = None,
    ) -> ScenarioRunView:
        """`start_run`, then wait for its devbox to be running; returns the start response."""
        run = await self.start_run(
            scenario_id=scenario_id,
            benchmark_run_id=benchmark_run_id,
            run_name=run_name,
            metadata=metadata,
            run_profile=run_profile,
        )
        await self._devboxes.await_running(run.devbox_id, polling=polling)
        return run


def _path(id: str, suffix: str = "") -> str:
    return f"/v1/scenarios/{path_id(id, 'scenario id')}{suffix}"
