"""The frames: `await runs_df(client, ...)` in a notebook, `runs_df_sync(client, ...)` elsewhere.

Each sync twin runs its coroutine on a private event-loop thread with a clone of the client
(its own connections), so it also works inside a running Jupyter kernel (`runloop_nb._aio`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

from runloop_nb._aio import run_sync
from runloop_nb.analysis._frames import benchmarks_frame, runs_frame, scenarios_frame, scores_frame
from runloop_nb.analysis._load import load_benchmark_scenarios, load_runs
from runloop_nb.analysis._outcomes import outcomes_frame

if TYPE_CHECKING:
    import pandas as pd

    from runloop_nb.client import RunloopClient
    from runloop_nb.wire import BenchmarkView

T = TypeVar("T")
RunIds = str | Sequence[str] | None


async def benchmarks_df(client: RunloopClient, *, public: bool | None = None) -> pd.DataFrame:
    """The benchmarks: yours and the public ones (`public=True`: only public, False: only yours).

    =============  =======  ====================================================
    column         dtype    meaning
    =============  =======  ====================================================
    benchmark_id   string   the benchmark's id
    name           string   its name
    status         string   active or archived
    scenarios      Int64    how many scenarios it lists
    is_public      boolean  listed by list_public (<NA>: the server did not say)
    description    string   what it is
    attribution    string   where its data comes from
    =============  =======  ====================================================
    """
    found: dict[str, BenchmarkView] = {}
    if public is not False:
        async for b in client.api.benchmarks.list_public(limit=1000):
            found[b.id] = b
    if public is not True:
        async for b in client.api.benchmarks.list(limit=1000):
            found.setdefault(b.id, b)
    return benchmarks_frame(found.values())


async def scenarios_df(client: RunloopClient, benchmark_id: str) -> pd.DataFrame:
    """The scenarios of one benchmark, in its order.

    ==================  =======  ===============================================
    column              dtype    meaning
    ==================  =======  ===============================================
    scenario_id         string   the scenario's id
    name                string   its name
    benchmark_id        string   the benchmark asked for
    position            Int64    its index in the benchmark's scenario list
    status              string   active or archived
    scoring_functions   Int64    scoring functions in its contract
    scorer_types        string   their scorer types, comma-separated
    cluster             string   its cluster (runloop_nb.cluster or library
                                 metadata, else its own id)
    working_directory   string   where the agent starts
    scorer_timeout_s    Int64    the scoring budget in seconds
    has_reference       boolean  it has a reference_output (gold solution)
    problem_statement   string   what the agent is asked to do
    ==================  =======  ===============================================
    """
    benchmark = await client.api.benchmarks.retrieve(benchmark_id)
    scenarios = await load_benchmark_scenarios(client, benchmark.id)
    return scenarios_frame(scenarios, benchmark)


async def runs_df(
    client: RunloopClient, benchmark_run_ids: RunIds = None, *, benchmark_id: str | None = None
) -> pd.DataFrame:
    """One row per scenario run of some benchmark runs (all of them, or of one benchmark,
    when no ids are given). Agent and attempt follow the metadata convention of
    `runloop_nb.analysis.run_metadata` (keys ``runloop_nb.agent``, ``runloop_nb.attempt``).

    ==================  ===================  ============================================
    column              dtype                meaning
    ==================  ===================  ============================================
    run_id              string               the scenario run's id
    run_name            string               its name
    scenario_id         string               the scenario's id
    scenario_name       string               the scenario's name
    benchmark_run_id    string               the benchmark run it belongs to
    benchmark_run_name  string               that run's name
    benchmark_id        string               that run's benchmark
    agent               string               runloop_nb.agent of the run (or of its
                                             benchmark run); <NA> when neither says
    attempt             Int64                runloop_nb.attempt of the run (or of its
                                             benchmark run); else numbered by start time
                                             per benchmark run, agent and scenario
    state               string               the run's state on the server
    score               float64              the total score (NaN: not scored)
    outcome             category             see runloop_nb.analysis.OUTCOMES
    started_at          datetime64[ms, UTC]  when the run started
    duration_s          float64              seconds from start to end (NaN: running)
    cluster             string               the scenario's cluster
    reason              string               why it failed, when the server said
    ==================  ===================  ============================================
    """
    return runs_frame(await load_runs(client, benchmark_run_ids, benchmark_id=benchmark_id))


async def scores_df(
    client: RunloopClient, benchmark_run_ids: RunIds = None, *, benchmark_id: str | None = None
) -> pd.DataFrame:
    """One row per scoring-function result of every scored run (runs as in `runs_df`).

    ================  =======  ===================================================
    column            dtype    meaning
    ================  =======  ===================================================
    run_id            string   the scenario run's id
    scenario_id       string   the scenario's id
    scenario_name     string   the scenario's name
    benchmark_run_id  string   the benchmark run
    agent             string   as in runs_df
    attempt           Int64    as in runs_df
    scoring_function  string   the scoring function's name
    weight            float64  its weight in the scenario's contract (NaN: unknown)
    score             float64  its score
    state             string   complete, error or unknown
    output_excerpt    string   the last 300 characters of its output
    ================  =======  ===================================================
    """
    return scores_frame(await load_runs(client, benchmark_run_ids, benchmark_id=benchmark_id))


async def outcomes_df(
    client: RunloopClient, benchmark_run_ids: RunIds = None, *, benchmark_id: str | None = None
) -> pd.DataFrame:
    """Every scenario of each benchmark run's benchmark, once per agent and attempt, with its
    outcome: the honest denominator (see `runloop_nb.analysis.summarize`).

    ================  ========  ==================================================
    column            dtype     meaning
    ================  ========  ==================================================
    benchmark_run_id  string    the benchmark run
    benchmark_id      string    its benchmark
    agent             string    as in runs_df
    attempt           Int64     as in runs_df
    scenario_id       string    a scenario of the benchmark
    scenario_name     string    its name
    cluster           string    its cluster
    run_id            string    the run that counts (the last started); <NA> when
                                not started
    outcome           category  one of OUTCOMES, not_started included
    score             float64   the score when passed/partial/failed, else NaN
    passed            boolean   outcome == passed
    duration_s        float64   the run's duration
    ================  ========  ==================================================
    """
    data = await load_runs(client, benchmark_run_ids, benchmark_id=benchmark_id)
    return outcomes_frame(data, runs_frame(data))


def benchmarks_df_sync(client: RunloopClient, *, public: bool | None = None) -> pd.DataFrame:
    """`benchmarks_df`, blocking (for scripts and plain cells)."""
    return run_sync(lambda: _cloned(client, lambda c: benchmarks_df(c, public=public)))


def scenarios_df_sync(client: RunloopClient, benchmark_id: str) -> pd.DataFrame:
    """`scenarios_df`, blocking."""
    return run_sync(lambda: _cloned(client, lambda c: scenarios_df(c, benchmark_id)))


def runs_df_sync(
    client: RunloopClient, benchmark_run_ids: RunIds = None, *, benchmark_id: str | None = None
) -> pd.DataFrame:
    """`runs_df`, blocking."""
    return run_sync(
        lambda: _cloned(client, lambda c: runs_df(c, benchmark_run_ids, benchmark_id=benchmark_id))
    )


def scores_df_sync(
    client: RunloopClient, benchmark_run_ids: RunIds = None, *, benchmark_id: str | None = None
) -> pd.DataFrame:
    """`scores_df`, blocking."""
    return run_sync(
        lambda: _cloned(
            client, lambda c: scores_df(c, benchmark_run_ids, benchmark_id=benchmark_id)
        )
    )


def outcomes_df_sync(
    client: RunloopClient, benchmark_run_ids: RunIds = None, *, benchmark_id: str | None = None
) -> pd.DataFrame:
    """`outcomes_df`, blocking."""
    return run_sync(
        lambda: _cloned(
            client, lambda c: outcomes_df(c, benchmark_run_ids, benchmark_id=benchmark_id)
        )
    )


async def _cloned(client: RunloopClient, call: Callable[[RunloopClient], Awaitable[T]]) -> T:
    async with client.clone() as own:  # connections of the private loop, closed on it
        return await call(own)
