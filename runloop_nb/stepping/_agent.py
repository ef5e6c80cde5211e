"""The Agent protocol: something that works on a scenario inside its run's devbox."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from runloop_nb.client import Devbox
    from runloop_nb.wire import ScenarioView


@runtime_checkable
class Agent(Protocol):
    """Works on `scenario` in `devbox` (already running) until it is done, then returns.

    Scoring and completing the run are the caller's job, so one agent can be used for a gold
    audit, a benchmark run or a step-by-step debugging session. Raise to report that the agent
    could not do its work; the caller records the error against the run.
    """

    async def run(self, devbox: Devbox, scenario: ScenarioView) -> None:
        """Do the work for `scenario` inside `devbox`."""
        ...
