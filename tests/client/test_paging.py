"""Cursor paging: pages, `async for` across pages, the end of the list and limit bounds."""

from __future__ import annotations

import httpx
import pytest
from support.fake_cloud import FakeCloud

from runloop_nb.client import AsyncPager, Page, RunloopClient


def benchmark(n: int) -> dict[str, object]:
    return {
        "id": f"bmd_{n}",
        "name": f"b{n}",
        "scenarioIds": [f"scn_{n}"],
        "metadata": {},
        "status": "active",
    }


def three_pages(request: httpx.Request) -> httpx.Response:
    """Seven benchmarks served three per page, following `starting_after`."""
    ids = [f"bmd_{n}" for n in range(7)]
    after = request.url.params.get("starting_after")
    start = ids.index(after) + 1 if after else 0
    chunk = list(range(start, min(start + 3, 7)))
    return httpx.Response(
        200,
        json={
            "benchmarks": [benchmark(n) for n in chunk],
            "has_more": start + 3 < 7,
            "total_count": 7,
        },
    )


async def test_async_for_walks_three_pages(cloud: FakeCloud, client: RunloopClient) -> None:
    cloud.add("GET", "/v1/benchmarks/list_public", three_pages)
    names = [b.name async for b in client.api.benchmarks.list_public(limit=3)]
    assert names == [f"b{n}" for n in range(7)]
    cursors = [r.url.params.get("starting_after") for r in cloud.requests]
    assert cursors == [None, "bmd_2", "bmd_5"]
    assert {r.url.params["limit"] for r in cloud.requests} == {"3"}


async def test_await_gives_a_list_like_first_page(cloud: FakeCloud, client: RunloopClient) -> None:
    cloud.add("GET", "/v1/benchmarks/list_public", three_pages)
    page = await client.api.benchmarks.list_public(limit=3)
    assert isinstance(page, Page)
    assert len(page) == 3
    assert page[0].scenario_ids == ["scn_0"]
    assert [b.id for b in page[1:]] == ["bmd_1", "bmd_2"]
    assert [b.id for b in page] == ["bmd_0", "bmd_1", "bmd_2"]
    assert page.total_count == 7
    assert page.has_next_page()
    second = await page.next_page()
    assert second is not None
    third = await second.next_page()
    assert third is not None
    assert [b.id for b in third] == ["bmd_6"]
    assert not third.has_next_page()
    assert await third.next_page() is None


async def test_empty_list(cloud: FakeCloud, client: RunloopClient) -> None:
    cloud.add("GET", "/v1/benchmarks", {"benchmarks": [], "has_more": True, "total_count": 0})
    pager = client.api.benchmarks.list()
    assert [b async for b in pager] == []
    page = await pager
    assert len(page) == 0
    assert not page.has_next_page()  # an empty page ends paging even if has_more is true
    assert await page.next_page() is None


async def test_to_list_stops_at_max_items(cloud: FakeCloud, client: RunloopClient) -> None:
    cloud.add("GET", "/v1/benchmarks/list_public", three_pages)
    items = await client.api.benchmarks.list_public(limit=3).to_list(max_items=4)
    assert [b.id for b in items] == ["bmd_0", "bmd_1", "bmd_2", "bmd_3"]
    assert len(cloud.requests) == 2


@pytest.mark.parametrize("limit", [0, -1, 5001, 2.5, True, "10"])
def test_limit_out_of_bounds_is_rejected_before_any_request(
    cloud: FakeCloud, client: RunloopClient, limit: object
) -> None:
    with pytest.raises(ValueError, match="limit must be an int from 1 to 5000"):
        client.api.benchmarks.list(limit=limit)  # type: ignore[arg-type]
    assert cloud.requests == []


def test_limit_bounds_are_inclusive(client: RunloopClient) -> None:
    assert isinstance(client.api.benchmarks.list(limit=1), AsyncPager)
    assert isinstance(client.api.benchmarks.list(limit=5000), AsyncPager)


async def test_starting_after_given_by_the_caller_starts_there(
    cloud: FakeCloud, client: RunloopClient
) -> None:
    cloud.add("GET", "/v1/benchmarks/list_public", three_pages)
    ids = [b.id async for b in client.api.benchmarks.list_public(starting_after="bmd_4")]
    assert ids == ["bmd_5", "bmd_6"]


def test_a_plain_for_says_to_await_or_async_for(cloud: FakeCloud, client: RunloopClient) -> None:
    pager = client.api.benchmarks.list_public()
    with pytest.raises(TypeError) as caught:
        for _ in pager:  # type: ignore[misc]
            pass
    message = str(caught.value)
    assert "use `await ...` for one page or `async for` for all items" in message
    assert cloud.requests == []


async def test_to_pandas_one_row_per_item_with_the_documented_columns(
    cloud: FakeCloud, client: RunloopClient
) -> None:
    cloud.add("GET", "/v1/benchmarks/list_public", three_pages)
    page = await client.api.benchmarks.list_public(limit=3)
    frame = page.to_pandas()
    assert list(frame.columns) == ["id", "name", "status", "scenarios", "is_public", "description"]
    assert frame["id"].tolist() == ["bmd_0", "bmd_1", "bmd_2"]
    assert frame["scenarios"].tolist() == [1, 1, 1]
    assert Page.to_pandas.__doc__ is not None
    for column in frame.columns:
        assert column in Page.to_pandas.__doc__


async def test_an_empty_page_still_has_the_columns(cloud: FakeCloud, client: RunloopClient) -> None:
    cloud.add("GET", "/v1/scenarios", {"scenarios": [], "has_more": False, "total_count": 0})
    frame = (await client.api.scenarios.list()).to_pandas()
    assert len(frame) == 0
    assert list(frame.columns) == [
        "id",
        "name",
        "status",
        "scorers",
        "working_directory",
        "problem_statement",
    ]


async def test_a_page_shows_as_an_escaped_table(cloud: FakeCloud, client: RunloopClient) -> None:
    hostile = {**benchmark(0), "name": "<img src=x onerror=alert(1)>"}
    cloud.add("GET", "/v1/benchmarks", {"benchmarks": [hostile], "has_more": True})
    page = await client.api.benchmarks.list()
    markup = page._repr_html_()
    assert markup.count("<tr>") == 2  # the header and one item
    assert "<img" not in markup
    assert "&lt;img src=x onerror=alert(1)&gt;" in markup
    assert "Page(1 BenchmarkView items, has_more=True" in markup
    assert repr(page) == "Page(1 BenchmarkView items, has_more=True, total_count=None)"
