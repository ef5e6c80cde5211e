"""`explore()`: the Explorer on `connect()`'s client; composition, like `connect()` itself.

Widgets never build servers (an import contract); this module may, through `connect()`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from runloop_nb.client import RunloopClient
    from runloop_nb.stepping import Agent
    from runloop_nb.widgets import Explorer


def explore(
    client: RunloopClient | None = None,
    *,
    agents: Mapping[str, Agent] | None = None,
    page_size: int = 20,
) -> Explorer:
    """Open the Explorer (benchmarks, scenarios, runs, scores in tabs); make it a cell's last
    line to display it.

    Args:
        client: the client to use; default `runloop_nb.connect()` (the embedded local server
            unless RUNLOOP_API_KEY is set).
        agents: more agents for the launcher, by label (anything with
            `async run(devbox, scenario)`); `reference` and `none` are always offered.
        page_size: rows per page of the benchmark and scenario lists.
    """
    from runloop_nb.widgets import Explorer

    if client is None:
        from runloop_nb._connect import connect

        client = connect()
    return Explorer(client, agents=agents, page_size=page_size)
