"""ensure_server(): concurrent callers share one server; a stale server.json is replaced;
starting_server() spawns on entry and waits when asked."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from runloop_nb.local import (
    ServerInfo,
    ensure_server,
    read_server_file,
    server_alive,
    starting_server,
    stop_server,
)
from runloop_nb.local._server import write_server_file

CALLER = (
    "import json, sys; from runloop_nb.local import ensure_server; "
    "info = ensure_server(sys.argv[1], timeout=60); print(json.dumps([info.url, info.pid]))"
)


def test_two_processes_starting_at_once_get_one_server(tmp_path: Path) -> None:
    callers = [
        subprocess.Popen([sys.executable, "-c", CALLER, str(tmp_path)], stdout=subprocess.PIPE)
        for _ in range(2)
    ]
    try:
        answers = [json.loads(proc.communicate(timeout=90)[0]) for proc in callers]
        assert answers[0] == answers[1]
        log = (tmp_path / "server.log").read_text()
        assert log.count("--- starting runloop-nb server") == 1
    finally:
        stop_server(tmp_path)


def test_a_stale_server_file_is_replaced(tmp_path: Path) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        text=True,
        capture_output=True,
        check=True,
    )
    stale = ServerInfo("http://127.0.0.1:9", "old-token", int(dead.stdout), "then", "0")
    write_server_file(tmp_path, stale)
    assert not server_alive(stale)
    try:
        info = ensure_server(tmp_path)
        assert info.pid != stale.pid
        assert read_server_file(tmp_path) == info
        assert server_alive(info)
    finally:
        stop_server(tmp_path)


def _starts_logged(home: Path) -> int:
    return (home / "server.log").read_text().count("--- starting runloop-nb server")


def test_starting_server_spawns_on_entry_and_its_value_waits_for_the_answer(
    tmp_path: Path,
) -> None:
    try:
        with starting_server(tmp_path, timeout=60) as ready:
            # Spawned before the caller asks: connect() imports the client meanwhile.
            assert _starts_logged(tmp_path) == 1
            info = ready()
        assert server_alive(info)
        assert read_server_file(tmp_path) == info
        with starting_server(tmp_path, timeout=60) as again:
            assert again() == info
        assert _starts_logged(tmp_path) == 1
    finally:
        stop_server(tmp_path)


def test_stop_without_a_server_is_a_no_op(tmp_path: Path) -> None:
    assert stop_server(tmp_path) is False
    assert os.listdir(tmp_path) == []
