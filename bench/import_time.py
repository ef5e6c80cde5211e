"""How long `import runloop_nb` takes next to httpx and the official SDK, in fresh processes.

Run: `.venv/bin/python bench/import_time.py [--runs 10]`. Each module is imported in its own
fresh interpreter `--runs` times (interleaved, so machine load hits every module alike); the
table shows the median and the fastest run. Target: `import runloop_nb` under 0.3 s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

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
