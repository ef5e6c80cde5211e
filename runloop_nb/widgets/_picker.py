"""`ScenarioPicker`: the scenarios of a benchmark, paged on the server, previewed and selected."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import ipywidgets as w

from runloop_nb.widgets._base import WidgetBase
from runloop_nb.widgets._pages import PAGE_SIZES, CursorPages, optional
from runloop_nb.widgets._scenario_details import has_reference, problem_markdown, scenario_html
from runloop_nb.widgets._table import Table

if TYPE_CHECKING:
    from runloop_nb.client import Page, RunloopClient
    from runloop_nb.wire import BenchmarkView, ScenarioView

# "select all n" walks the scenarios at the largest page the server takes.
_WALK_LIMIT = 5000


class ScenarioSelection:
    """The model: the scenarios of one benchmark a page at a time, and a selection kept across
    pages (by id, with the views, so a launcher needs no further request)."""

    def __init__(self, client: RunloopClient, *, page_size: int = 20) -> None:
        self.client = client
        self.benchmark: BenchmarkView | None = None
        self.pages: CursorPages[ScenarioView] = CursorPages(self._fetch, page_size=page_size)
        self.selected: dict[str, ScenarioView] = {}

    async def _fetch(
        self, cursor: str | None, limit: int, search: str | None
    ) -> Page[ScenarioView]:
        if self.benchmark is None:
            raise RuntimeError("open a benchmark first")
        return await self.client.api.scenarios.list(
            benchmark_id=self.benchmark.id,
            limit=limit,
            include_total_count=True,
            **optional(cursor, search),
        )

    async def open(self, benchmark: BenchmarkView) -> None:
        """Show the scenarios of `benchmark` from page 1; the selection starts empty."""
        self.benchmark = benchmark
        self.selected = {}
        self.pages.query = ""
        await self.pages.first()

    def set_page_selection(self, ids: list[str]) -> None:
        """The browser's checked ids: those of the page shown change, the others stay."""
        shown = {s.id: s for s in self.pages.items}
        wanted = set(ids)
        for scenario_id, scenario in shown.items():
            if scenario_id in wanted:
                self.selected[scenario_id] = scenario
            else:
                self.selected.pop(scenario_id, None)

    async def select_all(self) -> None:
        """Select every scenario matching the filter, on every page (walks them all)."""
        if self.benchmark is None:
            return
        query = {"search": self.pages.query} if self.pages.query else {}
        async for scenario in self.client.api.scenarios.list(
            benchmark_id=self.benchmark.id, limit=_WALK_LIMIT, include_total_count=False, **query
        ):
            self.selected[scenario.id] = scenario

    def clear(self) -> None:
        self.selected = {}

    def find(self, scenario_id: str) -> ScenarioView | None:
        shown = next((s for s in self.pages.items if s.id == scenario_id), None)
        return shown or self.selected.get(scenario_id)

    def empty_text(self) -> str:
        if self.benchmark is None:
            return "open a benchmark to see its scenarios"
        if self.pages.query:
            return f"no scenarios match {self.pages.query!r}"
        return f"benchmark {self.benchmark.name!r} has no scenarios"


class ScenarioPicker(WidgetBase):
    """Page through a benchmark's scenarios; click one to preview it, tick to select.

    The selection survives paging and filtering; "select all n" selects every match.

    Args:
        client: the client to read with.
        on_select: called with the selected scenarios whenever the selection changes.
        page_size: scenarios per page.
    """

    def __init__(
        self,
        client: RunloopClient,
        *,
        on_select: Callable[[list[ScenarioView]], None] | None = None,
        page_size: int = 20,
    ) -> None:
        super().__init__()
        self.model = ScenarioSelection(client, page_size=page_size)
        self.on_select = on_select
        self.title = w.HTML("<i>open a benchmark to see its scenarios</i>")
        self.query = w.Text(placeholder="filter by name", continuous_update=False)
        self.filter_button = w.Button(description="Filter", icon="filter")
        self.page_size = w.Dropdown(
            options=sorted({*PAGE_SIZES, page_size}), value=page_size, description="per page"
        )
        self.prev_button = w.Button(description="Prev", icon="chevron-left", disabled=True)
        self.next_button = w.Button(description="Next", icon="chevron-right", disabled=True)
        self.page_label = w.Label("")
        self.select_all_button = w.Button(description="select all", disabled=True)
        self.clear_button = w.Button(description="clear selection", disabled=True)
        self.selection_label = w.Label("nothing selected")
        self.table = Table(
            columns=["name", "scorers", "reference"],
            selectable=True,
            empty=self.model.empty_text(),
        )
        self.details = w.HTML("")
        self.statement = w.Output()
        self._wire()
        self.children = [
            self.title,
            w.HBox([self.query, self.filter_button, self.page_size]),
            self.table,
            w.HBox([self.prev_button, self.page_label, self.next_button]),
            w.HBox([self.select_all_button, self.clear_button, self.selection_label]),
            self.status,
            self.details,
            self.statement,
        ]

    def _controls(self) -> list[w.DOMWidget]:
        return [
            self.prev_button,
            self.next_button,
            self.filter_button,
            self.query,
            self.page_size,
            self.select_all_button,
        ]

    def _wire(self) -> None:
        pages, held = self.model.pages, self._controls()
        act = self.actions
        act.on_click(
            self.next_button, "loading the next page", self._paged(pages.next), controls=held
        )
        act.on_click(
            self.prev_button, "loading the page before", self._paged(pages.prev), controls=held
        )
        act.on_click(self.filter_button, "filtering", self._filter, controls=held)
        act.on_click(self.select_all_button, "selecting all", self._select_all, controls=held)
        self.clear_button.on_click(lambda _: self._clear())
        self.query.observe(lambda _: self._start("filtering", self._filter), names="value")
        self.page_size.observe(
            lambda c: self._start("loading", self._paged(lambda: pages.resize(c["new"]))),
            names="value",
        )
        self.table.observe(lambda c: self._checked(c["new"]), names="selected")
        self.table.observe(lambda c: self._preview(c["new"]), names="active")

    def _start(self, label: str, work: Callable[[], Awaitable[None]]) -> None:
        self.actions.start(label, work, controls=self._controls())

    def show_benchmark(self, benchmark: BenchmarkView) -> None:
        """Show `benchmark`'s scenarios (in the background); the selection starts empty."""
        self.title.value = f"<h4>scenarios of {benchmark.name}</h4>"
        self.query.unobserve_all("value")
        self.query.value = ""
        self.query.observe(lambda _: self._start("filtering", self._filter), names="value")

        async def work() -> None:
            await self.model.open(benchmark)
            self._render()
            self._selection_changed()

        self._start(f"loading the scenarios of {benchmark.name}", work)

    def _paged(self, move: Callable[[], Awaitable[None]]) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            await move()
            self._render()

        return run

    async def _filter(self) -> None:
        await self.model.pages.search(self.query.value)
        self._render()

    async def _select_all(self) -> None:
        await self.model.select_all()
        self._render()
        self._selection_changed()

    def _clear(self) -> None:
        self.model.clear()
        self._render()
        self._selection_changed()

    def settle(self) -> None:
        pages = self.model.pages
        self.prev_button.disabled = not pages.has_prev
        self.next_button.disabled = not pages.has_more
        self.select_all_button.disabled = not pages.items
        self.clear_button.disabled = not self.model.selected

    def _render(self) -> None:
        pages = self.model.pages
        rows = [
            (
                s.id,
                [
                    s.name,
                    ", ".join(f.name for f in s.scoring_contract.scoring_function_parameters),
                    "yes" if has_reference(s) else "no",
                ],
            )
            for s in pages.items
        ]
        self.table.show(rows, empty=self.model.empty_text())
        self.table.selected = sorted(self.model.selected)
        self.page_label.value = pages.label("scenarios")
        total = pages.total_count
        self.select_all_button.description = (
            f"select all {total}" if total is not None else "select all"
        )

    def _checked(self, ids: list[str]) -> None:
        before = set(self.model.selected)
        self.model.set_page_selection(ids)
        if set(self.model.selected) != before:
            self._selection_changed()

    def _selection_changed(self) -> None:
        count = len(self.model.selected)
        self.selection_label.value = f"{count} selected" if count else "nothing selected"
        self.clear_button.disabled = not count
        if self.on_select is not None:
            self.on_select(list(self.model.selected.values()))

    def _preview(self, scenario_id: str) -> None:
        scenario = self.model.find(scenario_id)
        if scenario is None:
            return
        self.details.value = scenario_html(scenario)
        self.statement.outputs = (problem_markdown(scenario),)
