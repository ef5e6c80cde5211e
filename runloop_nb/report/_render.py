"""The report as one self-contained HTML page: plotly.js inlined once, every chart after it.

Numbers sit in cells tagged `data-col` (and rows in `data-key`), so a test can read them back
and compare them with a hand count of the runs frame.
"""

from __future__ import annotations

import html
import math
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.io import to_html
from plotly.offline import get_plotlyjs

from runloop_nb.analysis import OUTCOMES, Comparison
from runloop_nb.analysis._columns import rows
from runloop_nb.charts import (
    durations_chart,
    paired_chart,
    pass_rate_chart,
    score_distribution_chart,
    scorer_heatmap,
)
from runloop_nb.charts._style import OUTCOME_COLORS
from runloop_nb.report._model import ReportModel

_CSS = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
h1 { font-size: 1.6em; } h2 { margin-top: 2em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: .5em 0 1em; font-size: 13px; }
/* Summary tables have 16 columns: they scroll inside the page rather than past its edge. */
.wide { overflow-x: auto; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: right; }
th { background: #f5f5f5; } td.text, th.text { text-align: left; }
td.outcome { color: #fff; text-align: center; } td.ci { white-space: nowrap; }
.warn { background: #fff3e0; border-left: 4px solid #ef6c00; padding: .4em .8em; }
.note { color: #555; }
dl { display: grid; grid-template-columns: max-content auto; gap: 2px 1em; }
dt { font-weight: 600; }
"""
_SUMMARY_COLUMNS = ("n", *OUTCOMES, "pass_rate", "mean_score", "mean_score_se")


def render_html(model: ReportModel) -> str:
    """The whole page."""
    body = [
        f"<h1>{_e(model.title)}</h1>",
        _headline(model),
        "<h2>Summary per benchmark run</h2>",
        _summary_table(model.per_run, "benchmark_run_id"),
        _warnings(model.per_run),
    ]
    if model.per_agent is not None and len(model.per_agent) < len(model.per_run):
        body += [
            "<h2>Summary per agent (all its runs)</h2>",
            _summary_table(model.per_agent, "agent"),
        ]
    body += ["<h2>Charts</h2>", *_charts(model)]
    if model.comparisons:
        body.append("<h2>Paired comparison</h2>")
        body += [_comparison(c) for c in model.comparisons]
    if model.pass_at_k is not None:
        body += ["<h2>pass@k and pass^k over the attempts</h2>", _pass_at_k(model)]
    body += ["<h2>Outcome of every scenario</h2>", _outcome_matrix(model.outcomes)]
    body += ["<h2>Provenance</h2>", _provenance(model.provenance)]
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>{_e(model.title)}</title><style>{_CSS}</style>"
        # plotly.js once, inline: the file opens offline and every chart below reuses it
        f"<script type='text/javascript'>{get_plotlyjs()}</script>"
        f"</head><body>{''.join(body)}</body></html>\n"
    )


def _headline(model: ReportModel) -> str:
    summary = (
        model.per_agent if model.arm == "agent" and model.per_agent is not None else model.per_run
    )
    key = "agent" if summary is model.per_agent else "benchmark_run_id"
    parts = [
        f"<b>{_e(row[key])}</b>: passed {int(row['passed'])} of {int(row['n'])} "
        f"({_pct(row['pass_rate'])}, 95 % CI {_pct(row['pass_rate_low'])} to "
        f"{_pct(row['pass_rate_high'])}); mean score {_num(row['mean_score'])} "
        f"± {_num(1.959964 * row['mean_score_se'])}"
        for _, row in summary.iterrows()
    ]
    return "<p>" + "<br>".join(parts) + "</p>"


def _summary_table(summary: pd.DataFrame, key: str) -> str:
    head = f"<th class='text'>{_e(key)}</th>"
    if key != "agent":
        head += "<th class='text'>agent</th>"
    head += "".join(f"<th>{_e(c)}</th>" for c in _SUMMARY_COLUMNS) + "<th>95 % CI (pass rate)</th>"
    rows = []
    for _, row in summary.iterrows():
        cells = f"<td class='text'>{_e(row[key])}</td>"
        if key != "agent":
            cells += f"<td class='text'>{_e(row['agent'])}</td>"
        for column in _SUMMARY_COLUMNS:
            cells += f"<td data-col='{column}'>{_cell(row[column])}</td>"
        interval = f"{_pct(row['pass_rate_low'])} to {_pct(row['pass_rate_high'])}"
        cells += f"<td class='ci'>{interval}</td>"
        rows.append(f"<tr data-key='{_e(row[key])}'>{cells}</tr>")
    return f"<div class='wide'><table><tr>{head}</tr>{''.join(rows)}</table></div>"


def _warnings(summary: pd.DataFrame) -> str:
    notes = [
        f"<div class='warn'><b>{_e(row['benchmark_run_id'])}</b>: {_e(row['warnings'])}</div>"
        for _, row in summary.iterrows()
        if row["warnings"]
    ]
    denominator = (
        "<p class='note'>The denominator is every scenario of the benchmark, once per attempt: "
        "a scenario that was not started or ended in an error counts as not passed (score 0).</p>"
    )
    return denominator + "".join(notes)


def _charts(model: ReportModel) -> list[str]:
    figures: list[go.Figure] = []
    per = model.per_agent if model.arm == "agent" and model.per_agent is not None else model.per_run
    figures.append(
        pass_rate_chart(per, label="agent" if per is model.per_agent else "benchmark_run_id")
    )
    figures.append(score_distribution_chart(model.outcomes, by=model.arm))
    if model.runs["duration_s"].notna().any():
        figures.append(durations_chart(model.runs, by=model.arm))
    if not model.scores.empty:
        figures.append(scorer_heatmap(model.scores, by=model.arm))
    figures += [paired_chart(c.table, c.a, c.b) for c in model.comparisons]
    return [
        "<div class='chart'>"
        + to_html(f, include_plotlyjs=False, full_html=False, config={"displaylogo": False})
        + "</div>"
        for f in figures
    ]


def _comparison(c: Comparison) -> str:
    counts = "".join(
        f"<td data-col='{k}'>{getattr(c, k)}</td>" for k in ("both", "only_a", "only_b", "neither")
    )
    differ = c.table[c.table["category"].isin(["only A", "only B"])]
    listing = "".join(
        f"<li>{_e(r.scenario_name)}: {_e(c.a if r.category == 'only A' else c.b)} only "
        f"({_num(r.score_a)} vs {_num(r.score_b)})</li>"
        for r in differ.itertuples()
    )
    return (
        f"<h3>{_e(c.a)} vs {_e(c.b)}</h3><p>{_e(c.describe())}</p>"
        f"<table><tr><th>both pass</th><th>only {_e(c.a)}</th><th>only {_e(c.b)}</th>"
        f"<th>neither</th><th>McNemar p</th></tr><tr data-key='{_e(c.a)} vs {_e(c.b)}'>{counts}"
        f"<td data-col='mcnemar_p'>{c.mcnemar_p:.3g}</td></tr></table>"
        + (
            f"<p>Where they differ:</p><ul>{listing}</ul>"
            if listing
            else "<p>They never differ.</p>"
        )
    )


def _pass_at_k(model: ReportModel) -> str:
    table = model.pass_at_k
    assert table is not None
    head = "".join(f"<th>{_e(c)}</th>" for c in table.columns)
    rows = "".join(
        f"<tr data-key='{_e(row[model.arm])}'>"
        + "".join(f"<td data-col='{_e(c)}'>{_cell(row[c])}</td>" for c in table.columns)
        + "</tr>"
        for _, row in table.iterrows()
    )
    note = (
        "<p class='note'>pass@k: the chance that at least one of k attempts passes (the unbiased "
        "estimator of Chen et al. 2021); pass^k: that all k pass. Averaged over scenarios.</p>"
    )
    return f"{note}<table><tr>{head}</tr>{rows}</table>"


def _outcome_matrix(outcomes: pd.DataFrame) -> str:
    labelled = outcomes.assign(column=_column_labels(outcomes))
    columns = list(dict.fromkeys(labelled["column"]))
    head = "<th class='text'>scenario</th>" + "".join(f"<th>{_e(c)}</th>" for c in columns)
    # One pass over the rows (not a groupby of 10,000 rows with itertuples per group): each
    # scenario name, in order of first appearance, with its row per column.
    by_name: dict[Any, dict[str, Any]] = {}
    for r in rows(labelled, ("scenario_name", "column", "outcome", "score", "run_id")):
        name = None if pd.isna(r.scenario_name) else r.scenario_name
        by_name.setdefault(name, {})[r.column] = r
    lines = [
        f"<tr><td class='text'>{_e(name)}</td>"
        + "".join(_outcome_cell(by_column.get(c)) for c in columns)
        + "</tr>"
        for name, by_column in by_name.items()
    ]
    legend = " ".join(
        f"<span style='background:{OUTCOME_COLORS[o]};color:#fff;padding:0 4px'>{o}</span>"
        for o in OUTCOMES
    )
    table = f"<table><tr>{head}</tr>{''.join(lines)}</table>"
    return f"<p>{legend}</p><div class='wide'>{table}</div>"


def _outcome_cell(row: Any) -> str:
    if row is None:
        return "<td></td>"
    score = "" if pd.isna(row.score) else f" {row.score:.2f}"
    tip = _e(row.run_id) if not pd.isna(row.run_id) else "never started"
    color = OUTCOME_COLORS[str(row.outcome)]
    style = f"background:{color}"
    return f"<td class='outcome' style='{style}' title='{tip}'>{_e(row.outcome)}{score}</td>"


def _column_labels(outcomes: pd.DataFrame) -> list[str]:
    labels = [
        f"{agent if not pd.isna(agent) else run} #{attempt}"
        for agent, run, attempt in zip(
            outcomes["agent"], outcomes["benchmark_run_id"], outcomes["attempt"], strict=True
        )
    ]
    pairs = set(zip(labels, outcomes["benchmark_run_id"], strict=True))
    if len({label for label, _ in pairs}) < len(pairs):  # one label, several runs: say which
        runs = outcomes["benchmark_run_id"]
        labels = [f"{label} ({run})" for label, run in zip(labels, runs, strict=True)]
    return labels


def _provenance(items: dict[str, str]) -> str:
    return "<dl>" + "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in items.items()) + "</dl>"


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return "" if math.isnan(value) else f"{value:.3f}"
    return _e(value)


def _pct(value: float) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:.0%}"


def _num(value: float) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:.3f}"


def _e(value: Any) -> str:
    return html.escape("" if value is None or value is pd.NA else str(value), quote=True)
