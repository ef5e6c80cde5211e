"""`runloop-nb audit BENCHMARK`: print the gold-audit table; exit 1 unless every scenario is ok."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

_SHOWN = ["scenario_name", "gold_scores", "untouched_scores", "flaky", "ok", "error"]
_ERROR_WIDTH = 120


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `audit` on the `runloop-nb` command (its handler returns the exit code)."""
    parser = subparsers.add_parser(
        "audit",
        help="gold-audit a benchmark: references score 1, untouched runs score < 1",
        description="Run every scenario of BENCHMARK with its reference solution applied and "
        "untouched, score both, and print one row per scenario. Exit status 1 when any gold "
        "run scores below 1, any untouched run scores 1, repeats disagree or a run fails. "
        "Connects like runloop_nb.connect(): RUNLOOP_API_KEY for the cloud, else the local "
        "server.",
    )
    _add_arguments(parser)
    parser.set_defaults(handler=_handle)


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("benchmark", metavar="BENCHMARK", help="benchmark id or exact name")
    parser.add_argument(
        "--repeat", type=_positive, default=1, metavar="R", help="runs per scenario and kind (1)"
    )
    parser.add_argument(
        "--concurrency", type=_positive, default=4, metavar="N", help="runs in flight (4)"
    )


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1, not {text!r}")
    return value


def cli_main(argv: Sequence[str] | None = None) -> int:
    """Run `audit` with its own argument parser (the same one `runloop-nb audit` uses)."""
    parser = argparse.ArgumentParser(prog="runloop-nb audit", description="Gold-audit a benchmark.")
    _add_arguments(parser)
    return _handle(parser.parse_args(argv))


def _handle(args: argparse.Namespace) -> int:
    import asyncio

    from runloop_nb.errors import RunloopNBError

    try:
        frame = asyncio.run(_audit(args.benchmark, args.repeat, args.concurrency))
    except (RunloopNBError, ValueError) as exc:
        print(f"runloop-nb audit: {exc}", file=sys.stderr)
        return 2
    print(format_report(frame))
    from runloop_nb.audit._table import audit_passed

    return 0 if audit_passed(frame) else 1


async def _audit(benchmark: str, repeat: int, concurrency: int) -> pd.DataFrame:
    from runloop_nb import connect
    from runloop_nb.audit._audit import audit

    async with connect() as client:
        return await audit(client, benchmark, repeat=repeat, concurrency=concurrency)


def format_report(frame: pd.DataFrame) -> str:
    """The table (one row per scenario) followed by the summary line."""
    import pandas as pd

    from runloop_nb.audit._table import summary_line

    shown = frame[_SHOWN].copy()
    shown["gold_scores"] = shown["gold_scores"].map(_scores)
    shown["untouched_scores"] = shown["untouched_scores"].map(_scores)
    shown["error"] = shown["error"].map(_short)
    with pd.option_context("display.max_colwidth", _ERROR_WIDTH, "display.width", 250):
        table = shown.to_string(index=False) if len(shown) else "(no scenarios)"
    return f"{table}\n{summary_line(frame)}"


def _scores(scores: list[Any]) -> str:
    return " ".join("-" if s is None else f"{s:g}" for s in scores)


def _short(error: object) -> str:
    if not isinstance(error, str) or not error:  # missing errors are NaN in a pandas str column
        return ""
    flat = " ".join(error.split())
    return flat if len(flat) <= _ERROR_WIDTH else flat[: _ERROR_WIDTH - 3] + "..."
