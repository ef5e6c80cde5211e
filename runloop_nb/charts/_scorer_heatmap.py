"""Scenario x scoring function: the mean score of each function on each scenario."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from runloop_nb.charts._style import new_figure, require


def scorer_heatmap(scores: pd.DataFrame) -> go.Figure:
    """A heatmap of `scores_df`: rows are scenarios, columns scoring functions, colour the
    mean score over the runs; the hover gives the run count and how many ended in error."""
    require(scores, ("scenario_name", "scoring_function", "score", "state"), "scorer_heatmap")
    named = scores.assign(scenario_name=scores["scenario_name"].fillna(scores["scenario_id"]))
    grouped = named.groupby(["scenario_name", "scoring_function"])
    mean = grouped["score"].mean().unstack()
    runs = grouped["score"].size().unstack().reindex_like(mean)
    errors = (
        grouped["state"].apply(lambda s: int((s == "error").sum())).unstack().reindex_like(mean)
    )
    text = np.where(mean.isna(), "", mean.round(2).astype(str))
    figure = new_figure(
        "Mean score per scenario and scoring function", "scoring function", "scenario"
    )
    figure.add_trace(
        go.Heatmap(
            z=mean.to_numpy(dtype=float),
            x=list(mean.columns),
            y=list(mean.index),
            zmin=0,
            zmax=1,
            colorscale="RdYlGn",
            colorbar={"title": "mean score"},
            text=text,
            texttemplate="%{text}",
            customdata=np.dstack([runs.fillna(0).to_numpy(), errors.fillna(0).to_numpy()]),
            hovertemplate="%{y} / %{x}<br>mean score %{z:.2f} over %{customdata[0]} runs"
            "<br>%{customdata[1]} ended in error<extra></extra>",
        )
    )
    figure.update_layout(height=max(300, 28 * len(mean.index) + 140))
    return figure
