"""Scenario runs and benchmark runs through HTTP, with real devboxes and real scoring."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import httpx
from support.local_api import (
    AUTH,
    TOKEN,
    create_benchmark,
    create_scenario,
    ok,
    run_command,
    wait_running,
    wait_state,
)

from runloop_nb.local._app import create_app
from runloop_nb.local._state import ServerState


async def start_run(client: httpx.AsyncClient, scenario_id: str, **extra: object) -> dict:
    return await ok(
        await client.post("/v1/scenarios/start_run", json={"scenario_id": scenario_id, **extra})
    )


async def start_benchmark_run(client: httpx.AsyncClient, benchmark_id: str) -> dict:
    return await ok(
        await client.post("/v1/benchmarks/start_run", json={"benchmark_id": benchmark_id})
    )


async def test_start_run_answers_running_with_devbox_and_embedded_scenario(
    client: httpx.AsyncClient,
) -> None:
    scenario = await create_scenario(client, "embed")
    run = await start_run(
        client,
        scenario["id"],
        run_name="first",
        runProfile={"envVars": {"GREETING": "hi"}, "purpose": "test"},
    )
    assert run["state"] == "running"
    assert run["devbox_id"].startswith("dbx_")
    assert run["scenario"]["input_context"]["problem_statement"].startswith("embed")
    assert run["environment_variables"] == {"GREETING": "hi"}
    assert run["purpose"] == "test"
    devbox = await ok(await client.get(f"/v1/devboxes/{run['devbox_id']}"))
    assert devbox["initiator_type"] == "scenario"
    assert devbox["initiator_id"] == run["id"]
    await wait_running(client, run["devbox_id"])
    answer = await client.post(
        f"/v1/devboxes/{run['devbox_id']}/execute", json={"command": "echo $GREETING"}
    )
    assert answer.json()["stdout"] == "hi\n"
    await ok(await client.post(f"/v1/scenarios/runs/{run['id']}/cancel"))


async def test_score_sets_scoring_before_answering_then_scored_then_complete(
    client: httpx.AsyncClient,
) -> None:
    scenario = await create_scenario(client, "score me")
    run = await start_run(client, scenario["id"])
    await wait_running(client, run["devbox_id"])
    await run_command(client, run["devbox_id"], "touch done")
    scoring = await ok(await client.post(f"/v1/scenarios/runs/{run['id']}/score"))
    assert scoring["state"] == "scoring"
    scored = await wait_state(client, run["id"])
    assert scored["state"] == "scored", scored
    result = scored["scoring_contract_result"]
    assert result["score"] == 1.0
    assert result["scoring_function_results"][0]["scoring_function_name"] == "check"
    completed = await ok(await client.post(f"/v1/scenarios/runs/{run['id']}/complete"))
    assert completed["state"] == "completed"
    assert completed["duration_ms"] >= 0
    assert completed["scoring_contract_result"]["score"] == 1.0
    devbox = await ok(await client.get(f"/v1/devboxes/{run['devbox_id']}"))
    assert devbox["status"] == "shutdown"
    again = await ok(await client.post(f"/v1/scenarios/runs/{run['id']}/cancel"))
    assert again["state"] == "completed", "cancel of a finished run answers it unchanged"


async def test_wait_for_status_holds_until_scoring_ends(client: httpx.AsyncClient) -> None:
    """The embedded server's extension: one held request instead of GET polling."""
    scenario = await create_scenario(client, "held", command="sleep 0.3; test -f done")
    run = await start_run(client, scenario["id"])
    await wait_running(client, run["devbox_id"])
    await run_command(client, run["devbox_id"], "touch done")
    wait = f"/v1/scenarios/runs/{run['id']}/wait_for_status"
    await ok(await client.post(f"/v1/scenarios/runs/{run['id']}/score"))
    early = await client.post(wait, json={"statuses": ["scored"], "timeout_seconds": 0.05})
    assert early.status_code == 408, early.text  # the scorer sleeps 0.3 s: still scoring
    assert "ask again" in early.json()["message"]
    held = await client.post(wait, json={"statuses": ["scored", "failed"], "timeout_seconds": 20})
    scored = await ok(held)
    assert (scored["state"], scored["scoring_contract_result"]["score"]) == ("scored", 1.0)
    assert scored["scenario"]["id"] == scenario["id"]
    assert held.headers["x-runloop-nb-extensions"] == "scenario-run-wait"
    await ok(await client.post(f"/v1/scenarios/runs/{run['id']}/cancel"))
    ended = await client.post(wait, json={"statuses": ["canceled"], "timeout_seconds": 5})
    assert (await ok(ended))["state"] == "canceled"  # already there: answered at once


async def test_wait_for_status_refuses_bad_input(client: httpx.AsyncClient) -> None:
    scenario = await create_scenario(client, "bad wait")
    run = await start_run(client, scenario["id"])
    wait = f"/v1/scenarios/runs/{run['id']}/wait_for_status"
    for body in (
        {"statuses": []},
        {"statuses": ["done"]},
        {"statuses": ["scored"], "timeout_seconds": -1},
    ):
        answer = await client.post(wait, json=body)
        assert answer.status_code == 400, (body, answer.text)
    missing = await client.post(
        "/v1/scenarios/runs/scr_nope/wait_for_status", json={"statuses": ["scored"]}
    )
    assert missing.status_code == 404
    await ok(await client.post(f"/v1/scenarios/runs/{run['id']}/cancel"))


async def test_rescore_from_scored_replaces_the_result(client: httpx.AsyncClient) -> None:
    scenario = await create_scenario(client, "rescore")
    run = await start_run(client, scenario["id"])
    await wait_running(client, run["devbox_id"])
    await ok(await client.post(f"/v1/scenarios/runs/{run['id']}/score"))
    first = await wait_state(client, run["id"])
    assert first["scoring_contract_result"]["score"] == 0.0
    await run_command(client, run["devbox_id"], "touch done")
    await ok(await client.post(f"/v1/scenarios/runs/{run['id']}/score"))
    second = await wait_state(client, run["id"])
    assert second["state"] == "scored"
    assert second["scoring_contract_result"]["score"] == 1.0
    await ok(await client.post(f"/v1/scenarios/runs/{run['id']}/cancel"))


async def test_illegal_transitions_are_400_naming_the_state(client: httpx.AsyncClient) -> None:
    scenario = await create_scenario(client, "illegal")
    run = await start_run(client, scenario["id"])
    canceled = await ok(await client.post(f"/v1/scenarios/runs/{run['id']}/cancel"))
    assert canceled["state"] == "canceled"
    for action in ("score", "complete"):
        answer = await client.post(f"/v1/scenarios/runs/{run['id']}/{action}")
        assert answer.status_code == 400
        assert "canceled" in answer.json()["message"]


async def test_devbox_shut_down_under_a_running_run_fails_the_run(
    client: httpx.AsyncClient,
) -> None:
    scenario = await create_scenario(client, "dies")
    run = await start_run(client, scenario["id"])
    await wait_running(client, run["devbox_id"])
    await ok(await client.post(f"/v1/devboxes/{run['devbox_id']}/shutdown"))
    after = await ok(await client.get(f"/v1/scenarios/runs/{run['id']}"))
    assert after["state"] == "failed"
    assert "api_shutdown" in after["failure_reason"]


async def test_keep_alive_timeout_turns_the_run_into_timeout(client: httpx.AsyncClient) -> None:
    scenario = await create_scenario(client, "slow")
    profile = {"launchParameters": {"keep_alive_time_seconds": 1}}
    run = await start_run(client, scenario["id"], runProfile=profile)
    await wait_running(client, run["devbox_id"])
    after = await wait_state(client, run["id"], leave="running", timeout=10)
    assert after["state"] == "timeout"
    assert "keep_alive_timeout" in after["failure_reason"]


async def test_scoring_a_dead_devbox_ends_failed_with_reason(
    client: httpx.AsyncClient, state: ServerState
) -> None:
    scenario = await create_scenario(client, "gone")
    run = await start_run(client, scenario["id"])
    await wait_running(client, run["devbox_id"])
    # Kill the sandbox's processes behind the service's back, as a crash would, then score.
    await state.devboxes.sandbox(run["devbox_id"]).shutdown(keep_disk=True)
    await ok(await client.post(f"/v1/scenarios/runs/{run['id']}/score"))
    after = await wait_state(client, run["id"])
    assert after["state"] == "failed"
    assert after["failure_reason"]


async def test_benchmark_run_flow_pending_scenarios_score_and_lists(
    client: httpx.AsyncClient,
) -> None:
    s1 = await create_scenario(client, "one")
    s2 = await create_scenario(client, "two")
    bench = await create_benchmark(client, "flow", [s1["id"], s2["id"]])
    brun = await ok(
        await client.post(
            "/v1/benchmarks/start_run",
            json={
                "benchmark_id": bench["id"],
                "run_name": "nightly",
                "runProfile": {"envVars": {"K": "v"}, "purpose": "eval"},
            },
        )
    )
    assert brun["state"] == "running"
    assert brun["pending_scenarios"] == [s1["id"], s2["id"]]
    assert brun["environment_variables"] == {"K": "v"}
    assert brun["purpose"] == "eval"
    r1 = await start_run(client, s1["id"], benchmark_run_id=brun["id"])
    assert r1["environment_variables"] == {"K": "v"}
    await wait_running(client, r1["devbox_id"])
    await run_command(client, r1["devbox_id"], "touch done")
    await ok(await client.post(f"/v1/scenarios/runs/{r1['id']}/score"))
    assert (await wait_state(client, r1["id"]))["state"] == "scored"
    view = await ok(await client.get(f"/v1/benchmark_runs/{brun['id']}"))
    assert view["pending_scenarios"] == [s2["id"]]
    r2 = await start_run(client, s2["id"], benchmark_run_id=brun["id"])
    listed = await ok(await client.get(f"/v1/benchmark_runs/{brun['id']}/scenario_runs"))
    assert {r["id"] for r in listed["runs"]} == {r1["id"], r2["id"]}
    scored_only = await ok(
        await client.get(f"/v1/benchmark_runs/{brun['id']}/scenario_runs?state=scored")
    )
    assert [r["id"] for r in scored_only["runs"]] == [r1["id"]]
    done = await ok(await client.post(f"/v1/benchmark_runs/{brun['id']}/complete"))
    assert done["state"] == "completed"
    assert done["score"] == 0.5  # (1.0 + 0 for the unscored run) / 2 runs
    assert done["pending_scenarios"] == []
    r2_after = await ok(await client.get(f"/v1/scenarios/runs/{r2['id']}"))
    assert r2_after["state"] == "completed"
    runs = await ok(await client.get(f"/v1/benchmark_runs?benchmark_id={bench['id']}"))
    assert [r["id"] for r in runs["runs"]] == [brun["id"]]


async def test_benchmark_run_cancel_cancels_live_scenario_runs(client: httpx.AsyncClient) -> None:
    s1 = await create_scenario(client, "c1")
    bench = await create_benchmark(client, "cancel me", [s1["id"]])
    brun = await start_benchmark_run(client, bench["id"])
    r1 = await start_run(client, s1["id"], benchmark_run_id=brun["id"])
    canceled = await ok(await client.post(f"/v1/benchmark_runs/{brun['id']}/cancel"))
    assert canceled["state"] == "canceled"
    assert (await ok(await client.get(f"/v1/scenarios/runs/{r1['id']}")))["state"] == "canceled"
    devbox = await ok(await client.get(f"/v1/devboxes/{r1['devbox_id']}"))
    assert devbox["status"] == "shutdown"
    late = await client.post(
        "/v1/scenarios/start_run", json={"scenario_id": s1["id"], "benchmark_run_id": brun["id"]}
    )
    assert late.status_code == 400
    assert "canceled" in late.json()["message"]


async def test_start_run_rejects_scenario_outside_the_benchmark(client: httpx.AsyncClient) -> None:
    inside = await create_scenario(client, "in")
    outside = await create_scenario(client, "out")
    bench = await create_benchmark(client, "narrow", [inside["id"]])
    brun = await start_benchmark_run(client, bench["id"])
    answer = await client.post(
        "/v1/scenarios/start_run",
        json={"scenario_id": outside["id"], "benchmark_run_id": brun["id"]},
    )
    assert answer.status_code == 400
    assert "not part of the benchmark" in answer.json()["message"]
    unknown = await client.post(
        "/v1/scenarios/start_run", json={"scenario_id": inside["id"], "benchmark_run_id": "bmr_x"}
    )
    assert unknown.status_code == 400
    assert (await ok(await client.get("/v1/scenarios/runs")))["total_count"] == 0


async def test_download_logs_zip_holds_every_execution(client: httpx.AsyncClient) -> None:
    scenario = await create_scenario(client, "logs")
    run = await start_run(client, scenario["id"])
    await wait_running(client, run["devbox_id"])
    await run_command(client, run["devbox_id"], "echo out; echo err >&2; exit 3")
    answer = await client.post(f"/v1/scenarios/runs/{run['id']}/download_logs")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(answer.content))
    index = json.loads(archive.read("executions.json"))
    assert index[0]["command"] == "echo out; echo err >&2; exit 3"
    assert index[0]["exit_status"] == 3
    folder = index[0]["folder"]
    assert archive.read(f"{folder}stdout.log") == b"out\n"
    assert archive.read(f"{folder}stderr.log") == b"err\n"
    assert json.loads(archive.read("run.json"))["id"] == run["id"]
    await ok(await client.post(f"/v1/scenarios/runs/{run['id']}/cancel"))


async def test_runs_list_filters(client: httpx.AsyncClient) -> None:
    scenario = await create_scenario(client, "lists")
    a = await start_run(client, scenario["id"], run_name="alpha")
    b = await start_run(client, scenario["id"], run_name="beta")
    await ok(await client.post(f"/v1/scenarios/runs/{a['id']}/cancel"))
    newest_first = await ok(await client.get("/v1/scenarios/runs"))
    assert [r["id"] for r in newest_first["runs"]] == [b["id"], a["id"]]
    by_state = await ok(await client.get("/v1/scenarios/runs?state=canceled"))
    assert [r["id"] for r in by_state["runs"]] == [a["id"]]
    by_name = await ok(await client.get("/v1/scenarios/runs?search=bet"))
    assert [r["id"] for r in by_name["runs"]] == [b["id"]]
    bad = await client.get("/v1/scenarios/runs?state=sleeping")
    assert bad.status_code == 400
    await ok(await client.post(f"/v1/scenarios/runs/{b['id']}/cancel"))


async def test_restart_fails_live_runs_with_a_reason(data_dir: Path) -> None:
    first = ServerState.open(data_dir, token=TOKEN, load_catalog=False)
    await first.start()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(first)), base_url="http://l", headers=AUTH
    ) as http:
        scenario = await create_scenario(http, "crash")
        run = await start_run(http, scenario["id"])
        await wait_running(http, run["devbox_id"])
    await first.close()  # the sandbox processes end with the server, as in a crash
    second = ServerState.open(data_dir, token=TOKEN, load_catalog=False)
    await second.start()
    try:
        after = second.runs.get(run["id"])
        assert after["state"] == "failed"
        assert "restarted" in after["failure_reason"]
        assert after["duration_ms"] is not None
    finally:
        await second.close()
