"""BenchmarkBrowser against the real local server: pages, search, details, open."""

from __future__ import annotations

import uuid

from runloop_nb.client import RunloopClient
from runloop_nb.widgets import BenchmarkBrowser
from runloop_nb.wire import BenchmarkView

from .conftest import Requests


async def loaded(client: RunloopClient, **kwargs: object) -> BenchmarkBrowser:
    browser = BenchmarkBrowser(client, **kwargs)  # type: ignore[arg-type]
    await browser.wait_idle()
    return browser


def names(browser: BenchmarkBrowser) -> list[str]:
    return [row["cells"][0] for row in browser.table.rows]


async def test_it_loads_the_public_benchmarks_with_page_k_of_n(client: RunloopClient) -> None:
    browser = await loaded(client)
    assert {"humaneval", "smoke", "repo-bugfix"} <= set(names(browser))
    assert browser.page_label.value.startswith("page 1 of 1 (")
    assert browser.prev_button.disabled
    assert browser.next_button.disabled
    assert browser.status.state == "idle"


async def test_a_page_flip_is_one_request(counted: RunloopClient, requests: Requests) -> None:
    browser = await loaded(counted, page_size=1)  # one benchmark a page: pages to flip
    first = names(browser)
    assert browser.page_label.value.startswith("page 1 of 3 ")
    assert not browser.next_button.disabled

    before = requests.count()
    browser.next_button.click()
    assert browser.next_button.disabled  # busy
    assert browser.prev_button.disabled
    await browser.wait_idle()
    assert requests.count() == before + 1
    assert requests.sent[-1] == ("GET", "/v1/benchmarks/list_public")
    assert browser.page_label.value.startswith("page 2 of 3 ")
    assert names(browser) != first
    assert not browser.prev_button.disabled

    browser.prev_button.click()
    await browser.wait_idle()
    assert requests.count() == before + 2
    assert names(browser) == first
    assert browser.prev_button.disabled


async def test_search_and_the_empty_state(client: RunloopClient) -> None:
    browser = await loaded(client)
    browser.query.value = "humaneval"  # Enter in the box
    await browser.wait_idle()
    assert names(browser) == ["humaneval"]
    browser.query.value = "foo"
    await browser.wait_idle()
    assert browser.table.rows == []
    assert browser.table.empty == "no benchmarks match 'foo'"
    assert browser.page_label.value == "page 1 of 1 (0 benchmarks)"


async def test_clicking_a_row_shows_its_details_and_open_hands_it_on(
    client: RunloopClient,
) -> None:
    opened: list[BenchmarkView] = []
    browser = await loaded(client, on_open=opened.append)
    assert browser.open_button.disabled
    smoke = next(r for r in browser.table.rows if r["cells"][0] == "smoke")
    browser.table.active = smoke["id"]  # what the browser sets on a click
    assert "<h4>smoke</h4>" in browser.details.value
    assert "required env</th><td>none" in browser.details.value
    assert not browser.open_button.disabled
    browser.open_button.click()
    assert [b.name for b in opened] == ["smoke"]


async def test_mine_lists_own_benchmarks(client: RunloopClient) -> None:
    name = f"mine-{uuid.uuid4().hex[:8]}"
    await client.api.benchmarks.create(name=name)
    browser = await loaded(client)
    browser.source.value = "mine"
    browser.query.value = name
    await browser.wait_idle()
    assert names(browser) == [name]
    assert browser.model.pages.items[0].is_public is not True
