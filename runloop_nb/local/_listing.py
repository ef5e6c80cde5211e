"""Cursor paging of the list endpoints (contract §2): parse the query, build the page answer.

Every list answers ``{<items_key>: [...], "has_more": bool, "total_count": int | null}``.
``limit`` defaults to 20 and must lie in 1..5000; ``starting_after`` is the id of the last item
of the previous page and must exist; ``include_total_count`` defaults to true (false skips the
count and answers ``null``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Query

from runloop_nb.local._errors import InvalidRequest
from runloop_nb.local._openapi import BOOLEAN_PARAM, integer_param
from runloop_nb.local._store import Doc, Store

DEFAULT_LIMIT = 20
MAX_LIMIT = 5000

_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}


@dataclass(frozen=True)
class PageParams:
    """The paging part of a list query, already validated."""

    limit: int = DEFAULT_LIMIT
    starting_after: str | None = None
    include_total_count: bool = True


def parse_limit(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_LIMIT
    try:
        value = int(raw)
    except ValueError:
        raise InvalidRequest(
            f"limit must be a whole number from 1 to {MAX_LIMIT}, got {raw[:100]!r} "
            f"(leave it out for {DEFAULT_LIMIT})"
        ) from None
    if not 1 <= value <= MAX_LIMIT:
        raise InvalidRequest(f"limit must be from 1 to {MAX_LIMIT}, got {value}")
    return value


def parse_bool(name: str, raw: str | None, *, default: bool) -> bool:
    if raw is None:
        return default
    lowered = raw.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise InvalidRequest(
        f"{name} must be true or false, got {raw[:100]!r} (leave it out for {str(default).lower()})"
    )


def parse_one_of(name: str, raw: str | None, values: Iterable[str]) -> str | None:
    """A filter that must be one of ``values`` when given (empty is not "all": leave it out)."""
    if raw is None:
        return None
    if raw not in values:
        raise InvalidRequest(
            f"Unknown {name} {raw[:100]!r}; use one of {sorted(values)}, or leave it out for all."
        )
    return raw


async def page_params(
    limit: Annotated[str | None, Query(), integer_param(1, MAX_LIMIT)] = None,
    starting_after: Annotated[str | None, Query()] = None,
    include_total_count: Annotated[str | None, Query(), BOOLEAN_PARAM] = None,
) -> PageParams:
    """FastAPI dependency: the validated paging query of a list endpoint (400 on bad values).

    The values are parsed here, not by FastAPI, so that a bad one (empty included: the schema
    says integer or boolean) gets this 400 message; the schema still gives their types
    (``_openapi``)."""
    return PageParams(
        limit=parse_limit(limit),
        starting_after=starting_after or None,
        include_total_count=parse_bool("include_total_count", include_total_count, default=True),
    )


def unknown_cursor(cursor: str) -> InvalidRequest:
    return InvalidRequest(
        f"starting_after={cursor[:100]!r} is not the id of an item of this list; pass the id of "
        "the last item of the previous page, or leave starting_after out to start at the top"
    )


def store_page(
    store: Store,
    kind: str,
    items_key: str,
    params: PageParams,
    *,
    view: Callable[[Doc], Doc],
    where: Mapping[str, Any] | None = None,
    where_not: Mapping[str, Any] | None = None,
    search: str | None = None,
    newest_first: bool = False,
) -> dict[str, Any]:
    """One page of stored documents of ``kind``, each turned into its wire view by ``view``."""
    try:
        result = store.page(
            kind,
            limit=params.limit,
            starting_after=params.starting_after,
            where=where,
            where_not=where_not,
            search=search,
            newest_first=newest_first,
            include_total_count=params.include_total_count,
        )
    except KeyError:
        raise unknown_cursor(params.starting_after or "") from None
    return {
        items_key: [view(doc) for doc in result.items],
        "has_more": result.has_more,
        "total_count": result.total_count,
    }


def list_page(items: Sequence[Doc], items_key: str, params: PageParams) -> dict[str, Any]:
    """One page of an in-memory list of views (already filtered and ordered), by item ``id``."""
    start = 0
    if params.starting_after is not None:
        ids = [item["id"] for item in items]
        if params.starting_after not in ids:
            raise unknown_cursor(params.starting_after)
        start = ids.index(params.starting_after) + 1
    chunk = list(items[start : start + params.limit])
    return {
        items_key: chunk,
        "has_more": start + params.limit < len(items),
        "total_count": len(items) if params.include_total_count else None,
    }
