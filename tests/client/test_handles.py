"""The notebook flow through handles: from_id, await_running, cmd.exec, files, snapshot."""

from __future__ import annotations

import json

import httpx
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
    cloud.add("POST", "/v1/devboxes/dbx_1/execute_async", RUNNING)
    cloud.add("POST", "/v1/devboxes/dbx_1/executions/exn_1/wait_for_status", DONE)
    result = await client.devbox.from_id("dbx_1").cmd.exec("make test")
    assert isinstance(result, ExecutionResult)
    assert result.exit_code == 3
    assert not result.success
    assert await result.stdout() == "a\nb\nc\n"
    assert await result.stdout(num_lines=2) == "b\nc\n"
    assert await result.stderr() == "oops\n"
    assert json.loads(cloud.requests[0].content) == {"command": "make test", "attach_stdin": False}


async def test_truncated_stdout_is_reread_over_the_stream(
    cloud: FakeCloud, client: RunloopClient
) -> None:
    truncated = {**DONE, "exit_status": 0, "stdout": "c\n", "stdout_truncated": True}
    cloud.add("POST", "/v1/devboxes/dbx_1/execute_async", truncated)
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
