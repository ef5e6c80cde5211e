"""Notebook widgets over the client: browse benchmarks, pick scenarios, launch runs, watch scores.

`runloop_nb.explore()` opens the `Explorer` (every widget in tabs) on `runloop_nb.connect()`.
Each widget receives a client and never builds a server; its logic lives in a plain-Python model
that scripts and tests drive without a kernel. ipywidgets and plotly load on first use.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from runloop_nb.widgets._base import Actions, StatusLine, WidgetBase, describe_error
    from runloop_nb.widgets._browser import BenchmarkBrowser
    from runloop_nb.widgets._explorer import Explorer
    from runloop_nb.widgets._launcher import RunLauncher
    from runloop_nb.widgets._picker import ScenarioPicker
    from runloop_nb.widgets._scoreboard import Scoreboard
    from runloop_nb.widgets._step_console import StepConsole
    from runloop_nb.widgets._step_session import StepSession
    from runloop_nb.widgets._table import Table
    from runloop_nb.widgets._tracker import RunTracker

__all__ = [
    "Actions",
    "BenchmarkBrowser",
    "Explorer",
    "RunLauncher",
    "RunTracker",
    "ScenarioPicker",
    "Scoreboard",
    "StatusLine",
    "StepConsole",
    "StepSession",
    "Table",
    "WidgetBase",
    "describe_error",
]

_LAZY = {
    "Actions": "runloop_nb.widgets._base",
    "BenchmarkBrowser": "runloop_nb.widgets._browser",
    "Explorer": "runloop_nb.widgets._explorer",
    "RunLauncher": "runloop_nb.widgets._launcher",
    "RunTracker": "runloop_nb.widgets._tracker",
    "ScenarioPicker": "runloop_nb.widgets._picker",
    "Scoreboard": "runloop_nb.widgets._scoreboard",
    "Table": "runloop_nb.widgets._table",
    "StatusLine": "runloop_nb.widgets._base",
    "StepConsole": "runloop_nb.widgets._step_console",
    "StepSession": "runloop_nb.widgets._step_session",
    "WidgetBase": "runloop_nb.widgets._base",
    "describe_error": "runloop_nb.widgets._base",
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
