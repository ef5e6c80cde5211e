"""Cursor paging: `Page` (one page, list-like) and `AsyncPager` (awaitable and async-iterable)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator, Mapping
from typing import Any, Generic, SupportsIndex, TypeVar, overload

from runloop_nb.client._transport import Transport, decode_json, parse_model
from runloop_nb.client._types import NOT_GIVEN
from runloop_nb.wire import MAX_PAGE_LIMIT, ListView, items_of

T = TypeVar("T")

FetchPage = Callable[[str | None], Awaitable["Page[T]"]]


class Page(Generic[T]):
    """One page of a list call; it indexes, iterates and len()s like its `items` list.

    `await page.next_page()` returns the following page, or **None** at the end, so
    `while page: ...; page = await page.next_page()` walks every page.

    Attributes:
        items: the items of this page.
        has_more: whether the server has more items after this page.
        total_count: the total number of items, when the server counted them.
    """

    def __init__(
        self,
        items: list[T],
        *,
        has_more: bool,
        total_count: int | None,
        fetch: FetchPage[T] | None = None,
    ) -> None:
        self.items = items
        self.has_more = has_more
        self.total_count = total_count
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
            f"Page({len(self.items)} items, has_more={self.has_more}, "
            f"total_count={self.total_count})"
        )


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
        )

    start = query.get("starting_after")
    return AsyncPager(fetch, start if isinstance(start, str) else None)
