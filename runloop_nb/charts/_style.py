"""The look shared by every chart: one template, readable fonts, titles that say the unit."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

# Colour per outcome, the same in every chart and in the report's table.
OUTCOME_COLORS = {
    "passed": "#2e7d32",
    "partial": "#9ccc65",
    "failed": "#c62828",
    "scorer_error": "#6a1b9a",
    "timeout": "#ef6c00",
    "infra_failed": "#5d4037",
    "canceled": "#757575",
    "in_progress": "#42a5f5",
    "not_started": "#bdbdbd",
}


def new_figure(title: str, x_title: str, y_title: str, **layout: Any) -> go.Figure:
    """An empty figure with the shared template, a title and both axis titles."""
    figure = go.Figure()
    figure.update_layout(
        template="plotly_white",
        title={"text": title, "x": 0.0, "xanchor": "left"},
        xaxis_title=x_title,
        yaxis_title=y_title,
        font={"size": 13},
        margin={"l": 60, "r": 30, "t": 60, "b": 60},
        hoverlabel={"align": "left"},
        **layout,
    )
    return figure


def require(frame: Any, columns: tuple[str, ...], what: str) -> None:
    """Fail with the missing column names when `frame` is not the frame a chart needs."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{what} needs the columns {', '.join(missing)}; pass the frame its docstring names."
        )
