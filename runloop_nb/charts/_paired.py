"""A paired comparison as a 2x2 matrix: both pass, only A, only B, neither."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from runloop_nb.charts._style import new_figure, require


def paired_chart(table: pd.DataFrame, a: str, b: str) -> go.Figure:
    """The pass table of `compare(...).table` as an annotated 2x2 heatmap (rows: A passes or
    fails, columns: B passes or fails); the hover lists the scenarios in each cell."""
    require(table, ("pass_a", "pass_b", "scenario_name"), "paired_chart")
    cells = [[(True, True), (True, False)], [(False, True), (False, False)]]
    counts: list[list[int]] = []
    names: list[list[str]] = []
    for row in cells:
        counts.append([])
        names.append([])
        for pa, pb in row:
            hit = table[(table["pass_a"] == pa) & (table["pass_b"] == pb)]
            counts[-1].append(len(hit))
            names[-1].append("<br>".join(hit["scenario_name"].astype(str).head(20)) or "(none)")
    figure = new_figure(f"Paired outcomes: {a} vs {b}", b, a)
    figure.add_trace(
        go.Heatmap(
            z=counts,
            x=[f"{b} passes", f"{b} fails"],
            y=[f"{a} passes", f"{a} fails"],
            text=counts,
            texttemplate="%{text}",
            textfont={"size": 20},
            customdata=names,
            colorscale="Blues",
            showscale=False,
            hovertemplate="%{y}, %{x}: %{z} scenarios<br>%{customdata}<extra></extra>",
        )
    )
    figure.update_yaxes(autorange="reversed")
    return figure
