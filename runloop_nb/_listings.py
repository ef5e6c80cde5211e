"""`runloop-nb benchmarks | scenarios BENCHMARK | runs`: look at a server without a notebook.

Each command connects like `runloop_nb.connect()` (RUNLOOP_API_KEY for the cloud, else the local
server of RUNLOOP_NB_HOME, started if needed) and prints one fixed-width table. The client loads
only when a command runs, so `runloop-nb --help` stays fast.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from runloop_nb._text_table import format_table

if TYPE_CHECKING:
    from runloop_nb.client import RunloopClient
    from runloop_nb.wire import ScenarioRunView

    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]

Listing = Callable[["RunloopClient", argparse.Namespace], Awaitable[str]]

BENCHMARK_COLUMNS = ("id", "name", "scenarios", "public", "description")
SCENARIO_COLUMNS = ("id", "name", "scorers", "working_directory")
RUN_COLUMNS = ("id", "state", "score", "scenario", "benchmark_run_id", "devbox_id", "started")
# States in which a scenario run still holds a devbox (`scored` waits for complete or cancel).
LIVE_RUN_STATES = ("running", "scoring", "scored")
_CONNECTS = (
    "Connects like runloop_nb.connect(): RUNLOOP_API_KEY for the cloud, else the local server "
    "(started if none is running)."
)


def add_parsers(subparsers: Subparsers) -> None:
    """Register `benchmarks`, `scenarios` and `runs` on the `runloop-nb` command."""
    parser = subparsers.add_parser(
        "benchmarks",
        help="list your benchmarks and the public ones",
        description=f"List your benchmarks and the public ones, one line each. {_CONNECTS}",
    )
    parser.set_defaults(handler=_handler(list_benchmarks))

    parser = subparsers.add_parser(
        "scenarios",
        help="list the scenarios of a benchmark",
        description=f"List the scenarios of BENCHMARK, one line each. {_CONNECTS}",
    )
    parser.add_argument("benchmark", metavar="BENCHMARK", help="benchmark id or exact name")
    parser.set_defaults(handler=_handler(list_scenarios))

    parser = subparsers.add_parser(
        "runs",
        help="list live and recent scenario runs",
        description="List the scenario runs that are still live (running, scoring or scored: "
        "each holds a devbox until it is completed or cancelled), then the most recent other "
        f"ones. {_CONNECTS}",
    )
    parser.add_argument(
        "--recent",
        type=_count,
        default=20,
        metavar="N",
        help="recent runs to show besides the live ones (20)",
    )
    parser.set_defaults(handler=_handler(list_runs))


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 0, not {text!r}")
    return value


def _handler(listing: Listing) -> Callable[[argparse.Namespace], int]:
    def handle(args: argparse.Namespace) -> int:
        print(asyncio.run(_connected(listing, args)))
        return 0

    return handle


async def _connected(listing: Listing, args: argparse.Namespace) -> str:
    from runloop_nb._connect import connect

    async with connect() as client:
        return await listing(client, args)


async def list_benchmarks(client: RunloopClient, args: argparse.Namespace) -> str:
    """The table of `runloop-nb benchmarks`: yours first, then the public ones."""
    rows: dict[str, dict[str, Any]] = {}
    for pager in (client.api.benchmarks.list(), client.api.benchmarks.list_public()):
        async for benchmark in pager:
            rows.setdefault(
                benchmark.id,
                {
                    "id": benchmark.id,
                    "name": benchmark.name,
                    "scenarios": len(benchmark.scenario_ids),
                    "public": bool(benchmark.is_public),
                    "description": benchmark.description,
                },
            )
    return format_table(list(rows.values()), BENCHMARK_COLUMNS, empty="(no benchmarks)")


async def list_scenarios(client: RunloopClient, args: argparse.Namespace) -> str:
    """The table of `runloop-nb scenarios BENCHMARK`, under a line naming the benchmark."""
    from runloop_nb.audit import benchmark_scenarios, resolve_benchmark

    benchmark = await resolve_benchmark(client, args.benchmark)
    scenarios = await benchmark_scenarios(client, benchmark.id)
    rows = [
        {
            "id": s.id,
            "name": s.name,
            "scorers": ", ".join(
                f"{f.name} ({f.weight:g})" for f in s.scoring_contract.scoring_function_parameters
            ),
            "working_directory": s.environment.working_directory if s.environment else None,
        }
        for s in scenarios
    ]
    title = f"{benchmark.name} ({benchmark.id}): {len(rows)} scenarios"
    return f"{title}\n{format_table(rows, SCENARIO_COLUMNS, empty='(no scenarios)')}"


async def list_runs(client: RunloopClient, args: argparse.Namespace) -> str:
    """The table of `runloop-nb runs`: every live run, then up to `--recent` others."""
    runs = client.api.scenarios.runs
    live: dict[str, ScenarioRunView] = {}
    for state in LIVE_RUN_STATES:
        async for run in runs.list(state=state):
            live[run.id] = run
    recent = await runs.list(limit=args.recent).to_list(args.recent) if args.recent else []
    others = [run for run in recent if run.id not in live and run.state not in LIVE_RUN_STATES]
    shown = sorted(live.values(), key=_newest_first) + others
    table = format_table([_run_row(run) for run in shown], RUN_COLUMNS, empty="(no runs)")
    return f"{len(live)} live, {len(others)} recent\n{table}"


def _newest_first(run: ScenarioRunView) -> int:
    return -(run.start_time_ms or 0)


def _run_row(run: ScenarioRunView) -> dict[str, Any]:
    result = run.scoring_contract_result
    return {
        "id": run.id,
        "state": run.state,
        "score": None if result is None else result.score,
        "scenario": run.scenario.name if run.scenario is not None else run.scenario_id,
        "benchmark_run_id": run.benchmark_run_id,
        "devbox_id": run.devbox_id,
        "started": _utc(run.start_time_ms),
    }


def _utc(ms: int | None) -> str | None:
    if ms is None:
        return None
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S")
