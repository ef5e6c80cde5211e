"""`pending_scenarios` and `scenario` are filled when a server omits them, and only then."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from support.fake_cloud import FakeCloud, benchmark_json, scenario_json

from runloop_nb.client import RunloopClient
from runloop_nb.errors import NotFoundError

BENCHMARK = benchmark_json(scenarioIds=["scn_1", "scn_2", "scn_3", "scn_4"])
BENCH_RUN = {
    "id": "bmr_1",
    "benchmark_id": "bmd_1",
    "start_time_ms": 1,
    "state": "running",
    "metadata": {},
}
SCENARIO = scenario_json()


def scenario_run(id: str, scenario_id: str, state: str) -> dict[str, Any]:
    return {
        "id": id,
        "scenario_id": scenario_id,
        "devbox_id": f"dbx_{id}",
        "state": state,
        "metadata": {},
        "benchmark_run_id": "bmr_1",
    }


def runs_page(*runs: dict[str, Any]) -> dict[str, Any]:
    return {"runs": list(runs), "has_more": False, "total_count": len(runs)}


def paths(cloud: FakeCloud) -> list[str]:
    return [f"{r.method} {r.url.path}" for r in cloud.requests]


async def test_start_run_without_pending_lists_every_scenario(
    cloud: FakeCloud, client: RunloopClient
) -> None:
    cloud.add("POST", "/v1/benchmarks/start_run", BENCH_RUN)
    cloud.add("GET", "/v1/benchmarks/bmd_1", BENCHMARK)
    cloud.add("GET", "/v1/benchmark_runs/bmr_1/scenario_runs", runs_page())
    run = await client.api.benchmarks.start_run(benchmark_id="bmd_1")
    assert run.pending_scenarios == ["scn_1", "scn_2", "scn_3", "scn_4"]
    assert paths(cloud) == [
        "POST /v1/benchmarks/start_run",
        "GET /v1/benchmarks/bmd_1",
        "GET /v1/benchmark_runs/bmr_1/scenario_runs",
    ]


async def test_pending_leaves_out_finished_runs_and_keeps_benchmark_order(
    cloud: FakeCloud, client: RunloopClient
) -> None:
    cloud.add("GET", "/v1/benchmark_runs/bmr_1", BENCH_RUN)
    cloud.add("GET", "/v1/benchmarks/bmd_1", BENCHMARK)
    runs = runs_page(
        scenario_run("scr_a", "scn_3", "completed"),
        scenario_run("scr_b", "scn_1", "scoring"),  # no result yet: still pending
        scenario_run("scr_c", "scn_2", "scored"),
    )
    cloud.add("GET", "/v1/benchmark_runs/bmr_1/scenario_runs", runs)
    run = await client.api.benchmark_runs.retrieve("bmr_1")
    assert run.pending_scenarios == ["scn_1", "scn_4"]
    # The benchmark's list is read once per benchmark run; the runs are re-listed each time.
    await client.api.benchmark_runs.retrieve("bmr_1")
    assert paths(cloud).count("GET /v1/benchmarks/bmd_1") == 1
    assert paths(cloud).count("GET /v1/benchmark_runs/bmr_1/scenario_runs") == 2


async def test_pending_walks_every_page_of_runs(cloud: FakeCloud, client: RunloopClient) -> None:
    cloud.add("POST", "/v1/benchmark_runs/bmr_1/complete", {**BENCH_RUN, "state": "completed"})
    cloud.add("GET", "/v1/benchmarks/bmd_1", BENCHMARK)
    first = {**runs_page(scenario_run("scr_a", "scn_1", "completed")), "has_more": True}
    second = runs_page(scenario_run("scr_b", "scn_4", "canceled"))
    cloud.add("GET", "/v1/benchmark_runs/bmr_1/scenario_runs", first, second)
    run = await client.api.benchmark_runs.complete("bmr_1")
    assert run.pending_scenarios == ["scn_2", "scn_3"]
    listed = [r for r in cloud.requests if r.url.path.endswith("/scenario_runs")]
    assert [r.url.params.get("starting_after") for r in listed] == [None, "scr_a"]


async def test_present_and_empty_pending_is_kept(cloud: FakeCloud, client: RunloopClient) -> None:
    cloud.add("POST", "/v1/benchmark_runs/bmr_1/cancel", {**BENCH_RUN, "pending_scenarios": []})
    run = await client.api.benchmark_runs.cancel("bmr_1")
    assert run.pending_scenarios == []
    assert paths(cloud) == ["POST /v1/benchmark_runs/bmr_1/cancel"]


async def test_scenario_is_retrieved_once_per_run(cloud: FakeCloud, client: RunloopClient) -> None:
    cloud.add("POST", "/v1/scenarios/start_run", scenario_run("scr_1", "scn_1", "running"))
    cloud.add("GET", "/v1/scenarios/scn_1", SCENARIO)
    cloud.add("GET", "/v1/scenarios/runs/scr_1", scenario_run("scr_1", "scn_1", "running"))
    run = await client.api.scenarios.start_run(scenario_id="scn_1")
    assert run.scenario is not None
    assert run.scenario.input_context.problem_statement == "fix it"
    again = await client.api.scenarios.runs.retrieve("scr_1")
    assert again.scenario == run.scenario
    assert paths(cloud).count("GET /v1/scenarios/scn_1") == 1


async def test_a_sent_scenario_is_not_retrieved(cloud: FakeCloud, client: RunloopClient) -> None:
    sent = {**scenario_run("scr_1", "scn_1", "scored"), "scenario": SCENARIO}
    cloud.add("POST", "/v1/scenarios/runs/scr_1/complete", sent)
    run = await client.api.scenarios.runs.complete("scr_1")
    assert run.scenario is not None
    assert paths(cloud) == ["POST /v1/scenarios/runs/scr_1/complete"]


async def test_a_failed_fill_names_the_run_that_was_started(
    cloud: FakeCloud, client: RunloopClient
) -> None:
    cloud.add("POST", "/v1/scenarios/start_run", scenario_run("scr_1", "scn_1", "running"))
    cloud.add("GET", "/v1/scenarios/scn_1", httpx.Response(404, json={"message": "gone"}))
    with pytest.raises(NotFoundError) as caught:
        await client.api.scenarios.start_run(scenario_id="scn_1")
    started = "scenario run scr_1 (devbox dbx_scr_1) was started"
    assert any(started in note for note in caught.value.__notes__)
