"""Settings of the whole suite."""

from __future__ import annotations

import os

# The warm pool keeps two started sandboxes per server: on a 2-core machine running many servers
# that is load nobody asked for. Off for every server the tests start, in this process and in
# the subprocesses (servers, kernels) that inherit the environment; tests/local/sandbox/test_pool.py
# builds its pools directly.
os.environ["RUNLOOP_NB_WARM_DEVBOXES"] = "0"

# `local_server` and `client` (a client of the one real local server of this test process) for
# every folder; tests/client and tests/local override `client` with their own.
pytest_plugins = ["support.shared_server"]
