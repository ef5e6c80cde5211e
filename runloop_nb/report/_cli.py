"""`runloop-nb report RUN_ID... -o report.html`."""

from __future__ import annotations

import argparse
import asyncio


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the `report` subcommand."""
    parser = subparsers.add_parser(
        "report",
        help="write an HTML report of benchmark runs",
        description="Write one self-contained HTML report (opens offline) of the given benchmark "
        "runs: summaries with intervals, charts, paired comparisons, every scenario's outcome. "
        "Uses the cloud when RUNLOOP_API_KEY is set, else the local server.",
    )
    parser.add_argument("run_ids", nargs="+", metavar="RUN_ID", help="benchmark run ids (bmr_...)")
    parser.add_argument("-o", "--output", default="report.html", help="file to write (report.html)")
    parser.add_argument("--title", default=None, help="the report's title")
    parser.set_defaults(handler=_report)


def _report(args: argparse.Namespace) -> int:
    from runloop_nb._connect import connect
    from runloop_nb.report._report import report

    async def go() -> None:
        async with connect() as client:
            path = await report(client, args.run_ids, args.output, title=args.title)
        print(f"report written: {path}")

    asyncio.run(go())
    return 0
