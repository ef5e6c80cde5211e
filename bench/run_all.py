"""`make bench`: one markdown table of our figures next to peers measured in the same run.

Run: `.venv/bin/python bench/run_all.py [--json bench-results.json] [--quick]`. Each bench script
exposes `bench_rows()` (and stays runnable alone with its own, more detailed table); this script
calls them in turn, prints one table (figure | ours | peer | ratio | target) and writes the same
rows as JSON, with the machine it ran on, so runs can be compared.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import analysis_frames  # noqa: E402
import api_load  # noqa: E402
import devbox_speed  # noqa: E402
import humaneval_gold  # noqa: E402
import import_time  # noqa: E402
import widget_paging  # noqa: E402
from _harness import Row, markdown_table  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", default=str(HERE.parent / "bench-results.json"))
    parser.add_argument("--quick", action="store_true", help="fewer samples (a smoke run)")
    args = parser.parse_args()
    quick = args.quick
    rows: list[Row] = []
    rows += import_time.bench_rows(runs=2 if quick else 5)
    rows += asyncio.run(devbox_speed.bench_rows(5 if quick else 20, 10 if quick else 50))
    rows += asyncio.run(humaneval_gold.bench_rows(4))
    rows += asyncio.run(analysis_frames.bench_rows())
    rows += asyncio.run(api_load.bench_rows(4.0 if quick else 8.0, 2 if quick else 3))
    rows += widget_paging.bench_rows()
    machine = f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at the end"
    print(f"machine: {platform.platform()}, {machine}\n")
    print(markdown_table(rows))
    path = Path(args.json)
    body = {"time": time.time(), "machine": machine, "rows": [row.as_dict() for row in rows]}
    path.write_text(json.dumps(body, indent=2) + "\n")
    print(f"\nwritten: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
