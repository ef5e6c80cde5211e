"""Devbox lifecycle over real HTTP: create, wait, list, update, suspend/resume, keep-alive,
shutdown, usage and recovery after a restart."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from support.devbox_harness import TOKEN, LiveServer, api, data_dir, live, run, running_devbox

from runloop_nb.local._devboxes import DevboxService
from runloop_nb.local._store import Store
from runloop_nb.wire import DevboxCreateParams, DevboxView

__all__ = ["api", "data_dir", "live"]  # fixtures used by the tests below


async def test_create_starts_in_provisioning_and_reaches_running(api: httpx.AsyncClient) -> None:
    created = await api.post("/v1/devboxes", json={"name": "box", "metadata": {"team": "a"}})
    assert created.status_code == 200
    view = created.json()
    assert view["status"] == "provisioning"
    assert view["id"].startswith("dbx_")
    running = await running_devbox(api)
    DevboxView.model_validate(running)  # the answer is a valid DevboxView
    got = (await api.get(f"/v1/devboxes/{view['id']}")).json()
    assert got["name"] == "box"
    assert got["metadata"] == {"team": "a"}
    assert got["sandbox_mode"] in {"bwrap", "unsandboxed"}
    assert [t["status"] for t in running["state_transitions"]] == ["provisioning", "running"]


async def test_create_and_await_running_answers_running(api: httpx.AsyncClient) -> None:
    answer = await api.post("/v1/devboxes/create_and_await_running", json={})
    assert answer.json()["status"] == "running"


async def test_environment_variables_reach_every_command(api: httpx.AsyncClient) -> None:
    box = await running_devbox(api, environment_variables={"GREETING": "hello there"})
    view = await run(api, box["id"], 'echo "$GREETING"; test "$PWD" = "$HOME" && echo in-home')
    assert view["stdout"] == "hello there\nin-home\n"


async def test_list_is_newest_first_and_filters_by_status(api: httpx.AsyncClient) -> None:
    first = await running_devbox(api)
    second = await running_devbox(api)
    await api.post(f"/v1/devboxes/{first['id']}/shutdown")
    listed = (await api.get("/v1/devboxes")).json()
    assert [d["id"] for d in listed["devboxes"]] == [second["id"], first["id"]]
    assert listed["total_count"] == 2
    only_running = (await api.get("/v1/devboxes", params={"status": "running"})).json()
    assert [d["id"] for d in only_running["devboxes"]] == [second["id"]]
    page = (await api.get("/v1/devboxes", params={"limit": 1})).json()
    assert page["has_more"] is True
    bad = await api.get("/v1/devboxes", params={"status": "sleeping"})
    assert bad.status_code == 400
    assert "sleeping" in bad.json()["message"]


async def test_update_changes_name_and_metadata_and_empty_clears(api: httpx.AsyncClient) -> None:
    box = await running_devbox(api, name="old", metadata={"a": "1"})
    renamed = (await api.post(f"/v1/devboxes/{box['id']}", json={"name": "new"})).json()
    assert renamed["name"] == "new"
    assert renamed["metadata"] == {"a": "1"}
    cleared = (await api.post(f"/v1/devboxes/{box['id']}", json={"metadata": {}})).json()
    assert cleared["metadata"] == {}
    assert cleared["name"] == "new"


async def test_shutdown_records_reason_end_time_and_is_idempotent(
    api: httpx.AsyncClient, live: LiveServer
) -> None:
    box = await running_devbox(api)
    await api.post(f"/v1/devboxes/{box['id']}/execute_async", json={"command": "sleep 30"})
    down = (await api.post(f"/v1/devboxes/{box['id']}/shutdown")).json()
    assert down["status"] == "shutdown"
    assert down["shutdown_reason"] == "api_shutdown"
    assert down["end_time_ms"] >= down["create_time_ms"]
    assert not (live.state.devboxes.exec_root(box["id"]) / "home").exists()  # disk freed
    again = await api.post(f"/v1/devboxes/{box['id']}/shutdown")
    assert again.status_code == 200
    assert again.json()["end_time_ms"] == down["end_time_ms"]
    refused = await api.post(f"/v1/devboxes/{box['id']}/execute_async", json={"command": "true"})
    assert refused.status_code == 400
    assert "shutdown" in refused.json()["message"]


async def test_wait_for_status_times_out_with_408_after_the_hold(api: httpx.AsyncClient) -> None:
    box = await running_devbox(api)
    started = time.monotonic()
    answer = await api.post(
        f"/v1/devboxes/{box['id']}/wait_for_status",
        json={"statuses": ["suspended"], "timeout_seconds": 0.3},
    )
    assert answer.status_code == 408
    assert 0.25 < time.monotonic() - started < 3


async def test_wait_for_status_wakes_when_the_status_changes(api: httpx.AsyncClient) -> None:
    box = await running_devbox(api)
    waiter = asyncio.ensure_future(
        api.post(
            f"/v1/devboxes/{box['id']}/wait_for_status",
            json={"statuses": ["shutdown"], "timeout_seconds": 20},
        )
    )
    await asyncio.sleep(0.2)
    started = time.monotonic()
    await api.post(f"/v1/devboxes/{box['id']}/shutdown")
    answer = await waiter
    assert answer.status_code == 200
    assert answer.json()["status"] == "shutdown"
    assert time.monotonic() - started < 3


async def test_wait_for_status_rejects_empty_and_unknown_statuses(api: httpx.AsyncClient) -> None:
    box = await running_devbox(api)
    for statuses in ([], ["sleeping"]):
        answer = await api.post(
            f"/v1/devboxes/{box['id']}/wait_for_status", json={"statuses": statuses}
        )
        assert answer.status_code == 400, statuses
        assert "statuses" in answer.json()["message"]


async def test_unknown_devbox_is_404_and_missing_token_is_401(live: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=live.url) as anonymous:
        assert (await anonymous.get("/v1/devboxes")).status_code == 401
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(base_url=live.url, headers=headers) as client:
        answer = await client.get("/v1/devboxes/dbx_nope")
    assert answer.status_code == 404
    assert "dbx_nope" in answer.json()["message"]


async def test_bad_launch_parameters_and_unknown_blueprint_are_400(api: httpx.AsyncClient) -> None:
    bad_size = await api.post(
        "/v1/devboxes", json={"launch_parameters": {"resource_size_request": "HUGE"}}
    )
    assert bad_size.status_code == 400
    bad_custom = await api.post(
        "/v1/devboxes",
        json={
            "launch_parameters": {
                "resource_size_request": "CUSTOM_SIZE",
                "custom_cpu_cores": 3,
                "custom_gb_memory": 4,
            }
        },
    )
    assert bad_custom.status_code == 400
    assert "launch_parameters" in bad_custom.json()["message"]
    unknown = await api.post("/v1/devboxes", json={"blueprint_name": "no-such-env"})
    assert unknown.status_code == 400
    assert "no-such-env" in unknown.json()["message"]
    assert (await api.get("/v1/devboxes")).json()["devboxes"] == []  # nothing half-created


async def test_suspend_keeps_the_disk_and_resume_runs_again(api: httpx.AsyncClient) -> None:
    box = await running_devbox(api)
    await run(api, box["id"], "echo kept > note.txt")
    assert (await api.post(f"/v1/devboxes/{box['id']}/resume")).status_code == 400
    suspended = (await api.post(f"/v1/devboxes/{box['id']}/suspend")).json()
    assert suspended["status"] == "suspended"
    assert (await api.post(f"/v1/devboxes/{box['id']}/suspend")).status_code == 400
    refused = await api.post(f"/v1/devboxes/{box['id']}/execute", json={"command": "true"})
    assert refused.status_code == 400
    assert "Resume" in refused.json()["message"]
    resumed = (await api.post(f"/v1/devboxes/{box['id']}/resume")).json()
    assert resumed["status"] == "running"
    assert (await run(api, box["id"], "cat note.txt"))["stdout"] == "kept\n"
    statuses = [t["status"] for t in resumed["state_transitions"]]
    assert statuses[-4:] == ["suspending", "suspended", "resuming", "running"]


async def test_keep_alive_time_shuts_an_idle_devbox_down(api: httpx.AsyncClient) -> None:
    box = await running_devbox(api, launch_parameters={"keep_alive_time_seconds": 1})
    await asyncio.sleep(0.6)  # part of the scenario: the keep-alive comes late in the countdown
    kept_at_ms = time.time() * 1000
    assert (await api.post(f"/v1/devboxes/{box['id']}/keep_alive")).json() == {}
    answer = await api.post(
        f"/v1/devboxes/{box['id']}/wait_for_status",
        json={"statuses": ["shutdown"], "timeout_seconds": 10},
    )
    view = answer.json()
    assert view["shutdown_reason"] == "keep_alive_timeout"
    ended_ms = next(
        t["transition_time_ms"] for t in view["state_transitions"] if t["status"] == "shutdown"
    )
    assert ended_ms - kept_at_ms >= 1000 - 5  # the countdown restarted at the keep-alive


async def test_usage_counts_seconds_since_creation(api: httpx.AsyncClient) -> None:
    box = await running_devbox(api)
    await asyncio.sleep(1.1)
    await api.post(f"/v1/devboxes/{box['id']}/shutdown")
    usage = (await api.get(f"/v1/devboxes/{box['id']}/usage")).json()
    assert usage["status"] == "shutdown"
    assert usage["total_elapsed_seconds"] >= 1
    assert usage["total_active_seconds"] >= 1
    assert usage["vcpu_seconds"] >= usage["total_active_seconds"]
    assert usage["end_time_ms"] is not None


async def test_recover_fails_devboxes_that_were_live_and_calls_end_hooks(data_dir: Path) -> None:
    data = data_dir
    async with LiveServer(data) as server:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        async with httpx.AsyncClient(base_url=server.url, headers=headers) as client:
            box = await running_devbox(client)
            started = await client.post(
                f"/v1/devboxes/{box['id']}/execute_async", json={"command": "sleep 60"}
            )
            execution_id = started.json()["execution_id"]
    # Stopping the server without shutting devboxes down leaves them recorded as live, as a
    # crash would; their processes are gone.
    store = Store(data / "state.sqlite3")
    assert store.get("devbox", box["id"])["status"] == "running"  # type: ignore[index]
    assert store.get("execution", execution_id)["status"] == "running"  # type: ignore[index]
    service = DevboxService(store, data)
    ended: list[tuple[str, dict[str, Any]]] = []

    async def hook(devbox_id: str, view: dict[str, Any]) -> None:
        ended.append((devbox_id, view))

    service.add_end_hook(hook)
    await service.recover()
    view = service.get(box["id"])
    assert view["status"] == "failure"
    assert view["failure_reason"] == "health_check_failed"
    assert "restarted" in view["failure_message"]
    assert [devbox_id for devbox_id, _ in ended] == [box["id"]]
    execution = service.executions.get(box["id"], execution_id)
    assert execution["status"] == "completed"
    assert execution["exit_status"] == 137
    await service.close()
    store.close()


async def test_service_create_passes_the_creators_extra_env(data_dir: Path) -> None:
    store = Store(data_dir / "s.sqlite3")
    service = DevboxService(store, data_dir)
    view = await service.create(
        DevboxCreateParams(environment_variables={"A": "1"}),
        initiator_type="scenario",
        initiator_id="scr_1",
        extra_env={"B": "2"},
    )
    assert view["initiator_type"] == "scenario"
    code, out, _ = await service.run_command(view["id"], 'echo "$A$B"', timeout=20)
    assert (code, out) == (0, "12\n")
    code, _, _ = await service.run_command(view["id"], "sleep 30", timeout=0.3)
    assert code is None  # timed out, and killed
    await service.shutdown(view["id"])
    await service.close()
    store.close()


async def test_a_devbox_whose_processes_die_is_marked_failure(
    api: httpx.AsyncClient, live: LiveServer
) -> None:
    box = await running_devbox(api)
    ended: list[str] = []

    async def hook(devbox_id: str, view: dict[str, Any]) -> None:
        ended.append(view["status"])

    live.state.devboxes.add_end_hook(hook)
    await live.state.devboxes.sandbox(box["id"]).shutdown(keep_disk=True)  # as if it crashed
    answer = await api.post(
        f"/v1/devboxes/{box['id']}/wait_for_status",
        json={"statuses": ["failure", "shutdown"], "timeout_seconds": 5},
    )
    view = answer.json()
    assert (view["status"], view["failure_reason"]) == ("failure", "health_check_failed")
    assert "unexpectedly" in view["failure_message"]
    assert ended == ["failure"]


@pytest.mark.parametrize("how", ["stopped", "killed"])
async def test_a_devbox_whose_agent_is_stopped_from_inside_fails_with_a_reason(
    api: httpx.AsyncClient, live: LiveServer, how: str
) -> None:
    # Before, calls waited 60 s on the frozen agent, then answered 500.
    box = await running_devbox(api)
    signal = "STOP" if how == "stopped" else "KILL"
    cue = live.state.devboxes.exec_root(box["id"]) / "home" / "cue"
    command = f"mkfifo cue && read line < cue && kill -{signal} $PPID; sleep 30"
    started = await api.post(f"/v1/devboxes/{box['id']}/execute_async", json={"command": command})
    assert started.status_code == 200, started.text
    execution_id = started.json()["execution_id"]
    for _ in range(2000):  # the cue is given once the command waits for it
        if cue.exists():
            break
        await asyncio.sleep(0.01)
    assert cue.exists()
    began = time.monotonic()
    await asyncio.to_thread(cue.write_text, "go\n")
    waited = await api.post(
        f"/v1/devboxes/{box['id']}/wait_for_status",
        json={"statuses": ["failure", "shutdown"], "timeout_seconds": 10},
    )
    view = waited.json()
    assert time.monotonic() - began < 10
    if how == "stopped":
        assert (view["status"], view["failure_reason"]) == ("failure", "execution_failed")
        assert "stopped from inside the devbox" in view["failure_message"]
    else:  # its processes are gone: the reaper's health check notices
        assert (view["status"], view["failure_reason"]) == ("failure", "health_check_failed")
        assert "ended unexpectedly" in view["failure_message"]
    cut_off = await api.get(f"/v1/devboxes/{box['id']}/executions/{execution_id}")
    assert (cut_off.json()["status"], cut_off.json()["exit_status"]) == ("completed", 137)
    later = await api.post(f"/v1/devboxes/{box['id']}/execute", json={"command": "echo hi"})
    assert later.status_code == 400
    assert "failure" in later.json()["message"]


@pytest.mark.skipif(os.geteuid() != 0, reason="only a root server gives devboxes uids of their own")
async def test_a_shut_down_devbox_frees_its_home_and_gives_its_uid_back(
    api: httpx.AsyncClient, live: LiveServer
) -> None:
    from runloop_nb.local.sandbox._users import UID_REGISTRY

    view = await running_devbox(api)
    root = live.state.devboxes.exec_root(view["id"])
    claim = UID_REGISTRY / (root / "ctl" / "uid").read_text()
    assert claim.read_text() == view["id"]

    await api.post(f"/v1/devboxes/{view['id']}/shutdown")

    assert not (root / "home").exists()
    assert not claim.exists()


async def test_no_sandbox_means_a_503_that_says_why_not_an_unsandboxed_devbox(
    api: httpx.AsyncClient, monkeypatch: Any
) -> None:
    from runloop_nb.local.sandbox import _detect

    monkeypatch.delenv("RUNLOOP_NB_SANDBOX", raising=False)
    monkeypatch.setattr(_detect, "_probe", lambda: "bwrap failed with exit status 1: denied")
    before = (await api.get("/v1/devboxes")).json()["devboxes"]
    response = await api.post("/v1/devboxes", json={"name": "nope"})
    assert response.status_code == 503
    assert response.headers["x-should-retry"] == "false"
    body = response.json()
    assert body["error"] == "sandbox_unavailable"
    assert "denied" in body["message"]
    assert "RUNLOOP_NB_SANDBOX=unsandboxed" in body["message"]
    assert (await api.get("/v1/devboxes")).json()["devboxes"] == before  # nothing was made


async def test_deleting_a_devbox_disk_does_not_stall_other_requests(
    api: httpx.AsyncClient, monkeypatch: Any
) -> None:
    import shutil
    import threading

    from runloop_nb.local import _devboxes

    box = await running_devbox(api)
    deleting, answered = threading.Event(), threading.Event()
    released_by_the_answer: list[bool] = []
    real_rmtree = shutil.rmtree

    def slow_rmtree(path: Any, ignore_errors: bool = False) -> None:  # a huge home, say
        deleting.set()
        released_by_the_answer.append(answered.wait(timeout=5))  # False: nobody was answered
        real_rmtree(path, ignore_errors=ignore_errors)

    monkeypatch.setattr(_devboxes.shutil, "rmtree", slow_rmtree)
    shutdown = asyncio.ensure_future(api.post(f"/v1/devboxes/{box['id']}/shutdown"))
    while not deleting.is_set():
        await asyncio.sleep(0.01)
    other = await api.get("/v1/devboxes", timeout=5)  # answered while the delete is under way
    answered.set()
    assert other.status_code == 200
    assert (await shutdown).json()["status"] == "shutdown"
    assert released_by_the_answer == [True]


async def test_a_suspended_devbox_resumes_only_in_the_sandbox_it_was_made_in(
    data_dir: Path, monkeypatch: Any
) -> None:
    from runloop_nb.local._errors import SandboxUnavailable

    monkeypatch.delenv("RUNLOOP_NB_SANDBOX", raising=False)
    store = Store(data_dir / "s.sqlite3")
    first = DevboxService(store, data_dir)
    view = await first.create(DevboxCreateParams())
    assert await first.wait_for_status(view["id"], ["running"], 30)
    assert first.get(view["id"])["sandbox_mode"] == "bwrap"
    await first.suspend(view["id"])
    await first.close()
    # The server comes back asked to run unsandboxed: the bwrap devbox must not resume weaker.
    monkeypatch.setenv("RUNLOOP_NB_SANDBOX", "unsandboxed")
    second = DevboxService(store, data_dir)
    await second.recover()
    with pytest.raises(SandboxUnavailable, match="restart the server in the 'bwrap' mode"):
        await second.resume(view["id"])
    assert second.get(view["id"])["status"] == "suspended", "left as it was, resumable later"
    monkeypatch.delenv("RUNLOOP_NB_SANDBOX")
    await second.resume(view["id"])
    assert await second.wait_for_status(view["id"], ["running"], 30)
    code, out, _ = await second.run_command(view["id"], "echo back", timeout=20)
    assert (code, out) == (0, "back\n")
    await second.shutdown(view["id"])
    await second.close()
    store.close()
