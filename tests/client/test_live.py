"""`client.live()` and `cleanup()` against a fresh real local server (nothing else runs on it)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from support.fake_cloud import FakeCloud, devbox_json

from runloop_nb.client import RunloopClient
from runloop_nb.local import ServerInfo, ensure_server, stop_server

pytestmark = pytest.mark.slow
CONTRACT = {
    "scoring_function_parameters": [
        {"name": "ok", "weight": 1.0, "scorer": {"type": "command_scorer", "command": "true"}}
    ]
}


@pytest.fixture(scope="module")
def server() -> Iterator[ServerInfo]:
    home = Path(tempfile.mkdtemp(prefix="rnb-live-"))
    home.chmod(0o711)  # the unprivileged devbox user must traverse it
    yield ensure_server(home, timeout=60)
    stop_server(home)
    shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
async def local(server: ServerInfo) -> AsyncIterator[RunloopClient]:
    async with RunloopClient(api_key=server.token, base_url=server.url) as made:
        yield made


async def test_live_lists_what_an_interrupted_cell_left_and_cleanup_ends_it(
    local: RunloopClient,
) -> None:
    assert not await local.live()
    scenario = await local.api.scenarios.create(
        name="live", input_context={"problem_statement": "x"}, scoring_contract=CONTRACT
    )
    benchmark = await local.api.benchmarks.create(name="live", scenario_ids=[scenario.id])
    bench_run = await local.api.benchmarks.start_run(benchmark_id=benchmark.id)
    run = await local.api.scenarios.start_run(
        scenario_id=scenario.id, benchmark_run_id=bench_run.id
    )
    scored = await local.api.scenarios.start_run(scenario_id=scenario.id)
    await local.api.scenarios.runs.score_and_await(scored.id)  # scored still holds its devbox
    loose = await local.devbox.create()

    live = await local.live()
    assert sorted(r.id for r in live.scenario_runs) == sorted([run.id, scored.id])
    assert [b.id for b in live.benchmark_runs] == [bench_run.id]
    assert {d.id for d in live.devboxes} == {run.devbox_id, scored.devbox_id, loose.id}
    shown = repr(live)
    assert shown.startswith("Live(2 scenario runs, 1 benchmark runs, 3 devboxes")
    assert all(i in shown for i in (run.id, scored.id, bench_run.id, loose.id))

    done = await live.cleanup()
    # Cancelling a run shut its devbox, so only the loose devbox needed its own shutdown.
    ended = [f"scenario run {run.id}", f"scenario run {scored.id}"]
    ended += [f"benchmark run {bench_run.id}", f"devbox {loose.id}"]
    assert sorted(done.ended) == sorted(ended)
    assert not await local.live()
    assert repr(await local.live()) == "Live(nothing running)"
    assert (await local.api.scenarios.runs.retrieve(run.id)).state == "canceled"
    assert (await local.api.benchmark_runs.retrieve(bench_run.id)).state == "canceled"
    assert (await loose.get_info()).status == "shutdown"


async def test_cleanup_tries_everything_and_raises_what_failed(
    cloud: FakeCloud, client: RunloopClient
) -> None:
    running = {"devboxes": [devbox_json(id="dbx_1"), devbox_json(id="dbx_2")], "has_more": False}
    empty = {"devboxes": [], "has_more": False}
    cloud.add(
        "GET",
        "/v1/devboxes",
        lambda r: httpx.Response(
            200, json=running if r.url.params.get("status") == "running" else empty
        ),
    )
    cloud.add("GET", "/v1/scenarios/runs", {"runs": [], "has_more": False})
    cloud.add("GET", "/v1/benchmark_runs", {"runs": [], "has_more": False})
    cloud.add("POST", "/v1/devboxes/dbx_1/shutdown", httpx.Response(500, json={"message": "no"}))
    cloud.add("POST", "/v1/devboxes/dbx_2/shutdown", devbox_json("shutdown", id="dbx_2"))
    live = await client.live()
    with pytest.raises(ExceptionGroup) as caught:
        await live.cleanup()
    assert len(caught.value.exceptions) == 1
    assert "while ending devbox dbx_1" in caught.value.exceptions[0].__notes__
    assert "ended 1: devbox dbx_2" in caught.value.__notes__[0]
    asked = {r.url.params.get("status") for r in cloud.requests if r.url.path == "/v1/devboxes"}
    assert "shutdown" not in asked
    assert "failure" not in asked
