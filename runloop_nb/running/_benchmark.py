"""run_benchmark(): one agent on many scenarios, bounded concurrency, attempts, tqdm progress.

Built on `run_scenario`, so every scenario run started is completed or cancelled, also when
the whole call is cancelled (Kernel -> Interrupt, a widget's Cancel): the running scenario runs
are cancelled as their tasks unwind, then the benchmark run is.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from runloop_nb._shield import shielded
from runloop_nb.errors import ReferenceOutputError
from runloop_nb.running._scenario import ScenarioOutcome, run_scenario
from runloop_nb.wire import BenchmarkView, ScenarioView

if TYPE_CHECKING:
    from runloop_nb.client import PollingConfig, RunloopClient
    from runloop_nb.stepping import Agent
    from runloop_nb.wire import BenchmarkRunView, ScenarioRunView

#: Metadata keys of every scenario run started here (the analysis frames read them).
AGENT_KEY = "runloop_nb.agent"
ATTEMPT_KEY = "runloop_nb.attempt"

_CANCEL_SECONDS = 15.0
# Scenarios are read in one request: the largest page the server takes.
_WALK_LIMIT = 5000


@dataclass(frozen=True)
class NotStarted:
    """A scenario attempt whose run could not be started (no run exists for it)."""

    scenario: ScenarioView
    attempt: int
    error: BaseException


@dataclass(frozen=True)
class RunEvent:
    """What `on_event` is told: a run started (`run`), or an attempt ended (`outcome` or
    `not_started`)."""

    scenario: ScenarioView
    attempt: int
    run: ScenarioRunView | None = None
    outcome: ScenarioOutcome | None = None
    not_started: NotStarted | None = None


@dataclass
class BenchmarkOutcome:
    """How a `run_benchmark` call ended: every attempt is an outcome or a not-started entry.

    Attributes:
        benchmark: the benchmark that was run.
        agent_name: the agent's name, as recorded in each run's metadata.
        benchmark_run: the benchmark run's last view (None for single scenario runs).
        outcomes: one per started attempt, in scenario order, then attempt.
        not_started: the attempts whose run could not be started, with why.
    """

    benchmark: BenchmarkView
    agent_name: str
    benchmark_run: BenchmarkRunView | None = None
    outcomes: list[ScenarioOutcome] = field(default_factory=list)
    not_started: list[NotStarted] = field(default_factory=list)

    @property
    def states(self) -> dict[str, int]:
        """How many attempts ended in each run state ('not started' for the others)."""
        counts: Counter[str] = Counter(str(o.run.state) for o in self.outcomes)
        if self.not_started:
            counts["not started"] = len(self.not_started)
        return dict(counts)

    @property
    def mean_score(self) -> float | None:
        """The mean score over every attempt, an unscored or unstarted one counting 0."""
        total = len(self.outcomes) + len(self.not_started)
        if not total:
            return None
        return sum(o.score or 0.0 for o in self.outcomes) / total

    def __repr__(self) -> str:
        run = f", benchmark_run={self.benchmark_run.id!r}" if self.benchmark_run else ""
        states = ", ".join(f"{k} {v}" for k, v in sorted(self.states.items()))
        return (
            f"BenchmarkOutcome({self.benchmark.name!r}, agent={self.agent_name!r}{run}, "
            f"{states or 'nothing run'}, mean_score={self.mean_score})"
        )


def agent_name(agent: Agent | None) -> str:
    """The name recorded for `agent`: its `name` attribute, else its class name."""
    if agent is None:
        return "none"
    name = getattr(agent, "name", None)
    return name if isinstance(name, str) and name else type(agent).__name__


async def run_benchmark(
    client: RunloopClient,
    benchmark: str | BenchmarkView,
    agent: Agent | None = None,
    *,
    scenarios: Sequence[str | ScenarioView] | None = None,
    concurrency: int = 4,
    attempts: int = 1,
    run_name: str | None = None,
    as_benchmark_run: bool = True,
    metadata: Mapping[str, str] | None = None,
    progress: bool = True,
    on_event: Callable[[RunEvent], None] | None = None,
    polling: PollingConfig | None = None,
) -> BenchmarkOutcome:
    """Run `agent` on the scenarios of `benchmark`, `attempts` times each, `concurrency` at once.

    ```python
    done = await run_benchmark(client, "bmd_...", ReferenceAgent(), concurrency=4)
    done.states, done.mean_score        # {'completed': 3}, 1.0
    ```

    Each scenario run's metadata carries `runloop_nb.agent` (the agent's name) and
    `runloop_nb.attempt` ("1", "2", ...). Failures of one attempt (devbox, agent, scorer) are
    recorded on its outcome and the others go on.

    Args:
        client: the client to run with.
        benchmark: the benchmark's id or view.
        agent: see `run_scenario`; None leaves the devboxes untouched.
        scenarios: only these (ids or views) of the benchmark; default all of them.
        concurrency: at most this many scenario runs at once.
        attempts: runs per scenario.
        run_name: the name of the benchmark run and of every scenario run.
        as_benchmark_run: start a benchmark run holding the scenario runs (completed at the
            end); False starts single scenario runs.
        metadata: more metadata of the benchmark run and of each scenario run.
        progress: show a `tqdm.auto` bar (a widget in a notebook); False is quiet.
        on_event: called when a run starts and when an attempt ends.
        polling: see `run_scenario`.

    Raises:
        ValueError: concurrency or attempts below 1.
        ReferenceOutputError: the agent is the reference agent and a scenario has no reference
            solution (said before anything starts).
        APIError: the benchmark, its scenarios or the benchmark run could not be read/started.
    """
    if concurrency < 1 or attempts < 1:
        raise ValueError(
            f"concurrency and attempts must be at least 1 (got {concurrency}, {attempts})"
        )
    bench = (
        benchmark
        if isinstance(benchmark, BenchmarkView)
        else await client.api.benchmarks.retrieve(benchmark)
    )
    chosen = await _scenarios_of(client, bench, scenarios)
    check_reference(agent, chosen)
    name = agent_name(agent)
    extra = dict(metadata or {})
    done = BenchmarkOutcome(bench, name)
    if as_benchmark_run:
        done.benchmark_run = await client.api.benchmarks.start_run(
            benchmark_id=bench.id, run_name=run_name, metadata={AGENT_KEY: name, **extra}
        )
    jobs = [(s, k) for s in chosen for k in range(1, attempts + 1)]
    bar = _progress(len(jobs), run_name or bench.name, enabled=progress)
    gate = asyncio.Semaphore(concurrency)
    bench_run_id = done.benchmark_run.id if done.benchmark_run else None

    def emit(event: RunEvent) -> None:
        if event.outcome is not None or event.not_started is not None:
            bar.update(1)
            bar.set_postfix_str(", ".join(f"{k} {v}" for k, v in sorted(done.states.items())))
        if on_event is not None:
            on_event(event)

    async def attempt(scenario: ScenarioView, number: int) -> None:
        async with gate:
            try:
                outcome = await run_scenario(
                    client,
                    scenario,
                    agent,
                    benchmark_run_id=bench_run_id,
                    run_name=run_name,
                    metadata={AGENT_KEY: name, ATTEMPT_KEY: str(number), **extra},
                    polling=polling,
                    on_start=lambda run: emit(RunEvent(scenario, number, run=run)),
                )
            except Exception as exc:  # the run could not be started: recorded, the rest go on
                missed = NotStarted(scenario, number, exc)
                done.not_started.append(missed)
                emit(RunEvent(scenario, number, not_started=missed))
                return
            done.outcomes.append(outcome)
            emit(RunEvent(scenario, number, outcome=outcome))

    try:
        async with asyncio.TaskGroup() as group:
            for scenario, number in jobs:
                group.create_task(attempt(scenario, number))
        if done.benchmark_run is not None:
            done.benchmark_run = await client.api.benchmark_runs.complete(done.benchmark_run.id)
    except BaseException:
        if done.benchmark_run is not None and bench_run_id is not None:
            await shielded(
                client.api.benchmark_runs.cancel(bench_run_id),
                what=f"cancelling benchmark run {bench_run_id}",
                timeout=_CANCEL_SECONDS,
            )
        raise
    finally:
        bar.close()
    order = {s.id: i for i, s in enumerate(chosen)}
    done.outcomes.sort(key=lambda o: (order.get(o.scenario.id, 0), _attempt_of(o)))
    return done


def check_reference(agent: Agent | None, scenarios: Sequence[ScenarioView]) -> None:
    """Refuse, before anything starts, to run the reference agent on scenarios without one."""
    from runloop_nb.stepping import ReferenceAgent

    if not isinstance(agent, ReferenceAgent):
        return
    missing = [s for s in scenarios if not (s.reference_output and s.reference_output.strip())]
    if missing:
        names = ", ".join(repr(s.name) for s in missing[:5])
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        raise ReferenceOutputError(
            f"{len(missing)} scenario(s) have no reference solution, so the reference agent "
            f"cannot run them: {names}{more}. Deselect them or pick another agent; nothing was "
            "started.",
            scenario_id=missing[0].id,
            exit_code=None,
        )


async def _scenarios_of(
    client: RunloopClient, bench: BenchmarkView, wanted: Sequence[str | ScenarioView] | None
) -> list[ScenarioView]:
    if wanted is not None and all(isinstance(s, ScenarioView) for s in wanted):
        return [s for s in wanted if isinstance(s, ScenarioView)]
    listed = {
        s.id: s
        async for s in client.api.scenarios.list(
            benchmark_id=bench.id, limit=_WALK_LIMIT, include_total_count=False
        )
    }
    if wanted is None:
        return [listed[i] for i in bench.scenario_ids if i in listed]
    ids = [s if isinstance(s, str) else s.id for s in wanted]
    unknown = [i for i in ids if i not in listed]
    if unknown:
        raise ValueError(
            f"scenario(s) {', '.join(unknown[:5])} are not (active) scenarios of benchmark "
            f"{bench.name!r}; pick from its scenario_ids."
        )
    return [listed[i] for i in ids]


def _attempt_of(outcome: ScenarioOutcome) -> int:
    return int(outcome.run.metadata.get(ATTEMPT_KEY, "0") or 0)


def _progress(total: int, desc: str, *, enabled: bool) -> Any:
    # tqdm.auto: a widget bar in a notebook, a text bar in a terminal (tqdm is untyped).
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit="run", disable=not enabled)
