"""Long-poll and GET-poll awaits: 408 means "not yet", budgets, and wrong end states."""

from __future__ import annotations

import json

import httpx
import pytest
from support.fake_cloud import FakeCloud, body_of, devbox_json, scenario_json

from runloop_nb.client import PollingConfig, RunloopClient
from runloop_nb.errors import (
    InternalServerError,
    PollingTimeoutError,
    UnexpectedStateError,
)

SCENARIO = scenario_json()


def scenario_run(state: str) -> dict[str, object]:
    # The embedded scenario keeps the client from retrieving it (tests/client/test_backfill.py).
    return {
        "id": "scr_1",
        "scenario_id": "scn_1",
        "devbox_id": "dbx_1",
        "state": state,
        "metadata": {},
        "scenario": SCENARIO,
    }


WAIT = "/v1/devboxes/dbx_1/wait_for_status"


async def test_408_twice_then_running(cloud: FakeCloud, client: RunloopClient) -> None:
    cloud.add("POST", WAIT, httpx.Response(408), httpx.Response(408), devbox_json("running"))
    view = await client.api.devboxes.await_running("dbx_1")
    assert view.status == "running"
    assert len(cloud.requests) == 3
    assert cloud.sleeps == []  # 408 = call again at once
    first = body_of(cloud.requests[0])
    assert first == {"statuses": ["running", "failure", "shutdown"], "timeout_seconds": 30.0}
    assert cloud.requests[0].extensions["timeout"]["read"] == 35.0  # hold + 5 s


async def test_budget_exhausted_names_what_was_awaited(cloud: FakeCloud) -> None:
    def hold_then_408(request: httpx.Request) -> httpx.Response:
        cloud.now += json.loads(request.content)["timeout_seconds"]  # the server held that long
        return httpx.Response(408)

    cloud.add("POST", WAIT, hold_then_408)
    async with cloud.client(polling=PollingConfig(timeout_seconds=70)) as client:
        with pytest.raises(PollingTimeoutError, match="devbox dbx_1 to be running") as caught:
            await client.api.devboxes.await_running("dbx_1")
    holds = [body_of(r)["timeout_seconds"] for r in cloud.requests]
    assert holds == [30.0, 30.0, 10.0]  # the last hold is what remains of the budget
    assert caught.value.budget_seconds == 70


async def test_timeout_seconds_argument_overrides_the_budget(
    cloud: FakeCloud, client: RunloopClient
) -> None:
    def hold_then_408(request: httpx.Request) -> httpx.Response:
        cloud.now += json.loads(request.content)["timeout_seconds"]
        return httpx.Response(408)

    cloud.add("POST", WAIT, hold_then_408)
    with pytest.raises(PollingTimeoutError, match="after 5 s"):
        await client.api.devboxes.await_running("dbx_1", timeout_seconds=5)
    assert [body_of(r)["timeout_seconds"] for r in cloud.requests] == [5.0]


async def test_devbox_failure_is_an_unexpected_state(
    cloud: FakeCloud, client: RunloopClient
) -> None:
    cloud.add("POST", WAIT, devbox_json("failure", failure_reason="out_of_memory"))
    with pytest.raises(UnexpectedStateError, match="out_of_memory") as caught:
        await client.api.devboxes.await_running("dbx_1")
    assert caught.value.state == "failure"


async def test_connection_errors_during_long_poll_mean_not_yet(
    cloud: FakeCloud, client: RunloopClient
) -> None:
    def drop(request: httpx.Request) -> httpx.Response:
        raise httpx.RemoteProtocolError("GOAWAY", request=request)

    def read_timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    cloud.add("POST", WAIT, drop, read_timeout, devbox_json("suspended"))
    view = await client.api.devboxes.await_suspended("dbx_1")
    assert view.status == "suspended"
    assert len(cloud.requests) == 3
    assert cloud.sleeps == [0.5]  # a short pause only after the broken connection


async def test_server_error_during_long_poll_is_raised(
    cloud: FakeCloud, client: RunloopClient
) -> None:
    cloud.add("POST", WAIT, httpx.Response(500))
    with pytest.raises(InternalServerError):
        await client.api.devboxes.await_running("dbx_1")
    assert len(cloud.requests) == 1  # long polls run with max_retries=0


async def test_execution_await_completed_uses_25s_holds(
    cloud: FakeCloud, client: RunloopClient
) -> None:
    path = "/v1/devboxes/dbx_1/executions/exn_1/wait_for_status"
    done = {"devbox_id": "dbx_1", "execution_id": "exn_1", "status": "completed", "exit_status": 0}
    cloud.add("POST", path, httpx.Response(408), done)
    view = await client.api.devboxes.executions.await_completed("exn_1", devbox_id="dbx_1")
    assert view.exit_status == 0
    assert body_of(cloud.requests[0]) == {"statuses": ["completed"], "timeout_seconds": 25.0}


async def test_score_and_await_polls_while_scoring(cloud: FakeCloud, client: RunloopClient) -> None:
    cloud.add("POST", "/v1/scenarios/runs/scr_1/score", scenario_run("scoring"))
    scored = {
        **scenario_run("scored"),
        "scoring_contract_result": {"score": 1.0, "scoring_function_results": []},
    }
    cloud.add(
        "GET", "/v1/scenarios/runs/scr_1", scenario_run("scoring"), scenario_run("scoring"), scored
    )
    run = await client.api.scenarios.runs.score_and_await("scr_1")
    assert run.state == "scored"
    assert run.scoring_contract_result is not None
    assert cloud.sleeps == [0.02, 0.04]  # quick scorers are seen quickly: pauses double


LOCAL = {"x-runloop-nb-extensions": "scenario-run-wait"}  # what the embedded server sends


async def test_score_and_await_long_polls_a_server_that_offers_it(
    cloud: FakeCloud, client: RunloopClient
) -> None:
    cloud.add(
        "POST", "/v1/scenarios/runs/scr_1/score",
        httpx.Response(200, json=scenario_run("scoring"), headers=LOCAL),
    )  # fmt: skip
    scored = {
        **scenario_run("scored"),
        "scoring_contract_result": {"score": 1.0, "scoring_function_results": []},
    }
    wait = "/v1/scenarios/runs/scr_1/wait_for_status"
    cloud.add("POST", wait, httpx.Response(408, headers=LOCAL), scored)
    run = await client.api.scenarios.runs.score_and_await("scr_1")
    assert run.state == "scored"
    assert [r.url.path for r in cloud.requests] == ["/v1/scenarios/runs/scr_1/score", wait, wait]
    assert cloud.sleeps == []  # held by the server, never a pause of ours
    statuses = body_of(cloud.requests[1])["statuses"]
    assert "scoring" not in statuses
    assert {"scored", "failed", "canceled"} <= set(statuses)


async def test_a_server_without_the_extension_is_polled_with_get(
    cloud: FakeCloud, client: RunloopClient
) -> None:
    cloud.add("POST", "/v1/scenarios/runs/scr_1/score", scenario_run("scoring"))
    cloud.add("GET", "/v1/scenarios/runs/scr_1", scenario_run("failed"))
    with pytest.raises(UnexpectedStateError, match="'failed' instead of 'scored'"):
        await client.api.scenarios.runs.score_and_await("scr_1")
    assert "wait_for_status" not in " ".join(r.url.path for r in cloud.requests)


async def test_await_scored_ending_failed_raises(cloud: FakeCloud, client: RunloopClient) -> None:
    cloud.add("GET", "/v1/scenarios/runs/scr_1", scenario_run("scoring"), scenario_run("failed"))
    with pytest.raises(UnexpectedStateError, match="'failed' instead of 'scored'"):
        await client.api.scenarios.runs.await_scored("scr_1")


async def test_await_scored_budget(cloud: FakeCloud) -> None:
    cloud.add("GET", "/v1/scenarios/runs/scr_1", scenario_run("scoring"))
    config = PollingConfig(timeout_seconds=3, interval_seconds=1, first_interval_seconds=1)
    async with cloud.client(polling=config) as client:
        with pytest.raises(PollingTimeoutError, match="'scoring'"):
            await client.api.scenarios.runs.await_scored("scr_1")
    assert cloud.sleeps == [1, 1, 1]


async def test_score_and_complete_returns_the_completed_run(
    cloud: FakeCloud, client: RunloopClient
) -> None:
    cloud.add("POST", "/v1/scenarios/runs/scr_1/score", scenario_run("scoring"))
    cloud.add("GET", "/v1/scenarios/runs/scr_1", scenario_run("scored"))
    cloud.add("POST", "/v1/scenarios/runs/scr_1/complete", scenario_run("completed"))
    run = await client.api.scenarios.runs.score_and_complete("scr_1")
    assert run.state == "completed"
    assert [r.url.path.rsplit("/", 1)[-1] for r in cloud.requests] == ["score", "scr_1", "complete"]


async def test_snapshot_await_completed_and_error(cloud: FakeCloud, client: RunloopClient) -> None:
    path = "/v1/devboxes/disk_snapshots/snp_1/status"
    cloud.add("GET", path, {"status": "in_progress"}, {"status": "complete"})
    status = await client.api.devboxes.disk_snapshots.await_completed("snp_1")
    assert status.status == "complete"
    cloud.routes.clear()
    cloud.add("GET", path, {"status": "error", "error_message": "disk full"})
    with pytest.raises(UnexpectedStateError, match="disk full"):
        await client.api.devboxes.disk_snapshots.await_completed("snp_1")


def test_polling_config_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="timeout_seconds must be a positive number"):
        PollingConfig(timeout_seconds=0)
    assert PollingConfig().with_timeout(5).timeout_seconds == 5


async def test_refused_connection_uses_pauses_not_a_tight_loop(cloud: FakeCloud) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    cloud.add("POST", WAIT, refuse)
    async with cloud.client(polling=PollingConfig(timeout_seconds=2)) as client:
        with pytest.raises(PollingTimeoutError):
            await client.api.devboxes.await_running("dbx_1")
    assert len(cloud.requests) == 4  # 2 s budget / 0.5 s pauses
