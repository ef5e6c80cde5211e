"""`CursorPages`: server-side cursor paging with "page k of n", for the widgets' models.

The server pages by cursor (`starting_after` = the last id of the page before). Going forward
uses the last id of the page shown; going back reuses the cursor that fetched the page before,
remembered on the way forward. Either way a flip is exactly one request, and `total_count`
(asked for on every page) gives n.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from runloop_nb.client import Page

T = TypeVar("T")

# (cursor, page size, search or None) -> one page, with total_count.
Fetch = Callable[[str | None, int, str | None], Awaitable[Page[T]]]

PAGE_SIZES = (10, 20, 50, 100)


class CursorPages(Generic[T]):
    """The page shown of a list, and how to move: `first()`, `next()`, `prev()`, `search()`.

    Attributes:
        items: the items of the page shown.
        index: the page shown, from 0.
        total_count: how many items match (None until loaded, or when the server did not count).
        has_more: whether a page follows.
        page_size: items per page.
        query: the search text ("" for none).
    """

    def __init__(self, fetch: Fetch[T], *, page_size: int = 20) -> None:
        self._fetch = fetch
        self.items: list[T] = []
        self.index = 0
        self.total_count: int | None = None
        self.has_more = False
        self.page_size = page_size
        self.query = ""
        self.loaded = False
        # The cursor that fetched each page visited so far (page 0: None).
        self._cursors: list[str | None] = [None]

    @property
    def pages(self) -> int:
        """n of "page k of n" (at least 1)."""
        if self.total_count is None:
            return self.index + 1 + int(self.has_more)
        return max(1, math.ceil(self.total_count / self.page_size))

    @property
    def has_prev(self) -> bool:
        return self.index > 0

    def label(self, noun: str) -> str:
        """'page 2 of 9 (164 scenarios)'."""
        total = "?" if self.total_count is None else str(self.total_count)
        return f"page {self.index + 1} of {self.pages} ({total} {noun})"

    async def first(self) -> None:
        """Load the first page (again)."""
        self._cursors = [None]
        await self._load(0)

    async def next(self) -> None:
        """The page after this one; nothing happens at the end."""
        if not self.has_more or not self.items:
            return
        cursor = _id_of(self.items[-1])
        del self._cursors[self.index + 1 :]
        self._cursors.append(cursor)
        await self._load(self.index + 1)

    async def prev(self) -> None:
        """The page before this one; nothing happens on the first."""
        if self.index > 0:
            await self._load(self.index - 1)

    async def search(self, query: str) -> None:
        """Only items matching `query` (id or name, as the server searches); from page 1."""
        self.query = query.strip()
        await self.first()

    async def resize(self, page_size: int) -> None:
        """Another page size; from page 1 (the cursors of the old size no longer line up)."""
        self.page_size = page_size
        await self.first()

    async def _load(self, index: int) -> None:
        page = await self._fetch(self._cursors[index], self.page_size, self.query or None)
        self.items, self.index = list(page.items), index
        self.has_more, self.total_count, self.loaded = page.has_more, page.total_count, True


def optional(cursor: str | None, search: str | None) -> dict[str, str]:
    """The `starting_after` / `search` arguments of a list call, only those given."""
    given = {"starting_after": cursor, "search": search}
    return {key: value for key, value in given.items() if value}


def _id_of(item: object) -> str:
    value = getattr(item, "id", None)
    if not isinstance(value, str):
        raise TypeError(f"cannot page past {type(item).__name__}: it has no string id")
    return value
