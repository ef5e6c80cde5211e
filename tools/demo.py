"""`make demo`: run notebooks/03 headless on the embedded server, write its report, say where.

Run: `.venv/bin/python tools/demo.py [REPORT.html]` (default: demo-report.html here). The
notebook runs in a real kernel (nbclient) exactly as in JupyterLab; `connect()` inside it
starts (or reuses) the local server of the data directory (RUNLOOP_NB_HOME). The executed
notebook is saved next to the report, outputs included.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "03_run_a_benchmark_and_analyse.ipynb"


def main(argv: list[str]) -> int:
    report = Path(argv[0] if argv else "demo-report.html").absolute()
    for name in ("RUNLOOP_API_KEY", "RUNLOOP_BASE_URL"):  # the demo is the embedded server's
        os.environ.pop(name, None)
    os.environ["RUNLOOP_NB_DEMO_REPORT"] = str(report)
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    print(f"running {NOTEBOOK.relative_to(ROOT)} headless on the embedded server ...", flush=True)
    start = time.perf_counter()
    client = NotebookClient(
        notebook, timeout=600, kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )  # fmt: skip
    client.execute()
    executed = report.with_suffix(".ipynb")
    nbformat.write(notebook, executed)
    print(f"done in {time.perf_counter() - start:.0f} s")
    print(f"executed notebook: {executed}")
    print(f"report (open it in a browser; it works offline): {report}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
