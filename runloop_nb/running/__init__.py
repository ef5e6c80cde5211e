"""Running agents on scenarios the right way: every run started is completed or cancelled.

`await run_scenario(client, scenario_id, agent)` -> `ScenarioOutcome` (the run's last view, its
score, the agent's error). Loads its dependencies (the client) on first use.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from runloop_nb.running._scenario import ScenarioOutcome, run_scenario

__all__ = ["ScenarioOutcome", "run_scenario"]

_LAZY = {
    "ScenarioOutcome": "runloop_nb.running._scenario",
    "run_scenario": "runloop_nb.running._scenario",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
