"""`import runloop_nb` (and its client) is silent: no output, no sockets, no RUNLOOP_* reads."""

from __future__ import annotations

import json
import os
import subprocess
import sys

PROBE = r"""
import json, os, sys

reads = []

class RecordingEnviron(type(os.environ)):
    def __getitem__(self, key):
        reads.append(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        reads.append(key)
        return super().get(key, default)

    def __contains__(self, key):
        reads.append(key)
        return super().__contains__(key)

env = os.environ
env.__class__ = RecordingEnviron

def no_sockets(event, args):
    if event.startswith("socket."):
        raise RuntimeError(f"import opened a socket: {event} {args!r}")

sys.addaudithook(no_sockets)
import runloop_nb
import runloop_nb.client
import runloop_nb.errors
sys.stderr.write("READS=" + json.dumps(reads) + "\n")
"""


def run_probe() -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "RUNLOOP_API_KEY": "must-not-be-read",
        "RUNLOOP_BASE_URL": "http://must-not-be-read.invalid",
    }
    return subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, timeout=60
    )


def test_import_prints_nothing_opens_no_socket_reads_no_runloop_env() -> None:
    done = run_probe()
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    line = next(line for line in done.stderr.splitlines() if line.startswith("READS="))
    reads = json.loads(line.removeprefix("READS="))
    assert [key for key in reads if key.startswith("RUNLOOP")] == []


def test_the_probe_would_catch_an_env_read() -> None:
    probe = PROBE.replace("import runloop_nb\n", "import runloop_nb\nos.environ.get('RUNLOOP_X')\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    line = next(line for line in done.stderr.splitlines() if line.startswith("READS="))
    assert "RUNLOOP_X" in json.loads(line.removeprefix("READS="))


def test_the_client_never_imports_the_local_server() -> None:
    code = "import sys, runloop_nb.client; print(sorted(m for m in sys.modules if 'local' in m))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "runloop_nb.local" not in done.stdout
