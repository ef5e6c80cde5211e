"""The client imports httpx without its command-line client, and leaves that importable."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

PROBE = """
import sys
import runloop_nb.client
import httpx
print(sorted(m for m in ("httpx._main", "rich", "click", "pygments") if m in sys.modules))
import httpx._main
print(httpx._main.__name__, callable(httpx._main.main))
"""


@pytest.mark.skipif(
    importlib.util.find_spec("rich") is None or importlib.util.find_spec("click") is None,
    reason="httpx imports its CLI only when rich and click are installed",
)
def test_the_client_imports_httpx_without_its_cli_which_stays_importable() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    loaded, cli_module = done.stdout.split("\n")[:2]
    assert loaded == "[]"
    assert cli_module == "httpx._main True"
