"""`BenchmarkBrowser`: public and own benchmarks, paged on the server, searched, detailed."""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Literal

import ipywidgets as w

from runloop_nb.widgets._base import WidgetBase
from runloop_nb.widgets._pages import PAGE_SIZES, CursorPages, optional
from runloop_nb.widgets._table import Table

if TYPE_CHECKING:
    from runloop_nb.client import Page, RunloopClient
    from runloop_nb.wire import BenchmarkView

Source = Literal["public", "mine"]


class BenchmarkCatalog:
    """The model: the benchmarks of one source (public or yours), a page at a time."""

    def __init__(self, client: RunloopClient, *, page_size: int = 20) -> None:
        self.client = client
        self.source: Source = "public"
        self.pages: CursorPages[BenchmarkView] = CursorPages(self._fetch, page_size=page_size)
        self.chosen: BenchmarkView | None = None

    async def _fetch(
        self, cursor: str | None, limit: int, search: str | None
    ) -> Page[BenchmarkView]:
        benchmarks = self.client.api.benchmarks
        lister = benchmarks.list_public if self.source == "public" else benchmarks.list
        return await lister(limit=limit, include_total_count=True, **optional(cursor, search))

    async def use(self, source: Source) -> None:
        """Show public benchmarks or yours, from page 1."""
        self.source = source
        await self.pages.first()

    def choose(self, benchmark_id: str) -> BenchmarkView | None:
        """The benchmark of the page shown with that id (None when it is not on it)."""
        self.chosen = next((b for b in self.pages.items if b.id == benchmark_id), None)
        return self.chosen

    def empty_text(self) -> str:
        if self.pages.query:
            return f"no benchmarks match {self.pages.query!r}"
        return "no public benchmarks" if self.source == "public" else "you have no benchmarks yet"


def benchmark_details(benchmark: BenchmarkView) -> str:
    """The detail pane: description, attribution, scenario count, metadata, required env."""
    esc = html.escape
    rows = [
        ("scenarios", str(len(benchmark.scenario_ids))),
        ("attribution", benchmark.attribution or "—"),
        ("public", "yes" if benchmark.is_public else "no"),
        ("metadata", ", ".join(f"{k}={v}" for k, v in benchmark.metadata.items()) or "—"),
        (
            "required env",
            ", ".join(benchmark.required_environment_variables or []) or "none",
        ),
        ("required secrets", ", ".join(benchmark.required_secret_names or []) or "none"),
        ("id", benchmark.id),
    ]
    table = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows)
    return (
        f"<h4>{esc(benchmark.name)}</h4><p>{esc(benchmark.description or 'no description')}</p>"
        f"<table class='rnb-details'>{table}</table>"
    )


class BenchmarkBrowser(WidgetBase):
    """Page through benchmarks; click one for its details, "Open scenarios" to pick from it.

    ```python
    browser = BenchmarkBrowser(client, on_open=lambda b: print(b.name))
    browser            # display it; it loads the first page itself
    ```

    Args:
        client: the client to browse with.
        on_open: called with the benchmark whose scenarios the user opens.
        page_size: benchmarks per page.
    """

    def __init__(
        self,
        client: RunloopClient,
        *,
        on_open: Callable[[BenchmarkView], None] | None = None,
        page_size: int = 20,
    ) -> None:
        super().__init__()
        self.model = BenchmarkCatalog(client, page_size=page_size)
        self.on_open = on_open
        self.source = w.ToggleButtons(options=[("public", "public"), ("mine", "mine")])
        self.query = w.Text(placeholder="search by name or id", continuous_update=False)
        self.search_button = w.Button(description="Search", icon="search")
        self.page_size = w.Dropdown(
            options=sorted({*PAGE_SIZES, page_size}), value=page_size, description="per page"
        )
        self.prev_button = w.Button(description="Prev", icon="chevron-left", disabled=True)
        self.next_button = w.Button(description="Next", icon="chevron-right", disabled=True)
        self.page_label = w.Label("")
        self.table = Table(columns=["name", "scenarios", "description"], empty="loading…")
        self.details = w.HTML("<i>click a benchmark for its details</i>")
        self.open_button = w.Button(description="Open scenarios", disabled=True, icon="list")
        self._wire()
        self.children = [
            w.HBox([self.source, self.query, self.search_button, self.page_size]),
            self.table,
            w.HBox([self.prev_button, self.page_label, self.next_button]),
            self.status,
            self.details,
            self.open_button,
        ]
        self.refresh()

    def _controls(self) -> list[w.DOMWidget]:
        return [self.prev_button, self.next_button, self.search_button, self.source, self.query]

    def settle(self) -> None:
        pages = self.model.pages
        self.prev_button.disabled = not pages.has_prev
        self.next_button.disabled = not pages.has_more

    def _wire(self) -> None:
        pages = self.model.pages
        act = self.actions
        held = self._controls()
        act.on_click(
            self.next_button, "loading the next page", self._paged(pages.next), controls=held
        )
        act.on_click(
            self.prev_button, "loading the page before", self._paged(pages.prev), controls=held
        )
        act.on_click(self.search_button, "searching", self._search, controls=held)
        self.query.observe(lambda _: self._start("searching", self._search), names="value")
        self.page_size.observe(
            lambda c: self._start("loading", self._paged(lambda: pages.resize(c["new"]))),
            names="value",
        )
        self.source.observe(
            lambda c: self._start("loading", self._paged(lambda: self.model.use(c["new"]))),
            names="value",
        )
        self.table.observe(lambda c: self._choose(c["new"]), names="active")
        self.open_button.on_click(lambda _: self._open())

    def _start(self, label: str, work: Callable[[], Awaitable[None]]) -> None:
        self.actions.start(label, work, controls=self._controls())

    def refresh(self) -> None:
        """Reload the first page (in the background)."""
        self._start("loading benchmarks", self._paged(self.model.pages.first))

    def _paged(self, move: Callable[[], Awaitable[None]]) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            await move()
            self._render()

        return run

    async def _search(self) -> None:
        await self.model.pages.search(self.query.value)
        self._render()

    def _render(self) -> None:
        pages = self.model.pages
        self.table.show(
            [(b.id, [b.name, len(b.scenario_ids), b.description or ""]) for b in pages.items],
            empty=self.model.empty_text(),
        )
        self.page_label.value = pages.label("benchmarks")

    def _choose(self, benchmark_id: str) -> None:
        benchmark = self.model.choose(benchmark_id)
        self.open_button.disabled = benchmark is None
        if benchmark is not None:
            self.details.value = benchmark_details(benchmark)

    def _open(self) -> None:
        if self.model.chosen is not None and self.on_open is not None:
            self.on_open(self.model.chosen)
