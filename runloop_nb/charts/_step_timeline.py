"""The steps of one trajectory: how long each took, whether it failed, the score preview."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from runloop_nb.charts._style import new_figure, require


def step_timeline_chart(steps: pd.DataFrame) -> go.Figure:
    """Bars of each step's duration (green: exit 0, red: non-zero, grey: no exit code) from
    `steps_df`, and the score preview after each step as a line on a second axis (0 to 1);
    the hover shows the action and the files changed."""
    require(
        steps, ("step", "duration_s", "exit_code", "action", "preview_score"), "step_timeline_chart"
    )
    color = [
        "#9e9e9e" if pd.isna(code) else ("#2e7d32" if code == 0 else "#c62828")
        for code in steps["exit_code"]
    ]
    changed = steps.get("files_changed", pd.Series([[]] * len(steps)))
    detail = [
        f"{action}<br>exit {code}, files: {', '.join(files or []) or 'none'}"
        for action, code, files in zip(
            steps["action"].fillna(""), steps["exit_code"], changed, strict=True
        )
    ]
    figure = new_figure(
        "Steps: duration and score preview",
        "step",
        "seconds",
        yaxis2={"title": "score preview", "overlaying": "y", "side": "right", "range": [0, 1.05]},
        legend={"orientation": "h", "y": -0.2},
    )
    figure.add_trace(
        go.Bar(
            x=steps["step"],
            y=steps["duration_s"],
            marker_color=color,
            name="duration",
            customdata=detail,
            hovertemplate="step %{x}: %{y:.2f} s<br>%{customdata}<extra></extra>",
        )
    )
    previewed = steps[steps["preview_score"].notna()]
    figure.add_trace(
        go.Scatter(
            x=previewed["step"],
            y=previewed["preview_score"],
            yaxis="y2",
            mode="lines+markers",
            name="score preview",
            line={"color": "#1565c0"},
            hovertemplate="after step %{x}: score %{y:.2f}<extra></extra>",
        )
    )
    return figure
