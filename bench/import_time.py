"""How long `import runloop_nb` takes next to httpx and the official SDK, in fresh processes.

Run: `.venv/bin/python bench/import_time.py [--runs 10]`. Each module is imported in its own
fresh interpreter `--runs` times (interleaved, so machine load hits every module alike); the
table shows the median and the fastest run. Target: `import runloop_nb` under 0.3 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

from _harness import Row  # bench/ is on sys.path when a script of it runs

MODULES = ["runloop_nb", "runloop_nb.client", "httpx", "runloop_api_client"]
TARGET_SECONDS = 0.3
PROBE = "import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"


def time_import(module: str) -> float:
    """Seconds to import `module` in a fresh interpreter (interpreter start-up excluded)."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(module=module)],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout.strip())


CONNECT = """
import asyncio, sys, time
t = time.perf_counter()
import runloop_nb
async def first_page():
    async with runloop_nb.connect(data_dir=sys.argv[1], start_timeout=60.0) as client:
        await client.api.benchmarks.list_public(limit=10)
asyncio.run(first_page())
print(time.perf_counter() - t)
"""


def time_connect(home: str) -> float:
    """Seconds from `import runloop_nb` to the first `list_public` page, in a fresh interpreter."""
    env = {k: v for k, v in os.environ.items() if k not in ("RUNLOOP_API_KEY", "RUNLOOP_BASE_URL")}
    done = subprocess.run(
        [sys.executable, "-c", CONNECT, home], capture_output=True, text=True, check=True, env=env
    )
    return float(done.stdout.strip().splitlines()[-1])


RECONNECT = """
import asyncio, statistics, sys, time
import runloop_nb, runloop_nb.client
async def main():
    samples = []
    for _ in range(int(sys.argv[2])):
        t = time.perf_counter()
        async with runloop_nb.connect(data_dir=sys.argv[1], start_timeout=60.0) as client:
            await client.api.benchmarks.list_public(limit=10)
        samples.append(time.perf_counter() - t)
    print(statistics.median(samples))
asyncio.run(main())
"""


def time_reconnect(home: str, times: int = 10) -> float:
    """Median seconds of `connect()` + one `list_public` in a process that has the client
    imported and the server running (a notebook cell run again)."""
    done = subprocess.run(
        [sys.executable, "-c", RECONNECT, home, str(times)],
        capture_output=True,
        text=True,
        check=True,
        env={
            k: v for k, v in os.environ.items() if k not in ("RUNLOOP_API_KEY", "RUNLOOP_BASE_URL")
        },
    )
    return float(done.stdout.strip().splitlines()[-1])


def bench_rows(runs: int = 5) -> list[Row]:
    """import time next to the official SDK; connect() cold (no server) and warm (server up),
    each in a fresh process and data directory (the server stopped after); and connect() again
    in a process that already has the client."""
    from runloop_nb.local import stop_server

    ours, sdk = [], []
    for _ in range(runs):
        ours.append(time_import("runloop_nb"))
        sdk.append(time_import("runloop_api_client"))
    cold, warm, again = [], [], []
    for _ in range(runs):
        home = tempfile.mkdtemp(prefix="runloop-nb-bench-")
        os.chmod(home, 0o755)
        try:
            cold.append(time_connect(home))
            warm.append(time_connect(home))
            again.append(time_reconnect(home))
        finally:
            stop_server(home)
            shutil.rmtree(home, ignore_errors=True)
    return [
        Row("import runloop_nb (median)", statistics.median(ours) * 1000, "ms",
            statistics.median(sdk) * 1000, "import runloop_api_client", "<= 300 ms"),
        Row("connect() cold -> first list_public", statistics.median(cold) * 1000, "ms",
            target="<= 800 ms"),
        Row("connect() warm -> first list_public", statistics.median(warm) * 1000, "ms"),
        Row("connect() again in a kernel -> list_public", statistics.median(again) * 1000, "ms"),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    samples: dict[str, list[float]] = {module: [] for module in MODULES}
    for _ in range(args.runs):
        for module in MODULES:
            samples[module].append(time_import(module))
    print(f"{'module':<22}{'median s':>10}{'min s':>10}")
    for module, times in samples.items():
        print(f"{module:<22}{statistics.median(times):>10.3f}{min(times):>10.3f}")
    ours = statistics.median(samples["runloop_nb"])
    verdict = "OK" if ours < TARGET_SECONDS else "TOO SLOW"
    print(f"\nimport runloop_nb: {ours:.3f} s median (target < {TARGET_SECONDS} s): {verdict}")


if __name__ == "__main__":
    main()
