"""A benchmark *name* passed where an id is expected: the 404 says which id that name has."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TYPE_CHECKING, TypeVar

from runloop_nb.errors import BenchmarkNotFoundError, NotFoundError

if TYPE_CHECKING:
    from runloop_nb.client._benchmarks import Benchmarks

T = TypeVar("T")
# Benchmark ids carry this prefix on the cloud and on the local server; anything else that got
# a 404 may be a name (names are unique per account, so one lookup settles it).
ID_PREFIX = "bmd_"


async def by_id(benchmarks: Benchmarks, value: str, call: Awaitable[T]) -> T:
    """Await `call` (made with `value` as a benchmark id); turn its 404 for a name into a
    BenchmarkNotFoundError that gives the name's id.

    Raises:
        BenchmarkNotFoundError: `value` is the name of a benchmark (the message has its id).
        NotFoundError: no benchmark has that id (or name).
    """
    try:
        return await call
    except NotFoundError as exc:
        if value.startswith(ID_PREFIX) or isinstance(exc, BenchmarkNotFoundError):
            raise
        ids = await _ids_named(benchmarks, value)
        if not ids:
            exc.add_note(f"No benchmark is named {value!r} either.")
            raise
        raise BenchmarkNotFoundError(
            _message(value, ids),
            body=exc.body,
            request_id=exc.request_id,
            method=exc.method,
            url=exc.url,
        ) from exc


async def _ids_named(benchmarks: Benchmarks, name: str) -> list[str]:
    found: dict[str, None] = {}
    for pager in (benchmarks.list(name=name), benchmarks.list_public(name=name)):
        async for benchmark in pager:
            if benchmark.name == name:
                found[benchmark.id] = None
    return list(found)


def _message(name: str, ids: list[str]) -> str:
    if len(ids) == 1:
        return (
            f"{name!r} is a benchmark name, not an id; the id of {name!r} is {ids[0]}. Pass "
            f"{ids[0]!r} instead."
        )
    return (
        f"{name!r} is a benchmark name, not an id; {len(ids)} benchmarks have it (yours and "
        f"public ones): {', '.join(ids)}. Pass the id of the one you mean."
    )
