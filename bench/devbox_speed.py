"""Devbox start and command round-trip latency of the local server, next to a bare subprocess.

Run: `.venv/bin/python bench/devbox_speed.py [--devboxes 50] [--commands 100]`.

A real local server (uvicorn on 127.0.0.1, real sandboxes) is started in a temporary data
directory; every figure goes through its HTTP API with the async client, one call at a time:

- create → running: `POST /v1/devboxes`, then the `wait_for_status` long-poll until `running`,
  for each of `--devboxes` new devboxes (each is shut down afterwards, outside the timing).
  Target: p50 ≤ 40 ms, p95 ≤ 80 ms.
- `echo hi` round trip: `POST /v1/devboxes/{id}/execute` (waits for the result in the same
  call) in one running devbox, and `cmd.exec` (the same optimistic `execute`, through the
  object layer: a handle, a wait if the command outlives the hold, an `ExecutionResult`).
  Target: p50 ≤ 8 ms.
- peer: `env -i HOME=<fresh dir> PATH=/usr/bin:/bin bash -lc 'echo hi'` on the host, measured
  in the same run: a clean login shell, as each devbox execution is (not root's own login
  profile, which on some hosts runs `pyenv init` and would flatter us 30x); `bash -c` is shown
  for context.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import tempfile
import time
from collections.abc import Awaitable, Callable

from _harness import Row, local_client, ms, percentile, print_table

from runloop_nb.client import RunloopClient

CREATE_TARGET_S = 0.040
ECHO_TARGET_S = 0.008


async def time_calls(call: Callable[[], Awaitable[object]], count: int) -> list[float]:
    """Seconds each of `count` sequential awaits of `call()` took."""
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        await call()
        samples.append(time.perf_counter() - start)
    return samples


async def devbox_starts(client: RunloopClient, count: int) -> list[float]:
    devboxes = client.api.devboxes
    samples = []
    for index in range(count):
        start = time.perf_counter()
        created = await devboxes.create(name=f"bench-{index}")
        await devboxes.await_running(created.id)
        samples.append(time.perf_counter() - start)
        await devboxes.shutdown(created.id)
    return samples


async def echo_round_trips(client: RunloopClient, count: int) -> dict[str, list[float]]:
    devbox = await client.devbox.create(name="bench-echo")
    try:

        async def execute() -> None:
            view = await client.api.devboxes.execute(devbox.id, command="echo hi")
            if view.status != "completed" or (view.stdout or "").strip() != "hi":
                raise RuntimeError(f"echo hi did not round-trip: {view}")

        async def cmd_exec() -> None:
            result = await devbox.cmd.exec("echo hi")
            if (await result.stdout()).strip() != "hi":
                raise RuntimeError("echo hi did not round-trip via cmd.exec")

        await execute()  # warm-up: first exec in a fresh devbox
        return {
            "echo hi: execute (one call)": await time_calls(execute, count),
            "echo hi: cmd.exec": await time_calls(cmd_exec, count),
        }
    finally:
        await devbox.shutdown()


def bare_subprocess(count: int, flags: str) -> list[float]:
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        subprocess.run(["bash", flags, "echo hi"], capture_output=True, check=True)
        samples.append(time.perf_counter() - start)
    return samples


def row(name: str, samples: list[float], target: float | None) -> list[str]:
    p50 = percentile(samples, 0.5)
    verdict = "" if target is None else ("ok" if p50 <= target else "MISSED")
    goal = "" if target is None else f"p50 <= {target * 1000:.0f} ms {verdict}"
    return [name, str(len(samples)), ms(p50), ms(percentile(samples, 0.95)), goal]


async def main(devboxes: int, commands: int) -> None:
    async with local_client() as client:
        await devbox_starts(client, 1)  # warm-up: first sandbox start loads caches
        starts = await devbox_starts(client, devboxes)
        echoes = await echo_round_trips(client, commands)
    login_shell = clean_login_shell(commands)
    plain_shell = bare_subprocess(commands, "-c")
    rows = [row("create -> running", starts, CREATE_TARGET_S)]
    rows += [row(name, samples, ECHO_TARGET_S) for name, samples in echoes.items()]
    rows.append(row("peer: env -i HOME=tmp PATH=/usr/bin:/bin bash -lc", login_shell, None))
    rows.append(row('context: subprocess.run(["bash","-c","echo hi"])', plain_shell, None))
    print_table(["measure", "n", "p50 ms", "p95 ms", "target"], rows)


def clean_login_shell(count: int) -> list[float]:
    """`bash -lc 'echo hi'` with an empty environment and a fresh HOME (not root's profile)."""
    samples = []
    with tempfile.TemporaryDirectory(prefix="bench-home-") as home:
        argv = ["env", "-i", f"HOME={home}", "PATH=/usr/bin:/bin", "bash", "-lc", "echo hi"]
        for _ in range(count):
            start = time.perf_counter()
            subprocess.run(argv, capture_output=True, check=True, env={})
            samples.append(time.perf_counter() - start)
    return samples


async def bench_rows(devboxes: int = 20, commands: int = 50) -> list[Row]:
    """create -> running and the `echo hi` round trip, p50/p95, next to a clean login shell."""
    async with local_client() as client:
        await devbox_starts(client, 1)
        starts = await devbox_starts(client, devboxes)
        echoes = await echo_round_trips(client, commands)
    peer = clean_login_shell(commands)
    peer_name = "env -i HOME=tmp PATH=/usr/bin:/bin bash -lc"
    rows = [
        Row(f"devbox create -> running p{int(q * 100)}", percentile(starts, q) * 1000, "ms",
            target=target)
        for q, target in ((0.5, "<= 40 ms"), (0.95, "<= 80 ms"))
    ]  # fmt: skip
    for name, samples in echoes.items():
        for q, target in ((0.5, "<= 8 ms (<= 2x)"), (0.95, "")):
            rows.append(Row(f"{name} p{int(q * 100)}", percentile(samples, q) * 1000, "ms",
                            percentile(peer, q) * 1000, peer_name, target))  # fmt: skip
    return rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devboxes", type=int, default=50)
    parser.add_argument("--commands", type=int, default=100)
    args = parser.parse_args()
    asyncio.run(main(args.devboxes, args.commands))
