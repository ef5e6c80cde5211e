"""How the scores are spread, per agent (or run)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from runloop_nb.charts._style import new_figure, require


def score_distribution_chart(outcomes: pd.DataFrame, *, by: str = "agent") -> go.Figure:
    """Overlaid histograms (10 bins over [0, 1]) of the scores in an outcomes or runs frame,
    one per value of `by`. Rows without a score (not started, errors, timeouts) are not
    scores: the legend says how many each group has."""
    require(outcomes, ("score", by), "score_distribution_chart")
    figure = new_figure("Score distribution", "score", "scenario runs", barmode="overlay")
    for name, group in outcomes.groupby(by, sort=False, dropna=False):
        scores = group["score"].dropna()
        unscored = len(group) - len(scores)
        label = "(none)" if pd.isna(name) else str(name)
        figure.add_trace(
            go.Histogram(
                x=scores,
                xbins={"start": 0.0, "end": 1.0001, "size": 0.1},
                name=f"{label} ({unscored} without a score)" if unscored else label,
                opacity=0.6,
                hovertemplate="score %{x}<br>%{y} runs<extra>" + label + "</extra>",
            )
        )
    figure.update_xaxes(range=[0, 1.05])
    return figure
