"""The ``runloop-nb`` command: ``serve`` (foreground, ``--background`` or ``--stop``), ``audit``,
``benchmarks``, ``scenarios BENCHMARK`` and ``runs``.

Each subcommand is one ``_add_<name>`` function that registers its parser and handler; add a new
command (``audit``, ``lab``, ``report``, ...) by writing another one and listing it in
``_COMMANDS``. Heavy imports (uvicorn, the server) happen inside the handlers, so ``--help`` is
fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

Handler = Callable[[argparse.Namespace], int]
BACKGROUND_LABEL = "embedded Runloop server"


def _add_serve(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="run the embedded Runloop-compatible server",
        description="Run the embedded Runloop-compatible server on 127.0.0.1. The url and bearer "
        "token are written to server.json in the data directory (RUNLOOP_NB_HOME).",
    )
    parser.add_argument("--port", type=int, default=0, help="TCP port (default: a free one)")
    parser.add_argument("--host", default="127.0.0.1", help="interface (default: 127.0.0.1)")
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a non-loopback --host (plain HTTP: the token is visible on the network)",
    )
    parser.add_argument(
        "--data-dir", default=None, help="state directory (default: RUNLOOP_NB_HOME)"
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--background",
        action="store_true",
        help="start a detached server unless one is running, print its url, and return (its "
        "log, one line per request, is server.log in the data directory)",
    )
    mode.add_argument("--stop", action="store_true", help="stop the running server")
    parser.set_defaults(handler=_serve)


def _serve(args: argparse.Namespace) -> int:
    from runloop_nb.local._access_log import log_to_stderr
    from runloop_nb.local._launcher import ensure_server, stop_server
    from runloop_nb.local._server import print_ready, serve

    if args.stop:
        stopped = stop_server(args.data_dir)
        print("runloop-nb server stopped" if stopped else "no runloop-nb server was running")
        return 0
    if args.background:
        if args.port or args.host != "127.0.0.1" or args.allow_remote:
            print("--background always uses 127.0.0.1 and a free port", file=sys.stderr)
            return 2
        info = ensure_server(args.data_dir)
        # A bare URL that answers 401 in a browser confuses: say what it is and who uses it.
        print(f"{BACKGROUND_LABEL}: {info.url}; connect() finds it")
        if info.sandbox != "bwrap sandboxes":
            print(f"devboxes: {info.sandbox}", file=sys.stderr)
        return 0
    log_to_stderr()  # a detached server's stderr is its server.log
    serve(
        host=args.host,
        port=args.port,
        allow_remote=args.allow_remote,
        data_dir=args.data_dir,
        on_ready=print_ready,
    )
    return 0


def _add_audit(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from runloop_nb.audit import add_parser  # light: the client loads when the command runs

    add_parser(subparsers)


def _add_listings(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from runloop_nb._listings import add_parsers  # light: the client loads when a command runs

    add_parsers(subparsers)


def _add_report(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from runloop_nb.report._cli import add_parser  # light: pandas and plotly load when it runs

    add_parser(subparsers)


# Subcommands in the order `--help` lists them.
_COMMANDS: tuple[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None], ...] = (
    _add_serve,
    _add_audit,
    _add_listings,
    _add_report,
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="runloop-nb", description="Jupyter-first toolkit for Runloop benchmarks."
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in _COMMANDS:
        add(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``runloop-nb``; returns the process exit code."""
    from runloop_nb.errors import RunloopNBError

    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return handler(args)
    except RunloopNBError as exc:
        print(f"runloop-nb {args.command}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `runloop-nb runs | head`: the reader has gone, which is not an error of ours. Point
        # stdout at /dev/null so the interpreter's own flush at exit does not raise again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
