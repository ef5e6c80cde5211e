"""Plotly figures built from the analysis frames: a DataFrame in, a Figure out, never shown.

One builder per module: `pass_rate_chart(summary)`, `score_distribution_chart(outcomes)`,
`durations_chart(runs)`, `scorer_heatmap(scores)`, `paired_chart(comparison.table, a, b)`,
`step_timeline_chart(steps)`. They depend only on the frames' documented columns (see
`runloop_nb.analysis`), never on a client or a server. Loads plotly on first use.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from runloop_nb.charts._durations import durations_chart
    from runloop_nb.charts._paired import paired_chart
    from runloop_nb.charts._pass_rate import pass_rate_chart
    from runloop_nb.charts._score_distribution import score_distribution_chart
    from runloop_nb.charts._scorer_heatmap import scorer_heatmap
    from runloop_nb.charts._step_timeline import step_timeline_chart

__all__ = [
    "durations_chart",
    "paired_chart",
    "pass_rate_chart",
    "score_distribution_chart",
    "scorer_heatmap",
    "step_timeline_chart",
]

_LAZY = {
    "durations_chart": "_durations",
    "paired_chart": "_paired",
    "pass_rate_chart": "_pass_rate",
    "score_distribution_chart": "_score_distribution",
    "scorer_heatmap": "_scorer_heatmap",
    "step_timeline_chart": "_step_timeline",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
