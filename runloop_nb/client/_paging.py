"""Cursor paging: `Page` (one page, list-like) and `AsyncPager` (awaitable and async-iterable)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Generic, NoReturn, SupportsIndex, TypeVar, get_args, overload

from runloop_nb.client._transport import Transport, decode_json, parse_model
from runloop_nb.client._types import NOT_GIVEN
from runloop_nb.wire import ITEMS_KEY, MAX_PAGE_LIMIT, ListView, items_of
from runloop_nb.wire._display import columns_of, row_of, rows_html

if TYPE_CHECKING:
    import pandas as pd

T = TypeVar("T")

FetchPage = Callable[[str | None], Awaitable["Page[T]"]]


class Page(Generic[T]):
    """One page of a list call; it indexes, iterates and len()s like its `items` list.

    `await page.next_page()` returns the following page, or **None** at the end, so
    `while page: ...; page = await page.next_page()` walks every page.

    In a notebook a page shows as a table, one row per item (the columns of `to_pandas()`).

    Attributes:
        items: the items of this page.
        has_more: whether the server has more items after this page.
        total_count: the total number of items, when the server counted them.
        item_type: the model of the items (BenchmarkView, ...), when the list endpoint is known.
    """

    def __init__(
        self,
        items: list[T],
        *,
        has_more: bool,
        total_count: int | None,
        fetch: FetchPage[T] | None = None,
        item_type: type | None = None,
    ) -> None:
        self.items = items
        self.has_more = has_more
        self.total_count = total_count
        self.item_type = item_type
        self._fetch = fetch

    def has_next_page(self) -> bool:
        """True if `next_page()` will fetch another page."""
        return self.has_more and bool(self.items) and self._fetch is not None

    async def next_page(self) -> Page[T] | None:
        """Fetch the page after this one (cursor = this page's last item id); None at the end."""
        if not self.has_next_page() or self._fetch is None:
            return None
        return await self._fetch(_item_id(self.items[-1]))

    @overload
    def __getitem__(self, index: SupportsIndex) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> list[T]: ...
    def __getitem__(self, index: SupportsIndex | slice) -> T | list[T]:
        return self.items[index]

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __repr__(self) -> str:
        return (
            f"Page({len(self.items)} {self._kind()} items, has_more={self.has_more}, "
            f"total_count={self.total_count})"
        )

    def _repr_html_(self) -> str:
        caption = repr(self) + ("; `await page.next_page()` for more" if self.has_more else "")
        return rows_html(self.items, columns_of(self.item_type, self.items), caption)

    def to_pandas(self) -> pd.DataFrame:
        """This page as a DataFrame, one row per item, values in full (not cut as displayed).

        The columns depend on the item type (always in this order):

        ================  ==================================================================
        items             columns
        ================  ==================================================================
        BenchmarkView     id, name, status, scenarios (count of scenario ids), is_public,
                          description
        ScenarioView      id, name, status, scorers ("name (weight), ..."),
                          working_directory, problem_statement
        BenchmarkRunView  id, name, state, score, benchmark_id, pending (count of pending
                          scenarios), start_time_ms, duration_ms
        ScenarioRunView   id, name, state, score (the contract score, None until scored),
                          scenario_id, scenario_name, devbox_id, benchmark_run_id,
                          start_time_ms, duration_ms
        DevboxView        id, name, status, reason (failure or shutdown reason),
                          sandbox_mode, create_time_ms, end_time_ms, snapshot_id,
                          blueprint_id
        other models      their top-level wire fields (``to_wire()`` keys)
        ================  ==================================================================

        Absent values are None. pandas is imported here, not when runloop_nb is imported.

        Returns:
            A DataFrame with one row per item of this page (no rows, same columns, when empty).
        """
        import pandas as pd

        columns = columns_of(self.item_type, self.items)
        rows = [row_of(item) for item in self.items]
        return pd.DataFrame(rows, columns=columns)

    def _kind(self) -> str:
        if self.item_type is not None:
            return self.item_type.__name__
        return type(self.items[0]).__name__ if self.items else "?"


def _item_id(item: Any) -> str:
    item_id = getattr(item, "id", None)
    if not isinstance(item_id, str):
        raise TypeError(f"cannot page past {type(item).__name__}: it has no string `id`")
    return item_id


class AsyncPager(Generic[T]):
    """What a list call returns: `await` it for the first `Page`, or `async for` every item.

    Iteration follows the cursor page by page and stops when `has_more` is false or a page is
    empty.
    """

    def __init__(self, fetch: FetchPage[T], starting_after: str | None = None) -> None:
        self._fetch = fetch
        self._starting_after = starting_after

    def __await__(self) -> Generator[Any, None, Page[T]]:
        return self._fetch(self._starting_after).__await__()

    def __iter__(self) -> NoReturn:
        # Without this, a plain `for` fails with "'AsyncPager' object is not iterable", which
        # says nothing about the two ways that work.
        raise TypeError(
            "a list call is asynchronous: use `await ...` for one page or `async for` for all "
            "items (`page = await client.api.benchmarks.list_public()`, then `for b in page:`; "
            "or `async for b in client.api.benchmarks.list_public():`)"
        )

    async def __aiter__(self) -> AsyncIterator[T]:
        page: Page[T] | None = await self._fetch(self._starting_after)
        while page is not None:
            for item in page.items:
                yield item
            page = await page.next_page()

    async def to_list(self, max_items: int | None = None) -> list[T]:
        """Collect items across pages (at most `max_items` when given)."""
        collected: list[T] = []
        async for item in self:
            if max_items is not None and len(collected) >= max_items:
                break
            collected.append(item)
        return collected


def check_limit(limit: object) -> None:
    """Reject page sizes the server would refuse, before any request is sent."""
    if limit is NOT_GIVEN or limit is None:
        return
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE_LIMIT:
        raise ValueError(
            f"limit must be an int from 1 to {MAX_PAGE_LIMIT} (got {limit!r}); it is the page "
            "size, use `async for` over the result to walk past one page."
        )


def make_pager(
    transport: Transport,
    path: str,
    view: type[ListView],
    query: Mapping[str, Any],
) -> AsyncPager[Any]:
    """Build the pager of a list endpoint whose response model is `view`."""
    check_limit(query.get("limit", NOT_GIVEN))
    base = {key: value for key, value in query.items() if key != "starting_after"}

    async def fetch(cursor: str | None) -> Page[Any]:
        response = await transport.request("GET", path, query={**base, "starting_after": cursor})
        parsed = parse_model(view, decode_json(response), response)
        return Page(
            items_of(parsed),
            has_more=parsed.has_more,
            total_count=parsed.total_count,
            fetch=fetch,
            item_type=item_type,
        )

    item_type = _item_type(view)

    start = query.get("starting_after")
    return AsyncPager(fetch, start if isinstance(start, str) else None)


def _item_type(view: type[ListView]) -> type | None:
    """The item model of a list view (`BenchmarkListView` -> `BenchmarkView`)."""
    field = view.model_fields.get(ITEMS_KEY.get(view, ""))
    args = get_args(field.annotation) if field is not None else ()
    return args[0] if args and isinstance(args[0], type) else None
