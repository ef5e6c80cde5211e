"""Scenario x scoring function: the mean score of each function on each scenario."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from runloop_nb.charts._style import new_figure, require


def scorer_heatmap(scores: pd.DataFrame, *, by: str | None = None) -> go.Figure:
    """A heatmap of `scores_df`: rows are scenarios, columns scoring functions, colour the
    mean score over the runs; the hover gives the run count and how many ended in error.

    With `by` (e.g. "agent") each function gets one column per value of that column
    ("tests | reference", "tests | mutant"), so different agents are not averaged together.
    """
    require(scores, ("scenario_name", "scoring_function", "score", "state"), "scorer_heatmap")
    named = scores.assign(scenario_name=scores["scenario_name"].fillna(scores["scenario_id"]))
    if by is not None:
        require(scores, (by,), "scorer_heatmap")
        label = named["scoring_function"] + " | " + named[by].astype("string").fillna("(none)")
        named = named.assign(scoring_function=label)
    named = named.assign(is_error=named["state"].eq("error").fillna(False).astype(int))
    grouped = named.groupby(["scenario_name", "scoring_function"])
    mean = grouped["score"].mean().unstack()
    runs = grouped["score"].size().unstack().reindex_like(mean)
    errors = grouped["is_error"].sum().unstack().reindex_like(mean)
    text = np.where(mean.isna(), "", mean.round(2).astype(str))
    x_title = "scoring function" if by is None else f"scoring function | {by}"
    figure = new_figure("Mean score per scenario and scoring function", x_title, "scenario")
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
