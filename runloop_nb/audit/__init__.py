"""Gold audit of a benchmark: `await audit(client, "smoke")` → one DataFrame row per scenario.

A scenario passes when its reference solution scores 1 and an untouched run scores below 1.
The `runloop-nb audit BENCHMARK` command prints the table and exits 1 if any scenario fails.
"""

from runloop_nb.audit._audit import (
    BenchmarkNotFoundError,
    audit,
    benchmark_scenarios,
    resolve_benchmark,
)
from runloop_nb.audit._cli import add_parser, cli_main, format_report
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
