"""What a report shows, computed once from a RunSet: frames, summaries, comparisons, provenance."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from urllib.parse import urlsplit

import pandas as pd

from runloop_nb.analysis import (
    Comparison,
    RunSet,
    compare,
    outcomes_frame,
    pass_at_k_table,
    runs_frame,
    scores_frame,
    summarize,
)

# More comparisons than this make a report nobody reads: the first arm against the next ones.
MAX_COMPARISONS = 4


@dataclass(frozen=True)
class ReportModel:
    """Everything the HTML shows (and the tests check against a hand count of `runs`)."""

    title: str
    runs: pd.DataFrame
    scores: pd.DataFrame
    outcomes: pd.DataFrame
    per_run: pd.DataFrame
    per_agent: pd.DataFrame | None
    arm: str
    comparisons: list[Comparison]
    provenance: dict[str, str]
    pass_at_k: pd.DataFrame | None = None


def build_model(data: RunSet, *, title: str | None = None) -> ReportModel:
    """Frames, summaries and comparisons of `data`; comparisons by agent when every run names
    one and there are several, else by benchmark run."""
    runs = runs_frame(data)
    outcomes = outcomes_frame(data, runs)
    if outcomes.empty:
        raise ValueError("nothing to report: the benchmark runs have no scenarios and no runs")
    per_run = summarize(outcomes, by=("benchmark_run_id",))
    agents = outcomes["agent"]
    by_agent = bool(agents.notna().all()) and agents.nunique() > 1
    arm = "agent" if by_agent else "benchmark_run_id"
    per_agent = summarize(outcomes, by=("agent",)) if agents.notna().any() else None
    arms = list(dict.fromkeys(outcomes[arm].dropna()))
    comparisons = [
        compare(outcomes, arms[0], other, by=arm) for other in arms[1 : 1 + MAX_COMPARISONS]
    ]
    return ReportModel(
        title=title or _title(data),
        runs=runs,
        scores=scores_frame(data),
        outcomes=outcomes,
        per_run=per_run,
        per_agent=per_agent,
        arm=arm,
        comparisons=comparisons,
        provenance=_provenance(data, outcomes),
        pass_at_k=_pass_at_k(outcomes, arm),
    )


def _pass_at_k(outcomes: pd.DataFrame, arm: str) -> pd.DataFrame | None:
    """pass@k per arm when some scenario was attempted more than once by one arm."""
    attempts = outcomes.groupby([arm, "scenario_id"], dropna=False).size()
    if attempts.empty or attempts.max() < 2:
        return None
    return pass_at_k_table(outcomes, by=arm)


def server_label(base_url: str) -> str:
    """'local (url)' for a loopback server (the embedded one), else the URL."""
    host = urlsplit(base_url).hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    return f"local ({base_url})" if loopback else base_url


def _title(data: RunSet) -> str:
    names = sorted({b.name for b in data.benchmarks.values()})
    return f"Benchmark report: {', '.join(names) or 'scenario runs'}"


def _provenance(data: RunSet, outcomes: pd.DataFrame) -> dict[str, str]:
    try:
        package = version("runloop-nb")
    except PackageNotFoundError:
        package = "0+unknown"
    runs = [f"{r.id} ({r.name or 'unnamed'}, {r.state})" for r in data.benchmark_runs.values()]
    return {
        "benchmark runs": "; ".join(runs) or "(none)",
        "benchmarks": "; ".join(f"{b.id} ({b.name})" for b in data.benchmarks.values()) or "(none)",
        "agents": ", ".join(sorted(set(outcomes["agent"].dropna()))) or "(not recorded)",
        "server": server_label(data.base_url),
        "runloop-nb": package,
        "data fetched": data.fetched_at.isoformat(timespec="seconds"),
        "report written": datetime.now(UTC).isoformat(timespec="seconds"),
    }
