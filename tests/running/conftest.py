"""Fixtures of the running tests: the shared real local server and a client bound to it."""

import sys
from pathlib import Path

# pytest runs with --import-mode=importlib (no test folder on sys.path): make the shared server
# helper importable; every importer gets the same module, hence one server per test process.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "authoring"))

from shared_local_server import client, local_server

__all__ = ["client", "local_server"]
