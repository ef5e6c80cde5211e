"""Every call of every resource: method, path, query, body casing and response parsing."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from support.fake_cloud import FakeCloud, benchmark_json, devbox_json, scenario_json

from runloop_nb.client import RunloopClient
from runloop_nb.wire import (
    BenchmarkDefinitionsView,
    BenchmarkRunView,
    BenchmarkView,
    DevboxLogsView,
    DevboxSnapshotView,
    DevboxView,
    ExecutionDetailView,
    ExecutionView,
    ListView,
    RunProfile,
    ScenarioRunView,
    ScenarioScorerView,
    ScenarioView,
    SnapshotStatusView,
    WireModel,
)

BENCHMARK = benchmark_json()
BENCH_RUN = {"id": "bmr_1", "start_time_ms": 1, "state": "running", "metadata": {}}
SCENARIO = scenario_json(environment={"working_directory": "/home/user/repo"})
# Views carry the fields the client would otherwise fill (see test_backfill.py), so each call
# here is exactly one request.
RUN = {
    "id": "scr_1",
    "scenario_id": "scn_1",
    "devbox_id": "dbx_1",
    "state": "running",
    "metadata": {},
    "scenario": SCENARIO,
}
SCORER = {"id": "sco_1", "type": "my_scorer", "bash_script": "echo 1"}
DEVBOX = devbox_json()
EXECUTION = {
    "devbox_id": "dbx_1",
    "execution_id": "exn_1",
    "status": "completed",
    "exit_status": 0,
    "stdout": "hi\n",
    "stderr": "",
}
SNAPSHOT = {"id": "snp_1", "create_time_ms": 1, "metadata": {}, "source_devbox_id": "dbx_1"}
CONTRACT = {
    "scoring_function_parameters": [
        {"name": "tests", "weight": 1.0, "scorer": {"type": "command_scorer", "command": "pytest"}}
    ]
}


def page(key: str, item: dict[str, Any]) -> dict[str, Any]:
    return {key: [item], "has_more": False, "total_count": 1}


Call = Callable[[RunloopClient], Awaitable[Any]]


@dataclass
class Row:
    call: Call
    method: str
    path: str
    answer: Any
    #: The type the call answers (a wire model, or bytes/str/dict).
    parsed: type
    query: dict[str, str] = field(default_factory=dict)
    body: Any = None
    #: More about the result than ``sent_item`` (for answers that are not a wire model).
    check: Callable[[Any], bool] | None = None


def first(pager_call: Callable[[RunloopClient], Any]) -> Call:
    async def call(client: RunloopClient) -> Any:
        return (await pager_call(client))[0]

    return call


ROWS: dict[str, Row] = {
    # benchmarks
    "benchmarks.list": Row(
        first(lambda c: c.api.benchmarks.list(limit=5, name="b", include_total_count=False)),
        "GET",
        "/v1/benchmarks",
        page("benchmarks", BENCHMARK),
        parsed=BenchmarkView,
        query={"limit": "5", "name": "b", "include_total_count": "false"},
        check=lambda b: b.scenario_ids == ["scn_1"],
    ),
    "benchmarks.list_public": Row(
        first(lambda c: c.api.benchmarks.list_public(search="hum")),
        "GET",
        "/v1/benchmarks/list_public",
        page("benchmarks", BENCHMARK),
        parsed=BenchmarkView,
        query={"search": "hum"},
    ),
    "benchmarks.retrieve": Row(
        lambda c: c.api.benchmarks.retrieve("bmd_1"),
        "GET",
        "/v1/benchmarks/bmd_1",
        BENCHMARK,
        parsed=BenchmarkView,
        check=lambda b: b.id == "bmd_1",
    ),
    "benchmarks.create": Row(
        lambda c: c.api.benchmarks.create(name="b", scenario_ids=["scn_1"], description=None),
        "POST",
        "/v1/benchmarks",
        BENCHMARK,
        parsed=BenchmarkView,
        body={"name": "b", "scenario_ids": ["scn_1"], "description": None},
    ),
    "benchmarks.update": Row(
        lambda c: c.api.benchmarks.update("bmd_1", metadata={}),
        "POST",
        "/v1/benchmarks/bmd_1",
        BENCHMARK,
        parsed=BenchmarkView,
        body={"metadata": {}},
    ),
    "benchmarks.definitions": Row(
        lambda c: c.api.benchmarks.definitions("bmd_1", limit=2),
        "GET",
        "/v1/benchmarks/bmd_1/definitions",
        page("scenarios", SCENARIO),
        parsed=BenchmarkDefinitionsView,
        query={"limit": "2"},
        check=lambda v: v.scenarios[0].id == "scn_1",
    ),
    "benchmarks.start_run": Row(
        lambda c: c.api.benchmarks.start_run(
            benchmark_id="bmd_1",
            run_name="r1",
            run_profile={"env_vars": {"A": "1"}, "launch_parameters": {"custom_cpu_cores": 2}},
        ),
        "POST",
        "/v1/benchmarks/start_run",
        BENCH_RUN,
        parsed=BenchmarkRunView,
        body={
            "benchmark_id": "bmd_1",
            "run_name": "r1",
            "runProfile": {"envVars": {"A": "1"}, "launchParameters": {"custom_cpu_cores": 2.0}},
        },
        check=lambda r: r.state == "running",
    ),
    "benchmarks.update_scenarios": Row(
        lambda c: c.api.benchmarks.update_scenarios("bmd_1", scenarios_to_add=["scn_2"]),
        "POST",
        "/v1/benchmarks/bmd_1/scenarios",
        BENCHMARK,
        parsed=BenchmarkView,
        body={"scenarios_to_add": ["scn_2"]},
    ),
    # benchmark runs
    "benchmark_runs.list": Row(
        first(lambda c: c.api.benchmark_runs.list(benchmark_id="bmd_1", state="running")),
        "GET",
        "/v1/benchmark_runs",
        page("runs", BENCH_RUN),
        parsed=BenchmarkRunView,
        query={"benchmark_id": "bmd_1", "state": "running"},
    ),
    "benchmark_runs.retrieve": Row(
        lambda c: c.api.benchmark_runs.retrieve("bmr_1"),
        "GET",
        "/v1/benchmark_runs/bmr_1",
        BENCH_RUN,
        parsed=BenchmarkRunView,
    ),
    "benchmark_runs.complete": Row(
        lambda c: c.api.benchmark_runs.complete("bmr_1"),
        "POST",
        "/v1/benchmark_runs/bmr_1/complete",
        BENCH_RUN,
        parsed=BenchmarkRunView,
    ),
    "benchmark_runs.cancel": Row(
        lambda c: c.api.benchmark_runs.cancel("bmr_1"),
        "POST",
        "/v1/benchmark_runs/bmr_1/cancel",
        BENCH_RUN,
        parsed=BenchmarkRunView,
    ),
    "benchmark_runs.list_scenario_runs": Row(
        first(lambda c: c.api.benchmark_runs.list_scenario_runs("bmr_1", state="scored")),
        "GET",
        "/v1/benchmark_runs/bmr_1/scenario_runs",
        page("runs", RUN),
        parsed=ScenarioRunView,
        query={"state": "scored"},
        check=lambda r: r.devbox_id == "dbx_1",
    ),
    # scenarios
    "scenarios.list": Row(
        first(lambda c: c.api.scenarios.list(benchmark_id="bmd_1")),
        "GET",
        "/v1/scenarios",
        page("scenarios", SCENARIO),
        parsed=ScenarioView,
        query={"benchmark_id": "bmd_1"},
    ),
    "scenarios.list_public": Row(
        first(lambda c: c.api.scenarios.list_public(limit=1)),
        "GET",
        "/v1/scenarios/list_public",
        page("scenarios", SCENARIO),
        parsed=ScenarioView,
        query={"limit": "1"},
    ),
    "scenarios.retrieve": Row(
        lambda c: c.api.scenarios.retrieve("scn_1"),
        "GET",
        "/v1/scenarios/scn_1",
        SCENARIO,
        parsed=ScenarioView,
        check=lambda s: s.environment.working_directory == "/home/user/repo",
    ),
    "scenarios.create": Row(
        lambda c: c.api.scenarios.create(
            name="s",
            input_context={"problem_statement": "fix it"},
            scoring_contract=CONTRACT,
            environment_parameters={"working_directory": "/w"},
        ),
        "POST",
        "/v1/scenarios",
        SCENARIO,
        parsed=ScenarioView,
        body={
            "name": "s",
            "input_context": {"problem_statement": "fix it"},
            "scoring_contract": CONTRACT,
            "environment_parameters": {"working_directory": "/w"},
        },
    ),
    "scenarios.update": Row(
        lambda c: c.api.scenarios.update("scn_1", reference_output=None),
        "POST",
        "/v1/scenarios/scn_1",
        SCENARIO,
        parsed=ScenarioView,
        body={"reference_output": None},
    ),
    "scenarios.archive": Row(
        lambda c: c.api.scenarios.archive("scn_1"),
        "POST",
        "/v1/scenarios/scn_1/archive",
        SCENARIO,
        parsed=ScenarioView,
    ),
    "scenarios.start_run": Row(
        lambda c: c.api.scenarios.start_run(
            scenario_id="scn_1",
            benchmark_run_id="bmr_1",
            run_profile=RunProfile(env_vars={"K": "v"}, purpose="eval"),
        ),
        "POST",
        "/v1/scenarios/start_run",
        RUN,
        parsed=ScenarioRunView,
        body={
            "scenario_id": "scn_1",
            "benchmark_run_id": "bmr_1",
            "runProfile": {"envVars": {"K": "v"}, "purpose": "eval"},
        },
        check=lambda r: r.devbox_id == "dbx_1",
    ),
    # scenario runs
    "scenarios.runs.list": Row(
        first(lambda c: c.api.scenarios.runs.list(scenario_id="scn_1")),
        "GET",
        "/v1/scenarios/runs",
        page("runs", RUN),
        parsed=ScenarioRunView,
        query={"scenario_id": "scn_1"},
    ),
    "scenarios.runs.retrieve": Row(
        lambda c: c.api.scenarios.runs.retrieve("scr_1"),
        "GET",
        "/v1/scenarios/runs/scr_1",
        RUN,
        parsed=ScenarioRunView,
    ),
    "scenarios.runs.score": Row(
        lambda c: c.api.scenarios.runs.score("scr_1"),
        "POST",
        "/v1/scenarios/runs/scr_1/score",
        RUN,
        parsed=ScenarioRunView,
    ),
    "scenarios.runs.complete": Row(
        lambda c: c.api.scenarios.runs.complete("scr_1"),
        "POST",
        "/v1/scenarios/runs/scr_1/complete",
        RUN,
        parsed=ScenarioRunView,
    ),
    "scenarios.runs.cancel": Row(
        lambda c: c.api.scenarios.runs.cancel("scr_1"),
        "POST",
        "/v1/scenarios/runs/scr_1/cancel",
        RUN,
        parsed=ScenarioRunView,
    ),
    "scenarios.runs.download_logs": Row(
        lambda c: c.api.scenarios.runs.download_logs("scr_1"),
        "POST",
        "/v1/scenarios/runs/scr_1/download_logs",
        httpx.Response(200, content=b"PK\x03\x04zip", headers={"content-type": "application/zip"}),
        parsed=bytes,
        check=lambda data: data == b"PK\x03\x04zip",
    ),
    # scorers
    "scenarios.scorers.create": Row(
        lambda c: c.api.scenarios.scorers.create(type="my_scorer", bash_script="echo 1"),
        "POST",
        "/v1/scenarios/scorers",
        SCORER,
        parsed=ScenarioScorerView,
        body={"type": "my_scorer", "bash_script": "echo 1"},
    ),
    "scenarios.scorers.retrieve": Row(
        lambda c: c.api.scenarios.scorers.retrieve("sco_1"),
        "GET",
        "/v1/scenarios/scorers/sco_1",
        SCORER,
        parsed=ScenarioScorerView,
    ),
    "scenarios.scorers.update": Row(
        lambda c: c.api.scenarios.scorers.update("sco_1", type="t2", bash_script="echo 0"),
        "POST",
        "/v1/scenarios/scorers/sco_1",
        SCORER,
        parsed=ScenarioScorerView,
        body={"type": "t2", "bash_script": "echo 0"},
    ),
    "scenarios.scorers.list": Row(
        first(lambda c: c.api.scenarios.scorers.list(search="my")),
        "GET",
        "/v1/scenarios/scorers",
        page("scorers", SCORER),
        parsed=ScenarioScorerView,
        query={"search": "my"},
    ),
    # devboxes
    "devboxes.create": Row(
        lambda c: c.api.devboxes.create(
            name="d", launch_parameters={"keep_alive_time_seconds": 60}
        ),
        "POST",
        "/v1/devboxes",
        DEVBOX,
        parsed=DevboxView,
        body={"name": "d", "launch_parameters": {"keep_alive_time_seconds": 60}},
    ),
    "devboxes.create_and_await_running": Row(
        lambda c: c.api.devboxes.create_and_await_running(blueprint_name="bp"),
        "POST",
        "/v1/devboxes/create_and_await_running",
        DEVBOX,
        parsed=DevboxView,
        body={"blueprint_name": "bp"},
    ),
    "devboxes.retrieve": Row(
        lambda c: c.api.devboxes.retrieve("dbx_1"),
        "GET",
        "/v1/devboxes/dbx_1",
        DEVBOX,
        parsed=DevboxView,
    ),
    "devboxes.list": Row(
        first(lambda c: c.api.devboxes.list(status="running")),
        "GET",
        "/v1/devboxes",
        page("devboxes", DEVBOX),
        parsed=DevboxView,
        query={"status": "running"},
    ),
    "devboxes.update": Row(
        lambda c: c.api.devboxes.update("dbx_1", name=""),
        "POST",
        "/v1/devboxes/dbx_1",
        DEVBOX,
        parsed=DevboxView,
        body={"name": ""},
    ),
    "devboxes.shutdown": Row(
        lambda c: c.api.devboxes.shutdown("dbx_1", force=True),
        "POST",
        "/v1/devboxes/dbx_1/shutdown",
        DEVBOX,
        parsed=DevboxView,
        query={"force": "true"},
    ),
    "devboxes.suspend": Row(
        lambda c: c.api.devboxes.suspend("dbx_1"),
        "POST",
        "/v1/devboxes/dbx_1/suspend",
        DEVBOX,
        parsed=DevboxView,
    ),
    "devboxes.resume": Row(
        lambda c: c.api.devboxes.resume("dbx_1"),
        "POST",
        "/v1/devboxes/dbx_1/resume",
        DEVBOX,
        parsed=DevboxView,
    ),
    "devboxes.keep_alive": Row(
        lambda c: c.api.devboxes.keep_alive("dbx_1"),
        "POST",
        "/v1/devboxes/dbx_1/keep_alive",
        {},
        parsed=dict,
        check=lambda r: r == {},
    ),
    "devboxes.execute": Row(
        lambda c: c.api.devboxes.execute("dbx_1", command="ls", command_id="cid", last_n=5),
        "POST",
        "/v1/devboxes/dbx_1/execute",
        EXECUTION,
        parsed=ExecutionView,
        query={"last_n": "5"},
        body={"command": "ls", "command_id": "cid"},
        check=lambda e: e.stdout == "hi\n",
    ),
    "devboxes.execute_async": Row(
        lambda c: c.api.devboxes.execute_async("dbx_1", command="sleep 9", attach_stdin=True),
        "POST",
        "/v1/devboxes/dbx_1/execute_async",
        EXECUTION,
        parsed=ExecutionView,
        body={"command": "sleep 9", "attach_stdin": True},
    ),
    "devboxes.logs": Row(
        lambda c: c.api.devboxes.logs("dbx_1", execution_id="exn_1"),
        "GET",
        "/v1/devboxes/dbx_1/logs",
        {"logs": [{"level": "info", "source": "exec", "timestamp_ms": 1, "message": "m"}]},
        parsed=DevboxLogsView,
        query={"execution_id": "exn_1"},
        check=lambda v: v.logs[0].message == "m",
    ),
    "devboxes.read_file_contents": Row(
        lambda c: c.api.devboxes.read_file_contents("dbx_1", file_path="a.txt"),
        "POST",
        "/v1/devboxes/dbx_1/read_file_contents",
        httpx.Response(200, text="héllo"),
        parsed=str,
        body={"file_path": "a.txt"},
        check=lambda text: text == "héllo",
    ),
    "devboxes.write_file_contents": Row(
        lambda c: c.api.devboxes.write_file_contents("dbx_1", file_path="a.txt", contents="x"),
        "POST",
        "/v1/devboxes/dbx_1/write_file_contents",
        {"devbox_id": "dbx_1", "exit_status": 0, "stdout": "", "stderr": ""},
        parsed=ExecutionDetailView,
        body={"file_path": "a.txt", "contents": "x"},
    ),
    "devboxes.download_file": Row(
        lambda c: c.api.devboxes.download_file("dbx_1", path="b.bin"),
        "POST",
        "/v1/devboxes/dbx_1/download_file",
        httpx.Response(200, content=b"\x00\xff"),
        parsed=bytes,
        body={"path": "b.bin"},
        check=lambda data: data == b"\x00\xff",
    ),
    "devboxes.snapshot_disk": Row(
        lambda c: c.api.devboxes.snapshot_disk("dbx_1", name="n", commit_message="m"),
        "POST",
        "/v1/devboxes/dbx_1/snapshot_disk",
        SNAPSHOT,
        parsed=DevboxSnapshotView,
        body={"name": "n", "commit_message": "m"},
    ),
    "devboxes.snapshot_disk_async": Row(
        lambda c: c.api.devboxes.snapshot_disk_async("dbx_1", metadata={"k": "v"}),
        "POST",
        "/v1/devboxes/dbx_1/snapshot_disk_async",
        SNAPSHOT,
        parsed=DevboxSnapshotView,
        body={"metadata": {"k": "v"}},
    ),
    # executions
    "executions.retrieve": Row(
        lambda c: c.api.devboxes.executions.retrieve("exn_1", devbox_id="dbx_1", last_n=3),
        "GET",
        "/v1/devboxes/dbx_1/executions/exn_1",
        EXECUTION,
        parsed=ExecutionView,
        query={"last_n": "3"},
    ),
    # disk snapshots
    "disk_snapshots.list": Row(
        first(
            lambda c: c.api.devboxes.disk_snapshots.list(
                devbox_id="dbx_1", metadata_key="team", metadata_key_in="a,b"
            )
        ),
        "GET",
        "/v1/devboxes/disk_snapshots",
        page("snapshots", SNAPSHOT),
        parsed=DevboxSnapshotView,
        query={"devbox_id": "dbx_1", "metadata[key]": "team", "metadata[key][in]": "a,b"},
    ),
    "disk_snapshots.update": Row(
        lambda c: c.api.devboxes.disk_snapshots.update("snp_1", name="n2"),
        "POST",
        "/v1/devboxes/disk_snapshots/snp_1",
        SNAPSHOT,
        parsed=DevboxSnapshotView,
        body={"name": "n2"},
    ),
    "disk_snapshots.delete": Row(
        lambda c: c.api.devboxes.disk_snapshots.delete("snp_1"),
        "POST",
        "/v1/devboxes/disk_snapshots/snp_1/delete",
        {},
        parsed=dict,
        check=lambda r: r == {},
    ),
    "disk_snapshots.query_status": Row(
        lambda c: c.api.devboxes.disk_snapshots.query_status("snp_1"),
        "GET",
        "/v1/devboxes/disk_snapshots/snp_1/status",
        {"status": "complete", "snapshot": SNAPSHOT},
        parsed=SnapshotStatusView,
        check=lambda s: s.snapshot.id == "snp_1",
    ),
}


@pytest.mark.parametrize("name", list(ROWS))
async def test_call(cloud: FakeCloud, client: RunloopClient, name: str) -> None:
    row = ROWS[name]
    cloud.add(row.method, row.path, row.answer)
    result = await row.call(client)
    assert len(cloud.requests) == 1
    request = cloud.requests[0]
    assert (request.method, request.url.path) == (row.method, row.path)
    assert dict(request.url.params) == row.query
    sent = json.loads(request.content) if request.content else None
    assert sent == row.body
    assert type(result) is row.parsed, result
    if isinstance(result, WireModel):
        # Every field the transport sent, with its value, and nothing else.
        expected = row.answer if isinstance(result, ListView) else sent_item(row.answer)
        assert result.to_wire() == expected
    else:
        assert row.check is not None, f"{name}: a result that is not a wire model needs a check"
    if row.check is not None:
        assert row.check(result), result


def sent_item(answer: dict[str, Any]) -> dict[str, Any]:
    """The object the transport sent; for a page, its only item (what a pager call answers)."""
    if "has_more" in answer and "total_count" in answer:
        (items,) = [value for value in answer.values() if isinstance(value, list)]
        (item,) = items
        return dict(item)
    return answer


async def test_execute_fills_a_uuid7_command_id(cloud: FakeCloud, client: RunloopClient) -> None:
    cloud.add("POST", "/v1/devboxes/dbx_1/execute", EXECUTION)
    await client.api.devboxes.execute("dbx_1", command="ls")
    await client.api.devboxes.execute("dbx_1", command="ls")
    ids = [json.loads(r.content)["command_id"] for r in cloud.requests]
    assert ids[0] != ids[1]
    assert all(len(i) == 36 and i[14] == "7" for i in ids)
    assert ids == sorted(ids)  # time-ordered


async def test_upload_file_sends_multipart_path_and_file(
    cloud: FakeCloud, client: RunloopClient, tmp_path: Any
) -> None:
    local = tmp_path / "data.bin"
    local.write_bytes(b"\x01\x02payload")
    cloud.add("POST", "/v1/devboxes/dbx_1/upload_file", {})
    await client.api.devboxes.upload_file("dbx_1", path="remote/data.bin", file=local)
    request = cloud.requests[0]
    assert request.headers["content-type"].startswith("multipart/form-data")
    assert b'name="path"\r\n\r\nremote/data.bin' in request.content
    assert b'name="file"; filename="data.bin"' in request.content
    assert b"\x01\x02payload" in request.content
    with pytest.raises(TypeError, match=r"text.encode\(\)"):
        await client.api.devboxes.upload_file("dbx_1", path="x", file="not bytes")  # type: ignore[arg-type]


async def test_bad_arguments_fail_before_any_request(
    cloud: FakeCloud, client: RunloopClient
) -> None:
    with pytest.raises(ValueError, match="benchmark id must be a non-empty string"):
        await client.api.benchmarks.retrieve("")
    with pytest.raises(ValueError, match="name"):
        await client.api.benchmarks.create(name="")
    with pytest.raises(TypeError, match="Unknown devbox create argument"):
        await client.api.devboxes.create(nmae="typo")
    assert cloud.requests == []


async def test_ids_are_escaped_in_paths(cloud: FakeCloud, client: RunloopClient) -> None:
    cloud.add("GET", "/v1/benchmarks/a/b", BENCHMARK)  # url.path is decoded
    await client.api.benchmarks.retrieve("a/b")
    assert cloud.requests[0].url.raw_path == b"/v1/benchmarks/a%2Fb"


async def test_start_run_and_await_env_ready(cloud: FakeCloud, client: RunloopClient) -> None:
    cloud.add("POST", "/v1/scenarios/start_run", RUN)
    cloud.add("POST", "/v1/devboxes/dbx_1/wait_for_status", httpx.Response(408), DEVBOX)
    run = await client.api.scenarios.start_run_and_await_env_ready(scenario_id="scn_1")
    assert run.id == "scr_1"
    assert [r.url.path for r in cloud.requests] == [
        "/v1/scenarios/start_run",
        "/v1/devboxes/dbx_1/wait_for_status",
        "/v1/devboxes/dbx_1/wait_for_status",
    ]


async def test_create_and_await_running_long_polls_when_not_running(
    cloud: FakeCloud, client: RunloopClient
) -> None:
    cloud.add("POST", "/v1/devboxes/create_and_await_running", {**DEVBOX, "status": "provisioning"})
    cloud.add("POST", "/v1/devboxes/dbx_1/wait_for_status", DEVBOX)
    view = await client.api.devboxes.create_and_await_running()
    assert view.status == "running"
    assert len(cloud.requests) == 2
