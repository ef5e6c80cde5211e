"""The frames against the real local server: real runs by run_scenario, real scoring."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd

from runloop_nb import analysis
from runloop_nb.client import RunloopClient
from runloop_nb.running import run_scenario
from runloop_nb.stepping import ReferenceAgent


async def _smoke(client: RunloopClient):
    page = await client.api.benchmarks.list_public(name="smoke")
    return next(b for b in page if b.name == "smoke")


async def test_frames_of_a_partly_run_benchmark(client: RunloopClient) -> None:
    smoke = await _smoke(client)
    parent = await client.api.benchmarks.start_run(benchmark_id=smoke.id, run_name="frames")
    first, second, never = smoke.scenario_ids
    await run_scenario(
        client, first, ReferenceAgent(), benchmark_run_id=parent.id,
        metadata=analysis.run_metadata("reference", 1),
    )  # fmt: skip
    await run_scenario(
        client, second, None, benchmark_run_id=parent.id,
        metadata=analysis.run_metadata("untouched", 1),
    )  # fmt: skip

    runs = await analysis.runs_df(client, parent.id)
    assert len(runs) == 2
    by = runs.set_index("scenario_id")
    assert by.loc[first, "outcome"] == "passed"
    assert by.loc[first, "agent"] == "reference"
    assert by.loc[second, "outcome"] == "failed"
    assert by.loc[second, "score"] == 0.0
    assert set(runs["benchmark_id"]) == {smoke.id}
    assert (runs["duration_s"] > 0).all()
    assert runs["started_at"].notna().all()

    outcomes = await analysis.outcomes_df(client, parent.id)
    # Each agent's group accounts for the whole benchmark: its one run, two not started.
    assert len(outcomes) == 6
    counts = outcomes.groupby("agent")["outcome"].value_counts().unstack()
    assert counts.loc["reference", "passed"] == 1
    assert counts.loc["untouched", "failed"] == 1
    assert (counts["not_started"] == 2).all()
    assert never in set(outcomes[outcomes.outcome == "not_started"]["scenario_id"])

    scores = await analysis.scores_df(client, parent.id)
    assert set(scores["run_id"]) == set(runs["run_id"])
    assert scores["weight"].notna().all()

    scenarios = await analysis.scenarios_df(client, smoke.id)
    assert list(scenarios["scenario_id"]) == smoke.scenario_ids
    assert list(scenarios["position"]) == [0, 1, 2]
    assert scenarios["has_reference"].all()

    benchmarks = await analysis.benchmarks_df(client, public=True)
    assert "smoke" in set(benchmarks["name"])
    assert benchmarks["is_public"].all()

    # The sync twin, called while this test's event loop is running (as in a kernel cell),
    # gives the same frame from its own loop and connections.
    synced = analysis.runs_df_sync(client, parent.id)
    pd.testing.assert_frame_equal(
        synced.sort_values("run_id").reset_index(drop=True),
        runs.sort_values("run_id").reset_index(drop=True),
    )
    await client.api.benchmark_runs.complete(parent.id)


SYNC_IN_A_PATCHED_LOOP = """
import asyncio, sys
import nest_asyncio
nest_asyncio.apply()  # what many notebooks do out of habit; the package never does
from runloop_nb import analysis
from runloop_nb.client import RunloopClient

async def cell():
    client = RunloopClient(api_key=sys.argv[1], base_url=sys.argv[2])
    frame = analysis.benchmarks_df_sync(client, public=True)  # blocks inside a running loop
    await client.aclose()
    print(sorted(frame["name"]))

asyncio.run(cell())
"""


def test_a_sync_twin_works_where_the_user_applied_nest_asyncio(local_server) -> None:
    _, info = local_server
    done = subprocess.run(
        [sys.executable, "-c", SYNC_IN_A_PATCHED_LOOP, info.token, info.url],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "'smoke'" in done.stdout
    assert "'humaneval'" in done.stdout
