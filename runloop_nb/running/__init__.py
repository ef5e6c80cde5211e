"""Running agents on scenarios the right way: every run started is completed or cancelled.

`await run_scenario(client, scenario_id, agent)` -> `ScenarioOutcome` (the run's last view, its
score, the agent's error); `await run_benchmark(client, benchmark, agent, concurrency=4,
attempts=1)` -> `BenchmarkOutcome` (many scenarios, tqdm progress). Loads its dependencies (the
client) on first use.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from runloop_nb.running._benchmark import (
        AGENT_KEY,
        ATTEMPT_KEY,
        BenchmarkOutcome,
        NotStarted,
        RunEvent,
        run_benchmark,
    )
    from runloop_nb.running._scenario import ScenarioOutcome, run_scenario

__all__ = [
    "AGENT_KEY",
    "ATTEMPT_KEY",
    "BenchmarkOutcome",
    "NotStarted",
    "RunEvent",
    "ScenarioOutcome",
    "run_benchmark",
    "run_scenario",
]

_LAZY = {
    "AGENT_KEY": "runloop_nb.running._benchmark",
    "ATTEMPT_KEY": "runloop_nb.running._benchmark",
    "BenchmarkOutcome": "runloop_nb.running._benchmark",
    "NotStarted": "runloop_nb.running._benchmark",
    "RunEvent": "runloop_nb.running._benchmark",
    "run_benchmark": "runloop_nb.running._benchmark",
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
