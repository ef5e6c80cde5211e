from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from runloop_nb.wire import (
    ITEMS_KEY,
    BenchmarkDefinitionsView,
    BenchmarkListView,
    BenchmarkRunListView,
    DevboxListView,
    DiskSnapshotListView,
    ListView,
    ScenarioListView,
    ScenarioRunListView,
    ScorerListView,
    items_of,
)

from ._round_trip import assert_round_trip
from .test_benchmark_runs import RUN as BENCHMARK_RUN
from .test_benchmarks import BENCHMARK
from .test_devboxes import DEVBOX
from .test_scenario_runs import RUN as SCENARIO_RUN
from .test_scenarios import SCENARIO
from .test_snapshots import SNAPSHOT

SCORER = {"id": "sco_1", "type": "diff_size", "bash_script": "echo 1.0"}

PAGES: list[tuple[type[ListView], str, dict[str, Any]]] = [
    (BenchmarkListView, "benchmarks", BENCHMARK),
    (BenchmarkRunListView, "runs", BENCHMARK_RUN),
    (ScenarioRunListView, "runs", SCENARIO_RUN),
    (ScenarioListView, "scenarios", SCENARIO),
    (ScorerListView, "scorers", SCORER),
    (DevboxListView, "devboxes", DEVBOX),
    (DiskSnapshotListView, "snapshots", SNAPSHOT),
    (BenchmarkDefinitionsView, "scenarios", SCENARIO),
]


@pytest.mark.parametrize(("view", "key", "item"), PAGES, ids=[v.__name__ for v, _, _ in PAGES])
def test_page_parses_items_and_dumps_back_unchanged(
    view: type[ListView], key: str, item: dict[str, Any]
) -> None:
    page = {key: [item], "has_more": True, "total_count": 41, "x_future_field": "kept"}
    assert_round_trip(view, page, {"has_more": True, "total_count": 41, f"{key}.0.id": item["id"]})
    parsed = view.model_validate(page)
    assert ITEMS_KEY[view] == key
    assert [x.id for x in items_of(parsed)] == [item["id"]]


def test_total_count_may_be_absent_when_not_requested() -> None:
    page = DevboxListView.model_validate({"devboxes": [], "has_more": False})
    assert page.total_count is None
    assert items_of(page) == []


def test_every_list_view_has_an_items_key() -> None:
    assert set(ITEMS_KEY) == {view for view, _, _ in PAGES}


@pytest.mark.parametrize(
    "bad",
    [
        {"has_more": False},
        {"runs": [], "has_more": False},
        {"benchmarks": [{"id": "bmd_1"}], "has_more": False},
        {"benchmarks": [], "has_more": "maybe"},
    ],
)
def test_bad_page_is_rejected(bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        BenchmarkListView.model_validate(bad)


def test_items_of_an_unknown_view_says_which_are_known() -> None:
    with pytest.raises(TypeError, match="BenchmarkListView"):
        items_of(ListView(has_more=False))
