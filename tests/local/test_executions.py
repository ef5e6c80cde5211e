"""Command execution over real HTTP: optimistic execute, async + long-poll, idempotency,
last_n, kill, stdin, SSE output streams with byte-exact resume, logs."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx
import pytest
from support.devbox_harness import api, data_dir, live, run, running_devbox

from runloop_nb.local._input_limits import MAX_COMMAND_BYTES
from runloop_nb.local.routes import executions as routes
from runloop_nb.wire import ExecutionUpdateChunk, ExecutionView

__all__ = ["api", "data_dir", "live"]  # fixtures used by the tests below


async def start(api: httpx.AsyncClient, devbox_id: str, command: str, **body: Any) -> str:
    answer = await api.post(
        f"/v1/devboxes/{devbox_id}/execute_async", json={"command": command, **body}
    )
    assert answer.status_code == 200, answer.text
    view = answer.json()
    assert view["status"] in {"queued", "running"}
    execution_id: str = view["execution_id"]
    return execution_id


async def wait_done(
    api: httpx.AsyncClient, devbox_id: str, execution_id: str, **query: Any
) -> dict[str, Any]:
    answer = await api.post(
        f"/v1/devboxes/{devbox_id}/executions/{execution_id}/wait_for_status",
        json={"statuses": ["completed"], "timeout_seconds": 20},
        params=query,
    )
    assert answer.status_code == 200, answer.text
    view: dict[str, Any] = answer.json()
    return view


async def sse(api: httpx.AsyncClient, url: str, **query: Any) -> list[dict[str, Any]]:
    chunks = []
    async with api.stream("GET", url, params=query) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        async for line in response.aiter_lines():
            if line.startswith("data: "):
                chunks.append(json.loads(line[len("data: ") :]))
    return chunks


async def test_execute_returns_the_finished_result(api: httpx.AsyncClient) -> None:
    box = await running_devbox(api)
    view = await run(api, box["id"], "echo out; echo err >&2; exit 3")
    ExecutionView.model_validate(view)
    assert (view["exit_status"], view["stdout"], view["stderr"]) == (3, "out\n", "err\n")
    assert view["stdout_truncated"] is False


async def test_execute_answers_running_when_the_optimistic_wait_runs_out(
    api: httpx.AsyncClient,
) -> None:
    box = await running_devbox(api)
    started = time.monotonic()
    answer = await api.post(
        f"/v1/devboxes/{box['id']}/execute",
        json={"command": "sleep 1; echo late", "optimistic_timeout": 0.2},
    )
    assert time.monotonic() - started < 0.9
    view = answer.json()
    assert view["status"] == "running"
    assert "exit_status" not in view
    done = await wait_done(api, box["id"], view["execution_id"])
    assert (done["status"], done["exit_status"], done["stdout"]) == ("completed", 0, "late\n")


async def test_the_same_command_id_runs_the_command_once(api: httpx.AsyncClient) -> None:
    box = await running_devbox(api)
    body = {
        "command": "echo ran >> count.txt",
        "command_id": "0190a000-0000-7000-8000-000000000001",
    }
    first = (await api.post(f"/v1/devboxes/{box['id']}/execute", json=body)).json()
    second = (await api.post(f"/v1/devboxes/{box['id']}/execute", json=body)).json()
    assert first["execution_id"] == second["execution_id"]
    assert (await run(api, box["id"], "cat count.txt"))["stdout"] == "ran\n"


async def test_execute_async_returns_at_once_and_wait_holds_then_408(
    api: httpx.AsyncClient,
) -> None:
    box = await running_devbox(api)
    started = time.monotonic()
    execution_id = await start(api, box["id"], "sleep 5")
    assert time.monotonic() - started < 1.5
    held = time.monotonic()
    answer = await api.post(
        f"/v1/devboxes/{box['id']}/executions/{execution_id}/wait_for_status",
        json={"statuses": ["completed"], "timeout_seconds": 0.3},
    )
    assert answer.status_code == 408
    assert 0.25 < time.monotonic() - held < 2
    running = await api.post(
        f"/v1/devboxes/{box['id']}/executions/{execution_id}/wait_for_status",
        json={"statuses": ["running"]},
    )
    assert running.json()["status"] == "running"


async def test_execute_sync_answers_the_whole_output(api: httpx.AsyncClient) -> None:
    box = await running_devbox(api)
    answer = await api.post(f"/v1/devboxes/{box['id']}/execute_sync", json={"command": "seq 1 300"})
    detail = answer.json()
    assert detail["exit_status"] == 0
    assert detail["stdout"] == "".join(f"{i}\n" for i in range(1, 301))
    refused = await api.post(
        f"/v1/devboxes/{box['id']}/execute_sync", json={"command": "cat", "attach_stdin": True}
    )
    assert refused.status_code == 400


async def test_execute_sync_streams_large_output_exactly(api: httpx.AsyncClient) -> None:
    # The detail JSON is sent in pieces (64 KiB of output at a time, escaped one by one).
    box = await running_devbox(api)
    command = 'python3 -c \'import sys; sys.stdout.write("é\\"\\\\\\t" * 800000)\'; echo err >&2'
    answer = await api.post(f"/v1/devboxes/{box['id']}/execute_sync", json={"command": command})
    assert answer.headers["content-type"] == "application/json"
    detail = answer.json()
    assert detail == {
        "devbox_id": box["id"],
        "exit_status": 0,
        "stdout": 'é"\\\t' * 800000,
        "stderr": "err\n",
    }


async def test_last_n_keeps_the_last_lines_and_flags_truncation(api: httpx.AsyncClient) -> None:
    box = await running_devbox(api)
    view = await run(api, box["id"], "seq 1 150; seq 1 3 >&2")
    assert view["stdout"] == "".join(f"{i}\n" for i in range(51, 151))
    assert view["stdout_truncated"] is True
    assert view["stderr_truncated"] is False
    url = f"/v1/devboxes/{box['id']}/executions/{view['execution_id']}"
    five = (await api.get(url, params={"last_n": 5})).json()
    assert five["stdout"] == "146\n147\n148\n149\n150\n"
    assert (five["stderr"], five["stderr_truncated"]) == ("1\n2\n3\n", False)
    two = (await api.get(url, params={"last_n": 2})).json()
    assert (two["stderr"], two["stderr_truncated"]) == ("2\n3\n", True)
    assert (await api.get(url, params={"last_n": "x"})).status_code == 400


async def test_killing_an_ended_execution_kills_what_it_left_running(
    api: httpx.AsyncClient,
) -> None:
    # A fork bomb whose leader exited used to keep its processes (and the devbox's process
    # limit) until shutdown: the execution was "completed", so kill did nothing.
    box = await running_devbox(api)
    left = await run(api, box["id"], "for i in $(seq 1 20); do sleep 300 & done; echo left")
    assert (left["exit_status"], left["stdout"]) == (0, "left\n")
    assert (await run(api, box["id"], "pgrep -c -x sleep"))["stdout"] == "20\n"
    killed = await api.post(
        f"/v1/devboxes/{box['id']}/executions/{left['execution_id']}/kill", json={}
    )
    assert killed.status_code == 200, killed.text
    assert (killed.json()["status"], killed.json()["exit_status"]) == ("completed", 0)
    after = await run(api, box["id"], "pgrep -c -x sleep")
    assert (after["exit_status"], after["stdout"]) == (1, "0\n")  # none left


async def test_kill_ends_the_command_and_the_processes_it_started(api: httpx.AsyncClient) -> None:
    box = await running_devbox(api)
    command = "setsid sh -c 'while true; do echo tick >> ticks.txt; sleep 0.1; done' & sleep 60"
    execution_id = await start(api, box["id"], command)
    while not (await run(api, box["id"], "cat ticks.txt 2>/dev/null"))["stdout"]:
        pass  # each check is a round trip; the ticker writes every 0.1 s
    killed = await api.post(f"/v1/devboxes/{box['id']}/executions/{execution_id}/kill", json={})
    assert killed.json()["status"] == "completed"
    assert killed.json()["exit_status"] != 0
    before = (await run(api, box["id"], "wc -l < ticks.txt"))["stdout"]
    await asyncio.sleep(0.5)  # five ticks' time: a live ticker would have written more
    after = (await run(api, box["id"], "wc -l < ticks.txt"))["stdout"]
    assert int(before) > 0
    assert before == after  # the setsid child is dead too


async def test_stdin_text_and_eof_reach_the_command(api: httpx.AsyncClient) -> None:
    box = await running_devbox(api)
    execution_id = await start(
        api, box["id"], 'read line; echo "got:$line"; cat', attach_stdin=True
    )
    url = f"/v1/devboxes/{box['id']}/executions/{execution_id}"
    sent = (await api.post(f"{url}/send_std_in", json={"text": "hello\nrest"})).json()
    assert sent == {"devbox_id": box["id"], "execution_id": execution_id, "success": True}
    assert (await api.post(f"{url}/send_std_in", json={"signal": "EOF"})).json()["success"]
    done = await wait_done(api, box["id"], execution_id)
    assert done["stdout"] == "got:hello\nrest"
    late = (await api.post(f"{url}/send_std_in", json={"text": "more"})).json()
    assert late["success"] is False  # already finished
    assert (await api.post(f"{url}/send_std_in", json={})).status_code == 400


async def test_stdin_is_refused_when_not_attached(api: httpx.AsyncClient) -> None:
    box = await running_devbox(api)
    execution_id = await start(api, box["id"], "sleep 2")
    url = f"/v1/devboxes/{box['id']}/executions/{execution_id}/send_std_in"
    assert (await api.post(url, json={"text": "x"})).json()["success"] is False


SCRIPT = (
    r"printf 'caf\303'; sleep 0.3; printf '\251 \342\202'; sleep 0.3; "
    r"printf '\254 ok\n'; sleep 0.3; printf 'end\360\237\230\200\n'"
)
EXPECTED = "café € ok\nend😀\n"


async def test_sse_streams_output_by_end_offset_and_never_splits_a_character(
    api: httpx.AsyncClient,
) -> None:
    box = await running_devbox(api)
    execution_id = await start(api, box["id"], SCRIPT)
    url = f"/v1/devboxes/{box['id']}/executions/{execution_id}/stream_stdout_updates"
    chunks = await sse(api, url)
    assert len(chunks) >= 3  # it streamed while the command ran
    assert "".join(c["output"] for c in chunks) == EXPECTED
    ends = [ExecutionUpdateChunk.model_validate(c).offset for c in chunks]
    sizes = [len(c["output"].encode()) for c in chunks]
    assert ends == [sum(sizes[: i + 1]) for i in range(len(sizes))]  # END byte offsets


async def test_sse_resumes_after_an_offset_without_repeating_or_losing_bytes(
    api: httpx.AsyncClient,
) -> None:
    box = await running_devbox(api)
    execution_id = await start(api, box["id"], SCRIPT)
    url = f"/v1/devboxes/{box['id']}/executions/{execution_id}/stream_stdout_updates"
    async with api.stream("GET", url) as response:  # read one chunk, then "lose" the connection
        async for line in response.aiter_lines():
            if line.startswith("data: "):
                first = json.loads(line[6:])
                break
    rest = await sse(api, url, offset=str(first["offset"]))
    assert first["output"] + "".join(c["output"] for c in rest) == EXPECTED
    replay = await sse(api, url, offset="5")  # after "caf" + the 2-byte é
    assert "".join(c["output"] for c in replay) == EXPECTED.encode()[5:].decode()
    stderr = await sse(api, url.replace("stdout", "stderr"))
    assert stderr == []
    assert (await api.get(url, params={"offset": "-1"})).status_code == 400


async def test_execute_refuses_a_bad_last_n_before_running_the_command(
    api: httpx.AsyncClient,
) -> None:
    box = await running_devbox(api)
    for bad in ("-1", "many"):
        answer = await api.post(
            f"/v1/devboxes/{box['id']}/execute",
            json={"command": "touch /tmp/ran"},
            params={"last_n": bad},
        )
        assert answer.status_code == 400, answer.text
        assert "last_n" in answer.json()["message"]
    logs = (await api.get(f"/v1/devboxes/{box['id']}/logs")).json()["logs"]
    assert logs == []
    check = await run(api, box["id"], "test -e /tmp/ran")
    assert check["exit_status"] == 1


async def test_logs_list_each_command_with_its_exit_code(api: httpx.AsyncClient) -> None:
    box = await running_devbox(api)
    first = await run(api, box["id"], "true")
    await run(api, box["id"], "exit 4")
    logs = (await api.get(f"/v1/devboxes/{box['id']}/logs")).json()["logs"]
    assert [e["source"] for e in logs] == ["exec"] * 4
    assert [e.get("exit_code") for e in logs if "exit_code" in e] == [0, 4]
    one = (
        await api.get(
            f"/v1/devboxes/{box['id']}/logs", params={"execution_id": first["execution_id"]}
        )
    ).json()["logs"]
    assert {e["cmd"] for e in one} == {"true"}
    assert {e["cmd_id"] for e in one} == {first["execution_id"]}


async def test_output_stays_readable_after_the_devbox_shuts_down(api: httpx.AsyncClient) -> None:
    box = await running_devbox(api)
    view = await run(api, box["id"], "echo kept")
    running_id = await start(api, box["id"], "sleep 60")
    await api.post(f"/v1/devboxes/{box['id']}/shutdown")
    base = f"/v1/devboxes/{box['id']}/executions"
    assert (await api.get(f"{base}/{view['execution_id']}")).json()["stdout"] == "kept\n"
    ended = (await api.get(f"{base}/{running_id}")).json()
    assert (ended["status"], ended["exit_status"]) == ("completed", 137)
    assert (await api.get(f"{base}/exn_missing")).status_code == 404


async def test_a_command_at_the_byte_bound_runs_and_one_byte_more_is_refused(
    api: httpx.AsyncClient,
) -> None:
    box = await running_devbox(api)
    longest = "echo ok #" + "x" * (MAX_COMMAND_BYTES - len("echo ok #"))
    view = await run(api, box["id"], longest)
    assert (view["exit_status"], view["stdout"]) == (0, "ok\n")
    answer = await api.post(f"/v1/devboxes/{box['id']}/execute", json={"command": longest + "x"})
    assert answer.status_code == 400, answer.text[:300]
    logs = (await api.get(f"/v1/devboxes/{box['id']}/logs")).json()["logs"]
    commands = {entry.get("cmd") for entry in logs}
    assert longest in commands
    assert longest + "x" not in commands


async def test_execute_sync_answers_the_running_state_when_its_hold_runs_out(
    api: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    box = await running_devbox(api)
    quick = await api.post(f"/v1/devboxes/{box['id']}/execute_sync", json={"command": "echo hi"})
    assert quick.json() == {
        "devbox_id": box["id"],
        "exit_status": 0,
        "stdout": "hi\n",
        "stderr": "",
    }
    monkeypatch.setattr(routes, "SYNC_HOLD_SECONDS", 0.2, raising=False)
    request = api.post(f"/v1/devboxes/{box['id']}/execute_sync", json={"command": "sleep 60"})
    answer = await asyncio.wait_for(request, timeout=10)
    assert answer.status_code == 200, answer.text
    view = answer.json()
    assert view["status"] == "running"
    assert "exit_status" not in view
    killed = await api.post(f"/v1/devboxes/{box['id']}/executions/{view['execution_id']}/kill")
    assert killed.status_code == 200, killed.text
    done = await wait_done(api, box["id"], view["execution_id"])
    assert done["status"] == "completed"
