"""Pass rate per run (or agent) with its 95 % interval."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from runloop_nb.charts._style import new_figure, require


def pass_rate_chart(summary: pd.DataFrame, *, label: str = "agent") -> go.Figure:
    """Bars of `summarize(outcomes)`'s pass_rate, one per row, with Wilson 95 % error bars.

    `label` is the column that names a bar (agent, or benchmark_run_id); rows without one use
    the benchmark run id. The hover text gives the counts behind each bar.
    """
    require(
        summary, ("pass_rate", "pass_rate_low", "pass_rate_high", "n", "passed"), "pass_rate_chart"
    )
    names = _labels(summary, label)
    figure = new_figure(
        "Pass rate per run (95 % Wilson interval)", label.replace("_", " "), "pass rate"
    )
    figure.add_trace(
        go.Bar(
            x=names,
            y=summary["pass_rate"],
            error_y={
                "type": "data",
                "symmetric": False,
                "array": summary["pass_rate_high"] - summary["pass_rate"],
                "arrayminus": summary["pass_rate"] - summary["pass_rate_low"],
            },
            customdata=summary[["passed", "n", "pass_rate_low", "pass_rate_high"]].to_numpy(),
            hovertemplate="%{x}<br>passed %{customdata[0]} of %{customdata[1]}"
            "<br>pass rate %{y:.1%} (%{customdata[2]:.1%} to %{customdata[3]:.1%})<extra></extra>",
            marker_color="#1565c0",
            name="pass rate",
        )
    )
    figure.update_yaxes(range=[0, 1.05], tickformat=".0%")
    return figure


def _labels(summary: pd.DataFrame, label: str) -> list[str]:
    if label in summary.columns:
        primary = summary[label].astype("string")
    else:
        primary = pd.Series([pd.NA] * len(summary), dtype="string")
    fallback = summary.get("benchmark_run_id", pd.Series(range(len(summary)))).astype("string")
    names = primary.fillna(fallback).tolist()
    if len(set(names)) < len(names) and "benchmark_run_id" in summary.columns:
        names = [f"{n} ({r})" for n, r in zip(names, summary["benchmark_run_id"], strict=True)]
    return [str(n) for n in names]
