"""How long the scenario runs took, per agent (or run)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from runloop_nb.charts._style import new_figure, require


def durations_chart(runs: pd.DataFrame, *, by: str = "agent") -> go.Figure:
    """Box plots of `duration_s` from a runs (or outcomes) frame, one per value of `by`, every
    run shown as a point; the hover names the scenario and its outcome."""
    require(runs, ("duration_s", by, "scenario_name", "outcome"), "durations_chart")
    figure = new_figure("Scenario run durations", by.replace("_", " "), "seconds")
    for name, group in runs.groupby(by, sort=False, dropna=False):
        timed = group[group["duration_s"].notna()]
        label = "(none)" if pd.isna(name) else str(name)
        figure.add_trace(
            go.Box(
                y=timed["duration_s"],
                name=label,
                boxpoints="all",
                jitter=0.4,
                pointpos=0,
                customdata=timed[["scenario_name", "outcome"]].astype(str).to_numpy(),
                hovertemplate="%{customdata[0]}<br>%{y:.2f} s, %{customdata[1]}<extra></extra>",
            )
        )
    figure.update_layout(showlegend=False)
    return figure
