"""How long the analysis takes over 10,000 scenario runs: listing apart from frame building.

Run: `.venv/bin/python bench/analysis_frames.py`. The runs are served by an in-memory fake of
the Runloop cloud (httpx.MockTransport: no network, no sockets), so "listing" is the client's
own cost (paging, JSON decoding, pydantic parsing) without a network's latency; the frames are
then built from the listed views, each step timed alone (best of 3). The analysis report
(`runloop_nb.report.report`: listing, model, HTML, the file written) is timed over the same
five finished benchmark runs, whole and by step (target: <= 2 s for 10,000 runs).
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from pathlib import Path

import httpx
from _harness import Row, print_table  # bench/ is on sys.path when a script of it runs

from runloop_nb import analysis
from runloop_nb.client import RunloopClient
from runloop_nb.report import report
from runloop_nb.report._model import build_model
from runloop_nb.report._render import render_html

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


PAGED = 10_000
REPORT_TARGET_S = 2.0


def _scenario_cloud() -> httpx.MockTransport:
    """A fake cloud holding 10,000 scenarios, served in pages of `limit` (cursor paging)."""
    scenarios = [_scenario(i) for i in range(PAGED)]
    index = {s["id"]: i for i, s in enumerate(scenarios)}

    def answer(request: httpx.Request) -> httpx.Response:
        limit = int(request.url.params.get("limit", "100"))
        after = request.url.params.get("starting_after")
        start = index[after] + 1 if after else 0
        page = scenarios[start : start + limit]
        body = {"scenarios": page, "has_more": start + limit < PAGED, "total_count": PAGED}
        return httpx.Response(200, content=json.dumps(body))

    return httpx.MockTransport(answer)


async def _page_ours() -> int:
    async with RunloopClient(
        api_key="bench", base_url="http://cloud.invalid", transport=_scenario_cloud()
    ) as client:
        return len([s async for s in client.api.scenarios.list(limit=100)])


async def _page_raw() -> int:
    async with httpx.AsyncClient(
        base_url="http://cloud.invalid", transport=_scenario_cloud()
    ) as http:
        count, after = 0, None
        while True:
            query = {"limit": 100, **({"starting_after": after} if after else {})}
            body = (await http.get("/v1/scenarios", params=query)).json()
            count += len(body["scenarios"])
            if not body["has_more"]:
                return count
            after = body["scenarios"][-1]["id"]


async def _best_async(fn, repeat: int = 3) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        await fn()
        best = min(best, time.perf_counter() - start)
    return best


async def bench_rows() -> list[Row]:
    """Paging 10,000 scenarios at 100 a page, and runs_df on 10,000 runs (fake cloud, best of 3)."""
    import pandas as pd

    if await _page_ours() != PAGED or await _page_raw() != PAGED:
        raise RuntimeError("paging did not return every scenario")
    ours_paging = await _best_async(_page_ours)
    raw_paging = await _best_async(_page_raw)
    ids = [f"bmr_{a}" for a in range(len(AGENTS))]

    async def ours_df() -> None:
        async with RunloopClient(
            api_key="bench", base_url="http://cloud.invalid", transport=_fake_cloud()
        ) as client:
            analysis.runs_frame(await analysis.load_runs(client, ids))

    async def raw_df() -> None:
        async with httpx.AsyncClient(
            base_url="http://cloud.invalid", transport=_fake_cloud()
        ) as http:
            rows = []
            for run_id in ids:
                body = (await http.get(f"/v1/benchmark_runs/{run_id}/scenario_runs")).json()
                rows += body["runs"]
                after = body["runs"][-1]["id"]
                while body["has_more"]:
                    query = {"starting_after": after}
                    body = (await http.get(f"/v1/benchmark_runs/{run_id}/scenario_runs",
                                           params=query)).json()  # fmt: skip
                    rows += body["runs"]
                    after = body["runs"][-1]["id"]
            pd.json_normalize(rows)

    async def ours_report() -> None:
        async with RunloopClient(
            api_key="bench", base_url="http://cloud.invalid", transport=_fake_cloud()
        ) as client:
            with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
                await report(client, ids, Path(tmp) / "report.html")

    ours_frame = await _best_async(ours_df)
    raw_frame = await _best_async(raw_df)
    report_time = await _best_async(ours_report)
    return [
        Row("page 10,000 scenarios at 100/page (fake cloud)", ours_paging * 1000, "ms",
            raw_paging * 1000, "raw httpx + json, same pages"),
        Row("runs_df on 10,000 runs (listing + frame, fake cloud)", ours_frame * 1000, "ms",
            raw_frame * 1000, "raw httpx + json + pd.json_normalize"),
        Row("report of 10,000 runs (listing + model + HTML file, fake cloud)", report_time,
            "s", None, "", f"<= {REPORT_TARGET_S:.0f} s"),
    ]  # fmt: skip


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
    model_time, model = _best(lambda: build_model(data))
    html_time, page = _best(lambda: render_html(model))  # type: ignore[arg-type]
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
        ("report: model (frames, summaries, comparison)", f"{model_time:.3f}"),
        (f"report: HTML ({len(str(page)) / 1e6:.1f} MB, charts, outcome matrix)",
         f"{html_time:.3f}"),
        (f"report: listing + model + HTML (target <= {REPORT_TARGET_S:.0f} s)",
         f"{listing + model_time + html_time:.3f}"),
    ]  # fmt: skip
    print_table(["step", "seconds"], rows)


if __name__ == "__main__":
    asyncio.run(main())
