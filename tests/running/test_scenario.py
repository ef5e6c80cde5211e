"""run_scenario against the real local server: scored runs, failed agents, interrupted tasks."""

from __future__ import annotations

import asyncio

import pytest

from runloop_nb.audit import benchmark_scenarios, resolve_benchmark
from runloop_nb.client import Devbox, RunloopClient
from runloop_nb.errors import NotFoundError
from runloop_nb.running import ScenarioOutcome, run_scenario
from runloop_nb.stepping import ReferenceAgent
from runloop_nb.wire import ScenarioView


async def smoke_scenario(client: RunloopClient) -> ScenarioView:
    benchmark = await resolve_benchmark(client, "smoke")
    return (await benchmark_scenarios(client, benchmark.id))[0]


class FailingAgent:
    async def run(self, devbox: Devbox, scenario: ScenarioView) -> None:
        raise RuntimeError("the model said no")


class StuckAgent:
    """Works until cancelled; tells the test when it has the devbox."""

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.devbox_id: str | None = None

    async def run(self, devbox: Devbox, scenario: ScenarioView) -> None:
        self.devbox_id = devbox.id
        self.started.set()
        await asyncio.Event().wait()


async def test_the_reference_agent_scores_one_and_the_run_is_completed(
    client: RunloopClient,
) -> None:
    scenario = await smoke_scenario(client)
    outcome = await run_scenario(client, scenario.id, ReferenceAgent(), run_name="gold")
    assert isinstance(outcome, ScenarioOutcome)
    assert (outcome.score, outcome.run.state, outcome.ok) == (1.0, "completed", True)
    assert outcome.scenario.id == scenario.id
    assert outcome.scoring is not None
    assert outcome.scoring.score == 1.0
    assert outcome.run.name == "gold"
    assert "score=1.0" in repr(outcome)


async def test_no_agent_leaves_the_devbox_untouched(client: RunloopClient) -> None:
    outcome = await run_scenario(client, await smoke_scenario(client))
    assert (outcome.score, outcome.run.state, outcome.agent_error) == (0.0, "completed", None)


async def test_a_failing_agent_is_reported_and_its_run_cancelled(client: RunloopClient) -> None:
    outcome = await run_scenario(client, await smoke_scenario(client), FailingAgent())
    assert isinstance(outcome.agent_error, RuntimeError)
    assert (outcome.score, outcome.run.state, outcome.ok) == (None, "canceled", False)
    assert "RuntimeError: the model said no" in repr(outcome)
    devbox = await client.api.devboxes.retrieve(outcome.run.devbox_id)
    assert devbox.status == "shutdown"


async def test_a_cancelled_task_cancels_its_run_and_reraises(client: RunloopClient) -> None:
    scenario = await smoke_scenario(client)
    agent = StuckAgent()
    task = asyncio.get_running_loop().create_task(
        run_scenario(client, scenario, agent, run_name="interrupted")
    )
    await agent.started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    runs = [r async for r in client.api.scenarios.runs.list(scenario_id=scenario.id)]
    (run,) = [r for r in runs if r.devbox_id == agent.devbox_id]
    assert run.state == "canceled"


async def test_a_timeout_cancels_the_run(client: RunloopClient) -> None:
    scenario = await smoke_scenario(client)
    agent = StuckAgent()

    async def expire_once_the_agent_works(scope: asyncio.Timeout) -> None:
        await agent.started.wait()
        scope.reschedule(asyncio.get_running_loop().time())

    async def run_with_a_timeout() -> None:
        async with asyncio.timeout(120) as scope:
            expiry = asyncio.get_running_loop().create_task(expire_once_the_agent_works(scope))
            await run_scenario(client, scenario, agent)
            await expiry

    with pytest.raises(TimeoutError):
        await run_with_a_timeout()
    runs = [r async for r in client.api.scenarios.runs.list(scenario_id=scenario.id)]
    (run,) = [r for r in runs if r.devbox_id == agent.devbox_id]
    assert run.state == "canceled"


async def test_an_unknown_scenario_raises_before_any_run_exists(client: RunloopClient) -> None:
    with pytest.raises(NotFoundError):
        await run_scenario(client, "scn_does_not_exist")
