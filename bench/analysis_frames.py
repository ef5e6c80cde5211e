"""How long the analysis takes over 10,000 scenario runs: listing apart from frame building.

Run: `.venv/bin/python bench/analysis_frames.py`. The runs are served by an in-memory fake of
the Runloop cloud (httpx.MockTransport: no network, no sockets), so "listing" is the client's
own cost (paging, JSON decoding, pydantic parsing) without a network's latency; the frames are
then built from the listed views, each step timed alone (best of 3).
"""

from __future__ import annotations

import asyncio
import json
import time

import httpx
from _harness import print_table  # bench/ is on sys.path when a script of it runs

from runloop_nb import analysis
from runloop_nb.client import RunloopClient

SCENARIOS = 200
ATTEMPTS = 10
AGENTS = ("reference", "mutant", "untouched", "other", "fifth")  # 5 runs x 2,000 = 10,000
PAGE = 5000


def _scenario(i: int) -> dict:
    scorer = {"type": "command_scorer", "command": "true"}
    return {
        "id": f"scn_{i:04d}", "name": f"scenario-{i:04d}", "status": "active",
        "input_context": {"problem_statement": "solve it"}, "metadata": {"library": f"lib{i % 12}"},
        "scoring_contract": {"scoring_function_parameters": [
            {"name": "tests", "weight": 0.8, "scorer": scorer},
            {"name": "lint", "weight": 0.2, "scorer": scorer}]},
    }  # fmt: skip


def _run(agent_index: int, scenario: int, attempt: int) -> dict:
    score = float((scenario * 7 + attempt * 3 + agent_index) % 4 == 0)
    results = [{"scoring_function_name": n, "score": score, "output": "ok\n" * 20,
                "state": "complete"} for n in ("tests", "lint")]  # fmt: skip
    return {
        "id": f"scr_{agent_index}_{scenario:04d}_{attempt:02d}",
        "scenario_id": f"scn_{scenario:04d}",
        "devbox_id": "dbx_x", "benchmark_run_id": f"bmr_{agent_index}", "state": "completed",
        "name": None, "start_time_ms": 1_700_000_000_000 + attempt * 1000 + scenario,
        "duration_ms": 1500 + scenario, "scoring_contract_result": {"score": score,
        "scoring_function_results": results},
        "metadata": {"runloop_nb.agent": AGENTS[agent_index], "runloop_nb.attempt": str(attempt)},
    }  # fmt: skip


def _fake_cloud() -> httpx.MockTransport:
    scenarios = [_scenario(i) for i in range(SCENARIOS)]
    runs = {
        f"bmr_{a}": [_run(a, s, t) for t in range(1, ATTEMPTS + 1) for s in range(SCENARIOS)]
        for a in range(len(AGENTS))
    }
    benchmark = {"id": "bmd_1", "name": "bench", "scenarioIds": [s["id"] for s in scenarios],
                 "metadata": {}, "status": "active"}  # fmt: skip

    def answer(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/v1/benchmarks/bmd_1":
            return httpx.Response(200, json=benchmark)
        if path == "/v1/benchmarks/bmd_1/definitions":
            return httpx.Response(200, json={"scenarios": scenarios, "has_more": False})
        run_id = path.split("/")[3]
        if path.endswith("/scenario_runs"):
            after = request.url.params.get("starting_after")
            items = runs[run_id]
            start = next(i + 1 for i, r in enumerate(items) if r["id"] == after) if after else 0
            page = items[start : start + PAGE]
            more = start + PAGE < len(items)
            return httpx.Response(200, content=json.dumps({"runs": page, "has_more": more}))
        return httpx.Response(200, json={
            "id": run_id, "benchmark_id": "bmd_1", "start_time_ms": 1, "state": "completed",
            "metadata": {}, "pending_scenarios": []})  # fmt: skip

    return httpx.MockTransport(answer)


def _best(fn, repeat: int = 3) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    best, value = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - start)
    return best, value


async def main() -> None:
    ids = [f"bmr_{a}" for a in range(len(AGENTS))]
    async with RunloopClient(
        api_key="bench", base_url="http://cloud.invalid", transport=_fake_cloud()
    ) as client:
        listing = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            data = await analysis.load_runs(client, ids)
            listing = min(listing, time.perf_counter() - start)
    runs_time, runs = _best(lambda: analysis.runs_frame(data))
    scores_time, _ = _best(lambda: analysis.scores_frame(data))
    outcomes_time, outcomes = _best(lambda: analysis.outcomes_frame(data, runs))
    summary_time, _ = _best(lambda: analysis.summarize(outcomes))
    compare_time, _ = _best(lambda: analysis.compare(outcomes, "reference", "mutant"))
    passk_time, _ = _best(lambda: analysis.pass_at_k_table(outcomes))
    print(f"{len(data.scenario_runs):,} scenario runs ({len(AGENTS)} benchmark runs of {SCENARIOS} "
          f"scenarios x {ATTEMPTS} attempts), fake cloud in memory, best of 3")  # fmt: skip
    rows = [
        ("listing (5 runs, 5 pages of 2,000, parse)", f"{listing:.3f}"),
        ("runs_frame (runs_df's frame)", f"{runs_time:.3f}"),
        ("runs_df total (listing + frame)", f"{listing + runs_time:.3f}"),
        ("scores_frame (20,000 results)", f"{scores_time:.3f}"),
        ("outcomes_frame", f"{outcomes_time:.3f}"),
        ("summarize", f"{summary_time:.3f}"),
        ("compare (200 paired scenarios)", f"{compare_time:.3f}"),
        ("pass_at_k_table", f"{passk_time:.3f}"),
    ]
    print_table(["step", "seconds"], rows)


if __name__ == "__main__":
    asyncio.run(main())
