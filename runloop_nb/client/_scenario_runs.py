"""`client.api.scenarios.runs`: scoring, completing and cancelling scenario runs (§6)."""

from __future__ import annotations

from typing import get_args

from runloop_nb.client._backfill import Backfill
from runloop_nb.client._paging import AsyncPager, make_pager
from runloop_nb.client._polling import PollingConfig, long_poll, poll_until
from runloop_nb.client._resource import Resource, path_id
from runloop_nb.client._transport import Transport
from runloop_nb.client._types import NOT_GIVEN, NotGiven, body_of
from runloop_nb.errors import UnexpectedStateError
from runloop_nb.wire import ScenarioRunListView, ScenarioRunView
from runloop_nb.wire._scenario_runs import ScenarioRunState

#: The extension (see `Transport.extensions`) that lets `await_scored` long-poll.
RUN_WAIT_EXTENSION = "scenario-run-wait"
_AFTER_SCORING = [state for state in get_args(ScenarioRunState) if state != "scoring"]


class ScenarioRuns(Resource):
    """Scenario runs: one attempt at one scenario, in its own devbox.

    Single runs always carry `scenario`: when the server leaves it out the client retrieves it
    (once per run); list pages keep what the server sent.
    """

    def __init__(self, transport: Transport, polling: PollingConfig, backfill: Backfill) -> None:
        super().__init__(transport, polling)
        self._backfill = backfill

    def list(
        self,
        *,
        benchmark_run_id: str | NotGiven = NOT_GIVEN,
        scenario_id: str | NotGiven = NOT_GIVEN,
        limit: int | NotGiven = NOT_GIVEN,
        name: str | NotGiven = NOT_GIVEN,
        search: str | NotGiven = NOT_GIVEN,
        state: str | NotGiven = NOT_GIVEN,
        starting_after: str | NotGiven = NOT_GIVEN,
        include_total_count: bool | NotGiven = NOT_GIVEN,
    ) -> AsyncPager[ScenarioRunView]:
        """Scenario runs, optionally of one benchmark run or scenario, or in one state."""
        query = body_of(
            benchmark_run_id=benchmark_run_id,
            scenario_id=scenario_id,
            limit=limit,
            name=name,
            search=search,
            state=state,
            starting_after=starting_after,
            include_total_count=include_total_count,
        )
        return make_pager(self._transport, "/v1/scenarios/runs", ScenarioRunListView, query)

    async def retrieve(self, id: str) -> ScenarioRunView:
        """One scenario run by id."""
        return await self._fetch("GET", _path(id))

    async def score(self, id: str) -> ScenarioRunView:
        """Start scoring a running scenario run (state becomes `scoring`)."""
        return await self._fetch("POST", _path(id, "/score"))

    async def await_scored(
        self,
        id: str,
        *,
        polling: PollingConfig | None = None,
        timeout_seconds: float | None = None,
    ) -> ScenarioRunView:
        """Wait until scoring ends; return the run when it is `scored`.

        The cloud is polled with `GET` (pauses from `first_interval_seconds` doubling up to
        `interval_seconds`); the embedded server, which says it can, holds one request until
        scoring ends (its `wait_for_status` extension), so the answer comes the moment it does.

        Raises:
            UnexpectedStateError: scoring ended in another state (e.g. `failed`).
            PollingTimeoutError: still scoring when the budget ran out.
        """
        config = (polling or self._polling).with_timeout(timeout_seconds)
        what = f"scenario run {id} to be scored"
        if RUN_WAIT_EXTENSION in self._transport.extensions:
            data = await long_poll(
                self._transport,
                _path(id, "/wait_for_status"),
                statuses=_AFTER_SCORING,
                pending={"scoring"},
                hold_cap=config.devbox_hold_seconds,
                config=config,
                what=what,
            )
            run = await self._backfill.scenario_run(ScenarioRunView.model_validate(data))
        else:
            run = await poll_until(
                self._transport,
                lambda: self.retrieve(id),
                lambda item: item.state,
                pending={"scoring"},
                config=config,
                what=what,
            )
        if run.state != "scored":
            raise UnexpectedStateError(
                what, state=run.state, expected="scored", detail=_scorer_errors(run)
            )
        return run

    async def score_and_await(
        self, id: str, *, polling: PollingConfig | None = None, timeout_seconds: float | None = None
    ) -> ScenarioRunView:
        """`score`, then `await_scored`."""
        await self.score(id)
        return await self.await_scored(id, polling=polling, timeout_seconds=timeout_seconds)

    async def score_and_complete(
        self, id: str, *, polling: PollingConfig | None = None, timeout_seconds: float | None = None
    ) -> ScenarioRunView:
        """`score_and_await`, then `complete`; returns the completed run."""
        await self.score_and_await(id, polling=polling, timeout_seconds=timeout_seconds)
        return await self.complete(id)

    async def complete(self, id: str) -> ScenarioRunView:
        """Finish a scenario run and shut its devbox down."""
        return await self._fetch("POST", _path(id, "/complete"))

    async def cancel(self, id: str) -> ScenarioRunView:
        """Cancel a scenario run and shut its devbox down."""
        return await self._fetch("POST", _path(id, "/cancel"))

    async def _fetch(self, method: str, path: str) -> ScenarioRunView:
        run = await self._transport.fetch(ScenarioRunView, method, path)
        return await self._backfill.scenario_run(run)

    async def download_logs(self, id: str) -> bytes:
        """The zip archive of every log of the run's devbox."""
        response = await self._transport.request(
            "POST", _path(id, "/download_logs"), accept="application/zip"
        )
        return response.content


def _scorer_errors(run: ScenarioRunView) -> str | None:
    # The tail of each failed scorer's output says why scoring failed; the rest is noise here.
    result = run.scoring_contract_result
    if result is None:
        return None
    failed = [r for r in result.scoring_function_results if r.state == "error"]
    text = "; ".join(f"{r.scoring_function_name}: {r.output.strip()[-300:]}" for r in failed)
    return text or None


def _path(id: str, suffix: str = "") -> str:
    return f"/v1/scenarios/runs/{path_id(id, 'scenario run id')}{suffix}"
