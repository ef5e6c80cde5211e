"""A tiny stdlib-only runner for pytest-style test functions (devboxes have no pytest).

Written into the devbox at scoring time and run with the devbox's python3::

    python3 rl_pytest_lite.py pkg/tests/test_x.py::test_one pkg/tests/test_x.py

Each argument is a test module path, optionally ``::function``; a bare module runs all its
``test_*`` functions. Exit status 0 only when at least one test ran and none failed.
"""

from __future__ import annotations

import importlib
import os
import sys
import traceback
from collections.abc import Callable


def collect(spec: str) -> list[tuple[str, Callable[[], object] | None]]:
    """(test id, function) pairs for one argument; a missing function maps to None."""
    path, _, name = spec.partition("::")
    module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
    names = [name] if name else sorted(n for n in vars(module) if n.startswith("test_"))
    return [(f"{path}::{n}", getattr(module, n, None)) for n in names]


def run(specs: list[str]) -> int:
    """Run the tests; print one line per test and a summary; return the exit status."""
    sys.path.insert(0, os.getcwd())
    ran = failed = 0
    for spec in specs:
        for test_id, function in collect(spec):
            ran += 1
            try:
                if function is None:
                    raise LookupError(f"no test function {test_id}")
                function()
            except Exception:
                failed += 1
                print(f"FAILED {test_id}")
                traceback.print_exc(file=sys.stdout)
            else:
                print(f"passed {test_id}")
    print(f"{ran} tests, {failed} failed")
    return 1 if failed or not ran else 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
