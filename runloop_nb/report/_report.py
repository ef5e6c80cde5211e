"""report(): fetch benchmark runs, build the model, write one HTML file."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from runloop_nb._aio import run_sync
from runloop_nb.analysis import RunSet, load_runs
from runloop_nb.report._model import build_model
from runloop_nb.report._render import render_html

if TYPE_CHECKING:
    from runloop_nb.client import RunloopClient


def render_report(data: RunSet, *, title: str | None = None) -> str:
    """The report of already-fetched runs (`await analysis.load_runs(...)`) as HTML text."""
    return render_html(build_model(data, title=title))


async def report(
    client: RunloopClient,
    benchmark_run_ids: str | Sequence[str],
    path: str | Path = "report.html",
    *,
    title: str | None = None,
) -> Path:
    """Write the report of some benchmark runs to `path`: one HTML file that opens offline.

    It holds a summary per run (pass rate with a 95 % interval, mean score with its SE,
    warnings), charts, the paired comparison when several runs (or agents) are given, the
    outcome of every scenario, and provenance (ids, server, package version, times, agents).

    Returns:
        The path written (absolute).
    """
    data = await load_runs(client, benchmark_run_ids)
    if not data.benchmark_runs:
        raise ValueError("no benchmark run ids given: name the runs to report on")
    page = render_report(data, title=title)
    return await asyncio.to_thread(_write, Path(path), page)


def _write(path: Path, page: str) -> Path:
    path.write_text(page, encoding="utf-8")
    return path.absolute()


def report_sync(
    client: RunloopClient,
    benchmark_run_ids: str | Sequence[str],
    path: str | Path = "report.html",
    *,
    title: str | None = None,
) -> Path:
    """`report`, blocking (for scripts and plain cells)."""

    async def go() -> Path:
        async with client.clone() as own:
            return await report(own, benchmark_run_ids, path, title=title)

    return run_sync(go)
