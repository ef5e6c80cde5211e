"""ScenarioPicker against the real local server: humaneval's 164 paged, previewed, selected."""

from __future__ import annotations

from runloop_nb.audit import resolve_benchmark
from runloop_nb.client import RunloopClient
from runloop_nb.widgets import ScenarioPicker
from runloop_nb.wire import ScenarioView

from .conftest import Requests


async def opened(
    client: RunloopClient, name: str = "humaneval", **kwargs: object
) -> ScenarioPicker:
    picker = ScenarioPicker(client, **kwargs)  # type: ignore[arg-type]
    picker.show_benchmark(await resolve_benchmark(client, name))
    await picker.wait_idle()
    return picker


def ids(picker: ScenarioPicker) -> list[str]:
    return [row["id"] for row in picker.table.rows]


async def test_humaneval_pages_twenty_at_a_time_one_request_a_flip(
    counted: RunloopClient, requests: Requests
) -> None:
    picker = await opened(counted)
    assert len(picker.table.rows) == 20
    assert picker.page_label.value == "page 1 of 9 (164 scenarios)"
    assert picker.select_all_button.description == "select all 164"
    first = ids(picker)
    before = requests.count()
    picker.next_button.click()
    await picker.wait_idle()
    assert requests.count() == before + 1
    assert requests.sent[-1] == ("GET", "/v1/scenarios")
    assert picker.page_label.value == "page 2 of 9 (164 scenarios)"
    assert set(ids(picker)).isdisjoint(first)
    picker.prev_button.click()
    await picker.wait_idle()
    assert requests.count() == before + 2
    assert ids(picker) == first


async def test_the_selection_survives_paging(client: RunloopClient) -> None:
    seen: list[list[ScenarioView]] = []
    picker = await opened(client, on_select=seen.append)
    a, b = ids(picker)[:2]
    picker.table.selected = [a, b]  # what two ticks in the browser set
    assert picker.selection_label.value == "2 selected"
    picker.next_button.click()
    await picker.wait_idle()
    c = ids(picker)[0]
    picker.table.selected = [*picker.table.selected, c]
    assert set(picker.model.selected) == {a, b, c}
    picker.prev_button.click()
    await picker.wait_idle()
    assert set(picker.table.selected) == {a, b, c}  # page 1 shows its two ticked
    picker.table.selected = [b, c]  # untick a on page 1
    assert set(picker.model.selected) == {b, c}
    assert [len(s) for s in seen] == [0, 2, 3, 2]


async def test_select_all_selects_every_match_and_clear_empties(client: RunloopClient) -> None:
    picker = await opened(client)
    picker.select_all_button.click()
    await picker.wait_idle()
    assert len(picker.model.selected) == 164
    assert picker.selection_label.value == "164 selected"
    picker.clear_button.click()
    assert picker.model.selected == {}
    assert picker.table.selected == []


async def test_filter_by_name_and_the_empty_state(client: RunloopClient) -> None:
    picker = await opened(client)
    picker.query.value = "humaneval-01"
    await picker.wait_idle()
    names = [row["cells"][0] for row in picker.table.rows]
    assert len(names) == 10
    assert all(n.startswith("humaneval-01") for n in names)
    picker.query.value = "foo"
    await picker.wait_idle()
    assert picker.table.rows == []
    assert picker.table.empty == "no scenarios match 'foo'"


async def test_a_click_previews_statement_environment_contract_and_reference(
    client: RunloopClient,
) -> None:
    picker = await opened(client, "smoke")
    row = picker.table.rows[0]
    picker.table.active = row["id"]
    scenario = picker.model.find(row["id"])
    assert scenario is not None
    [shown] = picker.statement.outputs
    assert shown["data"]["text/markdown"] == scenario.input_context.problem_statement
    details = picker.details.value
    first = scenario.scoring_contract.scoring_function_parameters[0]
    assert f"<details><summary>{first.name} · {first.scorer.type} · weight" in details
    assert "reference solution:</b> yes" in details
    assert "environment:" in details
