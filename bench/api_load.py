"""GET latency of the local server while a benchmark run keeps 50 scenario runs in flight.

Run: `.venv/bin/python bench/api_load.py [--seconds 8] [--rounds 3] [--in-flight 50]`.

Load: a real local server (temporary data directory) and, in a process of its own, one
`run_benchmark` of the bundled `humaneval` benchmark with the `ReferenceAgent` at concurrency
`--in-flight` (50), 20 attempts per scenario so it never drains while we measure: each of its
50 workers starts a scenario run, waits for the devbox, applies the reference solution, scores,
waits for the score (`await_scored`, a long-poll on this server) and completes, then takes the
next scenario. That is exactly how a benchmark run loads the server. It is stopped by SIGINT
after the loaded rounds (run_benchmark cancels its runs as it unwinds).

Measured: once the server holds at least `--in-flight` live scenario runs, 16 concurrent
clients (tasks of this process, each awaiting its previous answer) alternate
`GET /v1/scenarios/runs/{id}` and `GET /v1/devboxes/{id}` of the runs live at that moment,
through `RunloopClient` (so a figure is what a notebook sees: request, answer, parse), for
`--seconds` per round, `--rounds` rounds. A sampler counts the live runs once a second (its
listing is not counted). Peer: the same 16 clients on the same kind of ids after the load has
ended (idle server), measured in the same process; the idle figure at concurrency 1 is printed
too. The server's own time of the view GETs of the loaded rounds (its access log: from the
outermost middleware to the answer) is reported beside them: the rest of a GET's time is the
wait for the server's event loop (and for a core). Target: GET p95 under load <= 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO

from _harness import Row, local_server_info, percentile, print_table

from runloop_nb.client import RunloopClient
from runloop_nb.local._launcher import LOG_FILE

CLIENTS = 16
IN_FLIGHT = 50
TARGET_MS = 100.0
LIVE = ("running", "scoring", "scored")
# An access-log line of a run or devbox view GET, e.g. "GET /v1/devboxes/dbx_01.. 200 0.7 ms".
VIEW_GET = re.compile(r"GET /v1/(?:scenarios/runs|devboxes)/[a-z]+_\w+ 200 ([\d.]+) ms$", re.M)
Ids = list[tuple[str, str]]  # (scenario run id, devbox id)


async def _live(client: RunloopClient) -> Ids:
    """(run id, devbox id) of the live scenario runs among the newest 100 (50 are in flight)."""
    page = await client.api.scenarios.runs.list(limit=100)
    return [(run.id, run.devbox_id) for run in page if run.state in LIVE]


async def _wait_for_load(
    client: RunloopClient, ended: Callable[[], None], count: int, timeout: float
) -> Ids:
    deadline = time.monotonic() + timeout
    most = 0
    while time.monotonic() < deadline:
        ended()
        ids = await _live(client)
        if len(ids) >= count:
            return ids
        most = max(most, len(ids))
        await asyncio.sleep(0.2)
    raise RuntimeError(
        f"the load never reached {count} live scenario runs in {timeout:.0f} s (most: {most})"
    )


async def _gets(
    client: RunloopClient, ids: Ids, seconds: float, clients: int, refresh: bool
) -> tuple[list[float], list[int]]:
    """GET latencies (seconds) of `clients` concurrent loops for `seconds`, and live counts."""
    samples: list[float] = []
    counts: list[int] = []
    current = list(ids)
    deadline = time.monotonic() + seconds

    async def one(worker: int) -> None:
        turn = worker
        while time.monotonic() < deadline:
            run_id, devbox_id = current[turn % len(current)]
            start = time.perf_counter()
            if turn % 2:
                await client.api.devboxes.retrieve(devbox_id)
            else:
                await client.api.scenarios.runs.retrieve(run_id)
            samples.append(time.perf_counter() - start)
            turn += 1

    async def sampler() -> None:
        while time.monotonic() < deadline:
            live = await _live(client)
            counts.append(len(live))
            if live:
                current[:] = live
            await asyncio.sleep(1.0)

    async with asyncio.TaskGroup() as group:
        if refresh:
            group.create_task(sampler())
        for worker in range(clients):
            group.create_task(one(worker))
    return samples, counts


def _start_load(url: str, token: str, in_flight: int, log: IO[bytes]) -> subprocess.Popen[bytes]:
    """The load process; its stderr (cancel notices at the end, or why it failed) goes to log."""
    script = [sys.executable, str(Path(__file__).resolve()), "--load", url, str(in_flight)]
    env = {**os.environ, "RUNLOOP_NB_BENCH_TOKEN": token}
    return subprocess.Popen(script, env=env, stdout=subprocess.DEVNULL, stderr=log)


def _ended(process: subprocess.Popen[bytes], log: IO[bytes]) -> None:
    """Raise if the load process has ended (it runs until stopped), with its last stderr lines."""
    if process.poll() is None:
        return
    log.seek(0)
    tail = b"\n".join(log.read().splitlines()[-5:]).decode(errors="replace")
    raise RuntimeError(f"the load process ended early (exit {process.returncode}):\n{tail}")


def _stop_load(process: subprocess.Popen[bytes]) -> None:
    """SIGINT (run_benchmark cancels its runs as its tasks unwind), then kill after 60 s."""
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


async def _load(url: str, in_flight: int) -> None:
    from runloop_nb.audit import resolve_benchmark
    from runloop_nb.running import run_benchmark
    from runloop_nb.stepping import ReferenceAgent

    token = os.environ["RUNLOOP_NB_BENCH_TOKEN"]
    async with RunloopClient(api_key=token, base_url=url) as client:
        benchmark = await resolve_benchmark(client, "humaneval")
        await run_benchmark(
            client, benchmark, ReferenceAgent(), concurrency=in_flight, attempts=20,
            progress=False,
        )  # fmt: skip


@contextlib.contextmanager
def _loaded(url: str, token: str, in_flight: int) -> Iterator[Callable[[], None]]:
    """Run the load while the block runs; yields a check that raises if the load has ended."""
    with tempfile.TemporaryFile() as log:
        process = _start_load(url, token, in_flight, log)
        try:
            yield lambda: _ended(process, log)
        finally:
            _stop_load(process)


def _app_times(log: Path, offset: int) -> list[float]:
    """Seconds the server's app took for each view GET logged after `offset` (access log):
    from the outermost middleware to the answer sent, so without the wait for the event loop."""
    with log.open("rb") as handle:
        handle.seek(offset)
        text = handle.read().decode(errors="replace")
    return [float(m.group(1)) / 1000 for m in VIEW_GET.finditer(text)]


def _stats(samples: Sequence[float]) -> tuple[float, float]:
    return percentile(samples, 0.5) * 1000, percentile(samples, 0.95) * 1000


async def measure(seconds: float, rounds: int, in_flight: int) -> dict[str, list]:
    """Per round (p50, p95) in ms under load and idle, live-run counts, request counts."""
    out: dict[str, list] = {"load": [], "inside": [], "idle": [], "idle1": [], "live": [], "n": []}
    async with (
        local_server_info() as (info, home),
        RunloopClient(api_key=info.token, base_url=info.url) as client,
    ):
        log = home / LOG_FILE
        with _loaded(info.url, info.token, in_flight) as ended:
            ids = await _wait_for_load(client, ended, in_flight, timeout=120.0)
            for _ in range(rounds):
                ended()
                start = log.stat().st_size
                samples, counts = await _gets(client, ids, seconds, CLIENTS, refresh=True)
                out["load"].append(_stats(samples))
                out["inside"].append(_stats(_app_times(log, start)))
                out["live"] += counts
                out["n"].append(len(samples))
        for _ in range(rounds):
            samples, _counts = await _gets(client, ids, seconds, CLIENTS, refresh=False)
            out["idle"].append(_stats(samples))
            samples, _counts = await _gets(client, ids, seconds / 2, 1, refresh=False)
            out["idle1"].append(_stats(samples))
    return out


def _median(pairs: Sequence[tuple[float, float]], index: int) -> float:
    return percentile([p[index] for p in pairs], 0.5)


async def bench_rows(seconds: float = 8.0, rounds: int = 3) -> list[Row]:
    """GET p50/p95 under 50 live runs, 16 concurrent clients, next to the idle server."""
    got = await measure(seconds, rounds, IN_FLIGHT)
    peer = f"idle server, {CLIENTS} clients"
    return [
        Row(f"GET p50 under {IN_FLIGHT} runs, {CLIENTS} concurrent clients",
            _median(got["load"], 0), "ms", _median(got["idle"], 0), peer, ""),
        Row(f"GET p95 under {IN_FLIGHT} runs, {CLIENTS} concurrent clients",
            _median(got["load"], 1), "ms", _median(got["idle"], 1), peer,
            f"<= {TARGET_MS:.0f} ms"),
        Row("  of which inside the server's app (access log; the rest: waiting for its loop"
            " and a core)", _median(got["inside"], 1), "ms"),
        Row("GET p95, idle server, one client", _median(got["idle1"], 1), "ms"),
    ]  # fmt: skip


async def main(seconds: float, rounds: int, in_flight: int) -> None:
    got = await measure(seconds, rounds, in_flight)
    rows = []
    for name in ("load", "inside", "idle", "idle1"):
        for number, (p50, p95) in enumerate(got[name], 1):
            rows.append([name, str(number), f"{p50:.1f}", f"{p95:.1f}"])
    live = got["live"]
    print(
        f"{rounds} rounds of {seconds:.0f} s; load: run_benchmark humaneval, concurrency "
        f"{in_flight}; live runs sampled {min(live)}-{max(live)} (median "
        f"{percentile(live, 0.5):.0f}); GETs per loaded round {got['n']}; {os.cpu_count()} cores"
    )
    print(
        "load/idle: 16 concurrent clients; inside: the server's own time of every view GET in"
        " the loaded rounds (the load's polls too), from its access log; idle1: one client"
    )
    print_table(["phase", "round", "GET p50 ms", "GET p95 ms"], rows)
    verdict = "ok" if _median(got["load"], 1) <= TARGET_MS else "MISSED"
    print(f"median p95 under load {_median(got['load'], 1):.1f} ms: {verdict} (<= {TARGET_MS} ms)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--in-flight", type=int, default=IN_FLIGHT)
    parser.add_argument("--load", nargs=2, metavar=("URL", "IN_FLIGHT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(_load(args.load[0], int(args.load[1])))
    else:
        asyncio.run(main(args.seconds, args.rounds, args.in_flight))
