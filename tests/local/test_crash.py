"""SIGKILL the server in the middle of a benchmark run, restart it, and lose nothing answered.

The server runs as a real detached process (``ensure_server``). Before the kill: two scenario
runs are scored (one of them also completed), two are running with a ``sleep`` in flight, and a
short command has finished. After the restart every resource answered before is still there;
dead devboxes are ``shutdown``/``failure`` with a reason, their running runs ``failed`` with a
reason, and scored runs keep their scores.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from runloop_nb.local import ServerInfo, ensure_server, stop_server
from runloop_nb.local._launcher import pid_alive

Doc = dict[str, Any]
pytestmark = pytest.mark.slow


@pytest.fixture
def home() -> Iterator[Path]:
    # Traversable by the unprivileged devbox user (pytest's tmp_path is mode 0700).
    path = Path(tempfile.mkdtemp(prefix="rnb-crash-"))
    path.chmod(0o711)
    yield path
    stop_server(path)
    shutil.rmtree(path, ignore_errors=True)


def _http(info: ServerInfo) -> httpx.Client:
    return httpx.Client(
        base_url=info.url,
        headers={"Authorization": f"Bearer {info.token}"},
        timeout=60,
        trust_env=False,
    )


def _ok(response: httpx.Response) -> Doc:
    assert response.status_code == 200, f"{response.request.url}: {response.text}"
    body: Doc = response.json()
    return body


def _scenario(http: httpx.Client, name: str) -> Doc:
    scorer = {"type": "command_scorer", "command": "test -f answer.txt"}
    return _ok(
        http.post(
            "/v1/scenarios",
            json={
                "name": name,
                "input_context": {"problem_statement": "Create answer.txt."},
                "scoring_contract": {
                    "scoring_function_parameters": [
                        {"name": "has_answer", "weight": 1.0, "scorer": scorer}
                    ]
                },
            },
        )
    )


def _await_running(http: httpx.Client, devbox_id: str) -> Doc:
    body = {"statuses": ["running", "failure", "shutdown"], "timeout_seconds": 30}
    devbox = _ok(http.post(f"/v1/devboxes/{devbox_id}/wait_for_status", json=body))
    assert devbox["status"] == "running", devbox
    return devbox


def _exec(http: httpx.Client, devbox_id: str, command: str) -> Doc:
    return _ok(http.post(f"/v1/devboxes/{devbox_id}/execute_async", json={"command": command}))


def _await_exec(http: httpx.Client, devbox_id: str, execution_id: str) -> Doc:
    path = f"/v1/devboxes/{devbox_id}/executions/{execution_id}/wait_for_status"
    return _ok(http.post(path, json={"statuses": ["completed"], "timeout_seconds": 25}))


def _score(http: httpx.Client, run_id: str) -> Doc:
    _ok(http.post(f"/v1/scenarios/runs/{run_id}/score"))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        run = _ok(http.get(f"/v1/scenarios/runs/{run_id}"))
        if run["state"] != "scoring":
            assert run["state"] == "scored", run
            return run
        time.sleep(0.1)
    raise AssertionError(f"run {run_id} never finished scoring")


def _build_a_busy_benchmark_run(http: httpx.Client) -> Doc:
    """Four scenario runs: 0 scored+completed, 1 scored, 2 and 3 running with a sleep in flight."""
    scenarios = [_scenario(http, f"crash-{i}") for i in range(4)]
    ids = [s["id"] for s in scenarios]
    benchmark = _ok(http.post("/v1/benchmarks", json={"name": "crash", "scenario_ids": ids}))
    bench_run = _ok(http.post("/v1/benchmarks/start_run", json={"benchmark_id": benchmark["id"]}))
    runs = [
        _ok(
            http.post(
                "/v1/scenarios/start_run",
                json={"scenario_id": sid, "benchmark_run_id": bench_run["id"]},
            )
        )
        for sid in ids
    ]
    for run in runs:
        _await_running(http, run["devbox_id"])
    finished = _exec(http, runs[0]["devbox_id"], "echo 42 > answer.txt && echo wrote")
    _await_exec(http, runs[0]["devbox_id"], finished["execution_id"])
    touched = _exec(http, runs[1]["devbox_id"], "touch answer.txt")
    _await_exec(http, runs[1]["devbox_id"], touched["execution_id"])
    _score(http, runs[0]["id"])
    _score(http, runs[1]["id"])
    _ok(http.post(f"/v1/scenarios/runs/{runs[0]['id']}/complete"))
    sleepers = [_exec(http, run["devbox_id"], "sleep 600") for run in runs[2:]]
    return {
        "benchmark": benchmark,
        "scenarios": scenarios,
        "bench_run": bench_run,
        "runs": runs,
        "finished": finished,
        "sleepers": sleepers,
    }


def _snapshot(http: httpx.Client, made: Doc) -> Doc:
    runs = [_ok(http.get(f"/v1/scenarios/runs/{r['id']}")) for r in made["runs"]]
    executions = {
        e["execution_id"]: _ok(
            http.get(f"/v1/devboxes/{e['devbox_id']}/executions/{e['execution_id']}")
        )
        for e in [made["finished"], *made["sleepers"]]
    }
    return {
        "benchmark": _ok(http.get(f"/v1/benchmarks/{made['benchmark']['id']}")),
        "scenarios": [_ok(http.get(f"/v1/scenarios/{s['id']}")) for s in made["scenarios"]],
        "bench_run": _ok(http.get(f"/v1/benchmark_runs/{made['bench_run']['id']}")),
        "runs": runs,
        "devboxes": [_ok(http.get(f"/v1/devboxes/{r['devbox_id']}")) for r in runs],
        "executions": executions,
    }


def _kill(info: ServerInfo) -> None:
    os.kill(info.pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while pid_alive(info.pid):
        assert time.monotonic() < deadline, "the server survived SIGKILL"
        time.sleep(0.02)


def test_sigkill_mid_run_then_restart_loses_nothing_answered(home: Path) -> None:
    first = ensure_server(home)
    with _http(first) as http:
        made = _build_a_busy_benchmark_run(http)
        before = _snapshot(http, made)
    assert [r["state"] for r in before["runs"]] == ["completed", "scored", "running", "running"]
    assert [e["status"] for e in before["executions"].values()] == [
        "completed",
        "running",
        "running",
    ]

    _kill(first)
    second = ensure_server(home)  # the stale server.json (dead pid) is replaced
    assert second.pid != first.pid
    assert second.token != first.token

    with _http(second) as http:
        after = _snapshot(http, made)
        listed = _ok(
            http.get("/v1/scenarios/runs", params={"benchmark_run_id": made["bench_run"]["id"]})
        )
        _check_after_restart(before, after)
        assert {r["id"] for r in listed["runs"]} == {r["id"] for r in made["runs"]}
        # The restarted server works: a new run of the same scenario gets a running devbox.
        fresh = _ok(
            http.post("/v1/scenarios/start_run", json={"scenario_id": made["scenarios"][2]["id"]})
        )
        _await_running(http, fresh["devbox_id"])
        _ok(http.post(f"/v1/scenarios/runs/{fresh['id']}/cancel"))


def _check_after_restart(before: Doc, after: Doc) -> None:
    assert after["benchmark"] == before["benchmark"]
    assert after["scenarios"] == before["scenarios"]
    assert after["bench_run"]["id"] == before["bench_run"]["id"]
    assert after["bench_run"]["start_time_ms"] == before["bench_run"]["start_time_ms"]

    completed, scored, *running = zip(before["runs"], after["runs"], strict=True)
    assert completed[1] == completed[0]
    for old, new in (completed, scored):
        assert new["scoring_contract_result"] == old["scoring_contract_result"]
        assert new["scoring_contract_result"]["score"] == 1.0
    assert scored[1]["state"] in ("scored", "completed")
    for _old, new in running:
        assert new["state"] == "failed", new
        assert new.get("failure_reason"), new

    for devbox in after["devboxes"]:
        assert devbox["status"] in ("shutdown", "failure"), devbox
        assert devbox.get("shutdown_reason") or devbox.get("failure_reason"), devbox
    assert after["devboxes"][0] == before["devboxes"][0]  # already shut down by complete

    for execution_id, old in before["executions"].items():
        new = after["executions"][execution_id]
        assert new["status"] == "completed", new
        assert new["exit_status"] is not None
        if old["status"] == "completed":
            assert new == old
