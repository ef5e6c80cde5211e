"""List responses: one model per list endpoint, each with its own items key."""

from __future__ import annotations

from typing import Any

from runloop_nb.wire._base import WireModel
from runloop_nb.wire._benchmark_runs import BenchmarkRunView
from runloop_nb.wire._benchmarks import BenchmarkView
from runloop_nb.wire._devboxes import DevboxView
from runloop_nb.wire._scenario_runs import ScenarioRunView
from runloop_nb.wire._scenarios import ScenarioView
from runloop_nb.wire._scorers import ScenarioScorerView
from runloop_nb.wire._snapshots import DevboxSnapshotView

DEFAULT_PAGE_LIMIT = 20
MAX_PAGE_LIMIT = 5000


class ListView(WireModel):
    """Fields every list response has; subclasses add their items key."""

    has_more: bool
    total_count: int | None = None


class BenchmarkListView(ListView):
    """``GET /v1/benchmarks`` and ``/v1/benchmarks/list_public``."""

    benchmarks: list[BenchmarkView]


class BenchmarkRunListView(ListView):
    """``GET /v1/benchmark_runs``."""

    runs: list[BenchmarkRunView]


class ScenarioRunListView(ListView):
    """``GET /v1/scenarios/runs`` and ``GET /v1/benchmark_runs/{id}/scenario_runs``."""

    runs: list[ScenarioRunView]


class ScenarioListView(ListView):
    """``GET /v1/scenarios`` and ``/v1/scenarios/list_public``."""

    scenarios: list[ScenarioView]


class ScorerListView(ListView):
    """``GET /v1/scenarios/scorers``."""

    scorers: list[ScenarioScorerView]


class DevboxListView(ListView):
    """``GET /v1/devboxes``."""

    devboxes: list[DevboxView]


class DiskSnapshotListView(ListView):
    """``GET /v1/devboxes/disk_snapshots``."""

    snapshots: list[DevboxSnapshotView]


class BenchmarkDefinitionsView(ListView):
    """``GET /v1/benchmarks/{id}/definitions`` (not auto-paginated by the SDK)."""

    scenarios: list[ScenarioView]


ITEMS_KEY: dict[type[ListView], str] = {
    BenchmarkListView: "benchmarks",
    BenchmarkRunListView: "runs",
    ScenarioRunListView: "runs",
    ScenarioListView: "scenarios",
    ScorerListView: "scorers",
    DevboxListView: "devboxes",
    DiskSnapshotListView: "snapshots",
    BenchmarkDefinitionsView: "scenarios",
}


def items_of(view: ListView) -> list[Any]:
    """Return the items of any list response, whatever its items key.

    Raises:
        TypeError: if ``view`` is not one of the list views in ``ITEMS_KEY``.
    """
    key = ITEMS_KEY.get(type(view))
    if key is None:
        raise TypeError(
            f"{type(view).__name__} is not a known list view; expected one of "
            f"{sorted(cls.__name__ for cls in ITEMS_KEY)}"
        )
    items: list[Any] = getattr(view, key)
    return items
