"""Cursor paging of the list endpoints (contract §2)."""

from __future__ import annotations

import httpx
from support.local_api import create_scenario, ok


async def test_pages_walk_every_item_once_by_cursor(client: httpx.AsyncClient) -> None:
    ids = [(await create_scenario(client, f"s{i}"))["id"] for i in range(5)]
    seen: list[str] = []
    cursor = None
    while True:
        query = "limit=2" + (f"&starting_after={cursor}" if cursor else "")
        page = await ok(await client.get(f"/v1/scenarios?{query}"))
        assert page["total_count"] == 5
        seen += [s["id"] for s in page["scenarios"]]
        if not page["has_more"]:
            break
        cursor = page["scenarios"][-1]["id"]
    assert seen == ids


async def test_defaults_and_total_count_switch(client: httpx.AsyncClient) -> None:
    for i in range(22):
        await create_scenario(client, f"d{i}")
    page = await ok(await client.get("/v1/scenarios"))
    assert len(page["scenarios"]) == 20
    assert page["has_more"] is True
    no_count = await ok(await client.get("/v1/scenarios?include_total_count=false"))
    assert no_count["total_count"] is None


async def test_bad_paging_values_are_400_with_what_to_do(client: httpx.AsyncClient) -> None:
    for query, words in (
        ("limit=0", "1 to 5000"),
        ("limit=5001", "5000"),
        ("limit=x", "whole"),
        ("starting_after=scn_gone", "scn_gone"),
    ):
        answer = await client.get(f"/v1/scenarios?{query}")
        assert answer.status_code == 400
        assert words in answer.json()["message"]
