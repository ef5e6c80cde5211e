"""The analysis report: one self-contained HTML file of some benchmark runs.

```python
path = await runloop_nb.report.report(client, [run_a, run_b], "report.html")
```
or `runloop-nb report RUN_ID... -o report.html`. Loads pandas and plotly on first use.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from runloop_nb.report._report import render_report, report, report_sync

__all__ = ["render_report", "report", "report_sync"]


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module("runloop_nb.report._report"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
