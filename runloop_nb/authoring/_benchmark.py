"""create_benchmark: a benchmark from scenario ids, with the ids checked before anything is sent."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from runloop_nb.wire import BenchmarkView

if TYPE_CHECKING:
    from runloop_nb.client import RunloopClient


async def create_benchmark(
    client: RunloopClient, name: str, scenario_ids: Sequence[str], **fields: Any
) -> BenchmarkView:
    """Create a benchmark named `name` holding `scenario_ids` (in that order).

    Args:
        client: the client to create it with.
        name: the benchmark's unique name.
        scenario_ids: ids of existing scenarios, e.g. `[(await builder.push()).id, ...]`.
        **fields: other create fields: `metadata`, `description`, `attribution`,
            `required_environment_variables`, `required_secret_names`.

    Raises:
        ValueError: the name is empty, or the ids are not a list of distinct non-empty strings.
    """
    if not isinstance(name, str) or not name.strip():
        raise ValueError("A benchmark name must be a non-empty string.")
    ids = _checked_ids(scenario_ids)
    return await client.api.benchmarks.create(name=name, scenario_ids=ids, **fields)


def _checked_ids(scenario_ids: Sequence[str]) -> list[str]:
    if isinstance(scenario_ids, str):
        raise ValueError(f"scenario_ids must be a list of ids, not one string ({scenario_ids!r}).")
    ids = list(scenario_ids)
    if not all(isinstance(i, str) and i.strip() for i in ids):
        raise ValueError(f"scenario_ids must all be non-empty strings (got {ids!r}).")
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"scenario_ids lists {duplicates} more than once; list each id once.")
    return ids
