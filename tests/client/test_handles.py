"""The notebook flow through handles: from_id, await_running, cmd.exec, files, snapshot."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from support.fake_cloud import FakeCloud, devbox_json

from runloop_nb.client import Devbox, ExecutionResult, RunloopClient

DEVBOX = devbox_json()
RUNNING = {"devbox_id": "dbx_1", "execution_id": "exn_1", "status": "running"}
DONE = {
    **RUNNING,
    "status": "completed",
    "exit_status": 3,
    "stdout": "a\nb\nc\n",
    "stderr": "oops\n",
    "stdout_truncated": False,
}


async def test_from_id_makes_no_request_and_awaits_running(
    cloud: FakeCloud, client: RunloopClient
) -> None:
    devbox = client.devbox.from_id("dbx_1")
    assert isinstance(devbox, Devbox)
    assert cloud.requests == []
    cloud.add("POST", "/v1/devboxes/dbx_1/wait_for_status", httpx.Response(408), DEVBOX)
    assert (await devbox.await_running()).status == "running"


async def test_cmd_exec_runs_to_completion(cloud: FakeCloud, client: RunloopClient) -> None:
    cloud.add("POST", "/v1/devboxes/dbx_1/execute", RUNNING)  # still running after the hold
    cloud.add("POST", "/v1/devboxes/dbx_1/executions/exn_1/wait_for_status", DONE)
    result = await client.devbox.from_id("dbx_1").cmd.exec("make test")
    assert isinstance(result, ExecutionResult)
    assert result.exit_code == 3
    assert not result.success
    assert await result.stdout() == "a\nb\nc\n"
    assert await result.stdout(num_lines=2) == "b\nc\n"
    assert await result.stderr() == "oops\n"
    body = json.loads(cloud.requests[0].content)
    assert body.pop("command_id")  # a fresh UUIDv7: a retried call does not run it twice
    assert body == {"command": "make test", "optimistic_timeout": 25.0}


async def test_cmd_exec_of_a_quick_command_is_one_request(
    cloud: FakeCloud, client: RunloopClient
) -> None:
    cloud.add("POST", "/v1/devboxes/dbx_1/execute", DONE)
    result = await client.devbox.from_id("dbx_1").cmd.exec("make test")
    assert (result.exit_code, len(cloud.requests)) == (3, 1)


async def test_an_exec_interrupted_before_its_answer_finds_and_kills_its_command(
    cloud: FakeCloud, client: RunloopClient
) -> None:
    held = asyncio.Event()

    async def hold_forever(request: httpx.Request) -> httpx.Response:
        held.set()
        await asyncio.Event().wait()  # the server holds the optimistic call
        raise AssertionError("unreachable")

    cloud.add("POST", "/v1/devboxes/dbx_1/execute", hold_forever, RUNNING)
    killed = {**RUNNING, "status": "completed", "exit_status": 137}
    cloud.add("POST", "/v1/devboxes/dbx_1/executions/exn_1/kill", killed)
    task = asyncio.ensure_future(client.devbox.from_id("dbx_1").cmd.exec("sleep 99"))
    await held.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError) as caught:
        await task
    first, again, kill = (json.loads(r.content) for r in cloud.requests)
    assert again["command_id"] == first["command_id"]  # the same execution, not a second one
    assert again["optimistic_timeout"] == 0
    assert kill == {"kill_process_group": True}
    assert caught.value.__notes__ == [
        "Interrupted execution exn_1 ('sleep 99') on devbox dbx_1; it was killed (exit status 137)."
    ]


async def test_truncated_stdout_is_reread_over_the_stream(
    cloud: FakeCloud, client: RunloopClient
) -> None:
    truncated = {**DONE, "exit_status": 0, "stdout": "c\n", "stdout_truncated": True}
    cloud.add("POST", "/v1/devboxes/dbx_1/execute", truncated)
    events = "".join(
        f"data: {json.dumps({'output': part, 'offset': end})}\n\n"
        for part, end in (("a\nb\n", 4), ("c\n", 6))
    )
    cloud.add(
        "GET",
        "/v1/devboxes/dbx_1/executions/exn_1/stream_stdout_updates",
        httpx.Response(200, text=events),
    )
    result = await client.devbox.from_id("dbx_1").cmd.exec("seq")
    assert result.success
    assert await result.stdout(num_lines=1) == "c\n"  # enough lines buffered: no stream
    assert len(cloud.requests) == 1
    assert await result.stdout() == "a\nb\nc\n"


async def test_files_and_lifecycle(cloud: FakeCloud, client: RunloopClient) -> None:
    devbox = client.devbox.from_id("dbx_1")
    cloud.add("POST", "/v1/devboxes/dbx_1/read_file_contents", httpx.Response(200, text="hi"))
    cloud.add(
        "POST",
        "/v1/devboxes/dbx_1/write_file_contents",
        {"devbox_id": "dbx_1", "exit_status": 0, "stdout": "", "stderr": ""},
    )
    cloud.add("POST", "/v1/devboxes/dbx_1/download_file", httpx.Response(200, content=b"\x00"))
    cloud.add("POST", "/v1/devboxes/dbx_1/upload_file", {})
    cloud.add("POST", "/v1/devboxes/dbx_1/shutdown", {**DEVBOX, "status": "shutdown"})
    assert await devbox.file.read(file_path="a.txt") == "hi"
    await devbox.file.write(file_path="a.txt", contents="hi")
    assert await devbox.file.download(path="b") == b"\x00"
    assert await devbox.file.upload(path="c", file=b"data") == {}
    assert (await devbox.shutdown()).status == "shutdown"
    paths = [r.url.path.rsplit("/", 1)[-1] for r in cloud.requests]
    assert paths == [
        "read_file_contents",
        "write_file_contents",
        "download_file",
        "upload_file",
        "shutdown",
    ]


async def test_snapshot_disk_waits_for_completion(cloud: FakeCloud, client: RunloopClient) -> None:
    snap = {"id": "snp_1", "create_time_ms": 1, "metadata": {}, "source_devbox_id": "dbx_1"}
    cloud.add("POST", "/v1/devboxes/dbx_1/snapshot_disk_async", snap)
    cloud.add(
        "GET",
        "/v1/devboxes/disk_snapshots/snp_1/status",
        {"status": "in_progress"},
        {"status": "complete", "snapshot": {**snap, "name": "n"}},
    )
    view = await client.devbox.from_id("dbx_1").snapshot_disk(name="n")
    assert view.name == "n"


async def test_resume_waits_for_running(cloud: FakeCloud, client: RunloopClient) -> None:
    cloud.add("POST", "/v1/devboxes/dbx_1/resume", {**DEVBOX, "status": "resuming"})
    cloud.add("POST", "/v1/devboxes/dbx_1/wait_for_status", DEVBOX)
    assert (await client.devbox.from_id("dbx_1").resume()).status == "running"


async def test_devbox_create_returns_a_running_handle(
    cloud: FakeCloud, client: RunloopClient
) -> None:
    cloud.add("POST", "/v1/devboxes/create_and_await_running", DEVBOX)
    devbox = await client.devbox.create(name="x")
    assert devbox.id == "dbx_1"
    assert json.loads(cloud.requests[0].content) == {"name": "x"}


def test_an_execution_result_displays_as_its_view() -> None:
    from runloop_nb.wire import ExecutionView

    view = ExecutionView(devbox_id="dbx_1", execution_id="exe_1", status="completed", exit_status=0)
    result = ExecutionResult(view, devboxes=None)  # type: ignore[arg-type]  # display needs none
    assert result._repr_html_() == view._repr_html_()
    assert "exe_1" in result._repr_html_()
