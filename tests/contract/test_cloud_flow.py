"""The documented interactive flow (README) against a fake cloud that sends neither
`benchmark_run.pending_scenarios` nor `scenario_run.scenario`, as the SDK 1.32 types model
neither. The cloud is an httpx.MockTransport with just enough state for the flow.
"""

from __future__ import annotations

import json
import re
from typing import Any

import httpx

from runloop_nb.client import PollingConfig, RunloopClient

SCENARIOS = {
    f"scn_{i}": {
        "id": f"scn_{i}",
        "name": f"task-{i}",
        "metadata": {},
        "status": "active",
        "input_context": {"problem_statement": f"Solve task {i}."},
        "scoring_contract": {"scoring_function_parameters": []},
    }
    for i in (1, 2)
}
BENCHMARK = {
    "id": "bmd_1",
    "name": "smoke",
    "scenarioIds": list(SCENARIOS),
    "metadata": {},
    "status": "active",
}


class OmittingCloud:
    """Benchmark runs, scenario runs, devboxes and executions; never the two flow fields."""

    def __init__(self) -> None:
        self.bench_run: dict[str, Any] | None = None
        self.runs: dict[str, dict[str, Any]] = {}
        self.sent: list[dict[str, Any]] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else {}
        answer = self._answer(request.method, request.url.path, body)
        if answer is None:
            return httpx.Response(404, json={"message": f"no {request.url.path}"})
        self.sent.append(answer)
        return httpx.Response(200, json=answer)

    def _answer(self, method: str, path: str, body: dict[str, Any]) -> dict[str, Any] | None:
        run_id = _match(r"/v1/scenarios/runs/([^/]+)/score", path)
        if method == "POST" and run_id:
            self.runs[run_id].update(state="scored", scoring_contract_result=_score(run_id))
            return self.runs[run_id]
        if method == "POST" and path == "/v1/scenarios/start_run":
            return self._start(body)
        if method == "POST" and path == "/v1/benchmarks/start_run":
            self.bench_run = {
                "id": "bmr_1",
                "benchmark_id": body["benchmark_id"],
                "start_time_ms": 1,
                "state": "running",
                "metadata": {},
            }
            return self.bench_run
        if method == "POST" and path == "/v1/benchmark_runs/bmr_1/complete":
            assert self.bench_run is not None
            scores = [r["scoring_contract_result"]["score"] for r in self.runs.values()]
            mean = sum(scores) / len(scores) if scores else None
            self.bench_run.update(state="completed", score=mean)
            return self.bench_run
        return self._read(method, path)

    def _read(self, method: str, path: str) -> dict[str, Any] | None:
        if path == "/v1/benchmarks/list_public":
            return {"benchmarks": [BENCHMARK], "has_more": False, "total_count": 1}
        if path == "/v1/benchmarks/bmd_1":
            return BENCHMARK
        if path == "/v1/benchmark_runs/bmr_1/scenario_runs":
            return {"runs": list(self.runs.values()), "has_more": False, "total_count": None}
        run_id = _match(r"/v1/scenarios/runs/([^/]+)", path)
        if run_id:
            return self.runs.get(run_id)
        scenario_id = _match(r"/v1/scenarios/(scn_[^/]+)", path)
        if scenario_id:
            return SCENARIOS.get(scenario_id)
        devbox_id = _match(r"/v1/devboxes/([^/]+)/wait_for_status", path)
        if devbox_id:
            return _devbox(devbox_id)
        devbox_id = _match(r"/v1/devboxes/([^/]+)/execute", path)
        if method == "POST" and devbox_id:
            return {
                "devbox_id": devbox_id,
                "execution_id": "exn_1",
                "status": "completed",
                "exit_status": 0,
                "stdout": "README.md\n",
                "stderr": "",
            }
        return None

    def _start(self, body: dict[str, Any]) -> dict[str, Any]:
        run_id = f"scr_{len(self.runs) + 1}"
        self.runs[run_id] = {
            "id": run_id,
            "scenario_id": body["scenario_id"],
            "benchmark_run_id": body.get("benchmark_run_id"),
            "devbox_id": f"dbx_{run_id}",
            "state": "running",
            "metadata": {},
        }
        return self.runs[run_id]


def _match(pattern: str, path: str) -> str | None:
    found = re.fullmatch(pattern, path)
    return found.group(1) if found else None


def _score(run_id: str) -> dict[str, Any]:
    score = 1.0 if run_id == "scr_1" else 0.0
    return {"score": score, "scoring_function_results": []}


def _devbox(devbox_id: str) -> dict[str, Any]:
    return {
        "id": devbox_id,
        "status": "running",
        "create_time_ms": 1,
        "launch_parameters": {},
        "metadata": {},
        "capabilities": [],
        "state_transitions": [],
    }


async def test_documented_flow_runs_every_scenario_on_a_server_that_omits_both_fields() -> None:
    cloud = OmittingCloud()
    runloop = RunloopClient(
        api_key="key",
        base_url="https://api.example.test",
        transport=httpx.MockTransport(cloud.handle),
        polling=PollingConfig(timeout_seconds=5),
    )
    statements: list[str] = []
    async with runloop:
        benchmarks = await runloop.api.benchmarks.list_public()
        smoke = next(b for b in benchmarks if b.name == "smoke")
        benchmark_run = await runloop.api.benchmarks.start_run(benchmark_id=smoke.id)
        for scenario_id in benchmark_run.pending_scenarios:
            run = await runloop.api.scenarios.start_run(
                scenario_id=scenario_id, benchmark_run_id=benchmark_run.id
            )
            devbox = runloop.devbox.from_id(run.devbox_id)
            await devbox.await_running()
            assert run.scenario is not None
            statements.append(run.scenario.input_context.problem_statement)
            result = await devbox.cmd.exec("ls")
            assert result.exit_code == 0
            await runloop.api.scenarios.runs.score_and_await(run.id)
        finished = await runloop.api.benchmark_runs.complete(benchmark_run.id)
    assert statements == ["Solve task 1.", "Solve task 2."]
    assert finished.score == 0.5
    assert finished.pending_scenarios == []
    # The fake really omitted both fields in every answer it sent.
    assert not any("pending_scenarios" in a or "scenario" in a for a in cloud.sent)
