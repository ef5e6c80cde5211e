"""Scenarios and custom scorers through HTTP (contract §5, §7)."""

from __future__ import annotations

import httpx
from support.local_api import create_benchmark, create_scenario, ok, scenario_body


async def test_create_maps_environment_parameters_to_environment(
    client: httpx.AsyncClient,
) -> None:
    body = scenario_body("env", environment_parameters={"working_directory": "/home/user/app"})
    scenario = await ok(await client.post("/v1/scenarios", json=body))
    assert scenario["environment"]["working_directory"] == "/home/user/app"
    assert scenario["scorer_timeout_sec"] == 1800
    assert await ok(await client.get(f"/v1/scenarios/{scenario['id']}")) == scenario


async def test_scoring_contract_is_validated(client: httpx.AsyncClient) -> None:
    cases = {
        "weight": {"name": "w", "weight": 0, "scorer": {"type": "command_scorer", "command": "x"}},
        "type": {"name": "t", "weight": 1, "scorer": {"type": "magic_scorer"}},
        "name": {
            "name": "bad name!",
            "weight": 1,
            "scorer": {"type": "command_scorer", "command": "x"},
        },
        "custom_scorer_type": {
            "name": "c",
            "weight": 1,
            "scorer": {"type": "custom_scorer", "custom_scorer_type": "nope"},
        },
    }
    for field, function in cases.items():
        body = scenario_body("bad")
        body["scoring_contract"]["scoring_function_parameters"] = [function]
        answer = await client.post("/v1/scenarios", json=body)
        assert answer.status_code == 400, field
        assert field.split("_")[0] in answer.json()["message"], answer.json()
    assert (await ok(await client.get("/v1/scenarios")))["total_count"] == 0


async def test_custom_scorer_registration_makes_its_type_usable(client: httpx.AsyncClient) -> None:
    scorer = await ok(
        await client.post(
            "/v1/scenarios/scorers", json={"type": "my_scorer", "bash_script": "echo 1.0"}
        )
    )
    dup = await client.post("/v1/scenarios/scorers", json={"type": "my_scorer", "bash_script": "x"})
    assert dup.status_code == 400
    body = scenario_body("custom")
    body["scoring_contract"]["scoring_function_parameters"] = [
        {
            "name": "c",
            "weight": 1,
            "scorer": {"type": "custom_scorer", "custom_scorer_type": "my_scorer"},
        }
    ]
    await ok(await client.post("/v1/scenarios", json=body))
    replaced = await ok(
        await client.post(
            f"/v1/scenarios/scorers/{scorer['id']}",
            json={"type": "my_scorer", "bash_script": "echo 0.5"},
        )
    )
    assert replaced["bash_script"] == "echo 0.5"
    listed = await ok(await client.get("/v1/scenarios/scorers?search=my_"))
    assert [s["id"] for s in listed["scorers"]] == [scorer["id"]]


async def test_update_partial_input_context_and_archive(client: httpx.AsyncClient) -> None:
    scenario = await create_scenario(client, "upd")
    updated = await ok(
        await client.post(
            f"/v1/scenarios/{scenario['id']}",
            json={"input_context": {"additional_context": {"hint": 1}}, "name": None},
        )
    )
    assert updated["name"] == "upd"
    assert (
        updated["input_context"]["problem_statement"]
        == scenario["input_context"]["problem_statement"]
    )
    assert updated["input_context"]["additional_context"] == {"hint": 1}
    archived = await ok(await client.post(f"/v1/scenarios/{scenario['id']}/archive"))
    assert archived["status"] == "archived"
    assert (await ok(await client.get("/v1/scenarios")))["scenarios"] == []
    assert (await ok(await client.get(f"/v1/scenarios/{scenario['id']}")))["status"] == "archived"
    blocked = await client.post(f"/v1/scenarios/{scenario['id']}", json={"name": "new"})
    assert blocked.status_code == 400
    run = await client.post("/v1/scenarios/start_run", json={"scenario_id": scenario["id"]})
    assert run.status_code == 400


async def test_list_by_benchmark_keeps_benchmark_order(client: httpx.AsyncClient) -> None:
    a = await create_scenario(client, "a")
    b = await create_scenario(client, "b")
    bench = await create_benchmark(client, "order", [b["id"], a["id"]])
    page = await ok(await client.get(f"/v1/scenarios?benchmark_id={bench['id']}"))
    assert [s["id"] for s in page["scenarios"]] == [b["id"], a["id"]]
