"""Gold audit of a benchmark: `await audit(client, "smoke")` → one DataFrame row per scenario.

A scenario passes when its reference solution scores 1 and an untouched run scores below 1.
The `runloop-nb audit BENCHMARK` command prints the table and exits 1 if any scenario fails.

Only the command-line entry points load eagerly, so `runloop-nb --help` stays fast; the rest
(which pulls in the client) loads on first use.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from runloop_nb.audit._cli import add_parser, cli_main

if TYPE_CHECKING:
    from runloop_nb.audit._audit import (
        BenchmarkNotFoundError,
        audit,
        benchmark_scenarios,
        resolve_benchmark,
    )
    from runloop_nb.audit._cli import format_report
    from runloop_nb.audit._runs import METADATA_KEY
    from runloop_nb.audit._table import COLUMNS, RunOutcome, audit_passed, summary_line

__all__ = [
    "COLUMNS",
    "METADATA_KEY",
    "BenchmarkNotFoundError",
    "RunOutcome",
    "add_parser",
    "audit",
    "audit_passed",
    "benchmark_scenarios",
    "cli_main",
    "format_report",
    "resolve_benchmark",
    "summary_line",
]

_LAZY = {
    "BenchmarkNotFoundError": "runloop_nb.audit._audit",
    "audit": "runloop_nb.audit._audit",
    "benchmark_scenarios": "runloop_nb.audit._audit",
    "resolve_benchmark": "runloop_nb.audit._audit",
    "format_report": "runloop_nb.audit._cli",
    "METADATA_KEY": "runloop_nb.audit._runs",
    "COLUMNS": "runloop_nb.audit._table",
    "RunOutcome": "runloop_nb.audit._table",
    "audit_passed": "runloop_nb.audit._table",
    "summary_line": "runloop_nb.audit._table",
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
