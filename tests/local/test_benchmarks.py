"""Benchmarks through HTTP (contract §3)."""

from __future__ import annotations

import httpx
from support.local_api import create_benchmark, create_scenario, ok


async def test_create_retrieve_and_camel_case_scenario_ids(client: httpx.AsyncClient) -> None:
    s = await create_scenario(client, "a")
    bench = await create_benchmark(client, "mine", [s["id"]])
    assert bench["scenarioIds"] == [s["id"]]
    assert "scenario_ids" not in bench
    assert bench["status"] == "active"
    assert bench["is_public"] is False
    assert await ok(await client.get(f"/v1/benchmarks/{bench['id']}")) == bench


async def test_duplicate_name_and_unknown_scenarios_are_400(client: httpx.AsyncClient) -> None:
    await create_benchmark(client, "dup", [])
    again = await client.post("/v1/benchmarks", json={"name": "dup"})
    assert again.status_code == 400
    assert "already exists" in again.json()["message"]
    unknown = await client.post("/v1/benchmarks", json={"name": "x", "scenario_ids": ["scn_no"]})
    assert unknown.status_code == 400
    assert "scn_no" in unknown.json()["message"]


async def test_update_null_keeps_value_replaces_blank_name_rejected(
    client: httpx.AsyncClient,
) -> None:
    bench = await ok(
        await client.post(
            "/v1/benchmarks", json={"name": "u", "description": "d", "metadata": {"k": "v"}}
        )
    )
    updated = await ok(
        await client.post(
            f"/v1/benchmarks/{bench['id']}", json={"description": None, "metadata": {}}
        )
    )
    assert updated["description"] == "d"
    assert updated["metadata"] == {}
    blank = await client.post(f"/v1/benchmarks/{bench['id']}", json={"name": "   "})
    assert blank.status_code == 400


async def test_update_scenarios_definitions_and_archive(client: httpx.AsyncClient) -> None:
    s1, s2, s3 = [await create_scenario(client, n) for n in ("s1", "s2", "s3")]
    bench = await create_benchmark(client, "edit", [s1["id"]])
    body = {"scenarios_to_add": [s2["id"], s3["id"]], "scenarios_to_remove": [s1["id"]]}
    edited = await ok(await client.post(f"/v1/benchmarks/{bench['id']}/scenarios", json=body))
    assert edited["scenarioIds"] == [s2["id"], s3["id"]]
    page = await ok(await client.get(f"/v1/benchmarks/{bench['id']}/definitions?limit=1"))
    assert [s["id"] for s in page["scenarios"]] == [s2["id"]]
    assert page["has_more"] is True
    assert page["total_count"] == 2
    await ok(await client.post(f"/v1/benchmarks/{bench['id']}/archive"))
    listed = await ok(await client.get("/v1/benchmarks"))
    assert listed["benchmarks"] == []
    run = await client.post("/v1/benchmarks/start_run", json={"benchmark_id": bench["id"]})
    assert run.status_code == 400


async def test_list_public_holds_only_public_benchmarks(client: httpx.AsyncClient) -> None:
    await create_benchmark(client, "private", [])
    public = await ok(await client.get("/v1/benchmarks/list_public"))
    assert public["benchmarks"] == []
    mine = await ok(await client.get("/v1/benchmarks?search=priv"))
    assert [b["name"] for b in mine["benchmarks"]] == ["private"]
