"""`explore()` and `step()`: the Explorer and the StepConsole on `connect()`'s client;
composition, like `connect()` itself.

Widgets never build servers (an import contract); this module may, through `connect()`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from runloop_nb.client import RunloopClient
    from runloop_nb.stepping import Agent, StepAgent, Stepper
    from runloop_nb.stepping._stepper import Mode
    from runloop_nb.widgets import Explorer, StepConsole


def explore(
    client: RunloopClient | None = None,
    *,
    agents: Mapping[str, Agent] | None = None,
    page_size: int = 20,
) -> Explorer:
    """Open the Explorer (benchmarks, scenarios, runs, scores in tabs); make it a cell's last
    line to display it.

    Args:
        client: the client to use; default `runloop_nb.connect()` (the embedded local server
            unless RUNLOOP_API_KEY is set).
        agents: more agents for the launcher, by label (anything with
            `async run(devbox, scenario)`); `reference` and `none` are always offered.
        page_size: rows per page of the benchmark and scenario lists.
    """
    from runloop_nb.widgets import Explorer

    if client is None:
        from runloop_nb._connect import connect

        client = connect()
    return Explorer(client, agents=agents, page_size=page_size)


def step(
    run_or_scenario_id: str,
    agent: StepAgent | None = None,
    *,
    client: RunloopClient | None = None,
    mode: Mode = "manual",
) -> StepConsole:
    """Open a StepConsole: step a scenario run by hand or with `agent`; make it a cell's last
    line to display it.

    `run_or_scenario_id`: a scenario run id (`scr_...`, a `running` run) binds the console to
    that run; a scenario id or name starts a new run of it. The run opens in the background
    (the console says so and its controls wait); `await console.wait_idle()` waits for it.

    Args:
        agent: the step agent whose proposals you approve, edit, skip or reject (None: you
            type every step).
        client: the client to use; default `runloop_nb.connect()`.
        mode: the Stepper's mode ('manual', 'confirm' or 'auto').
    """
    from runloop_nb.stepping import Stepper
    from runloop_nb.widgets import StepConsole

    if mode not in ("manual", "confirm", "auto"):
        raise ValueError(f"mode is 'manual', 'confirm' or 'auto' (got {mode!r})")
    if client is None:
        from runloop_nb._connect import connect

        client = connect()
    made = client

    async def open_run() -> Stepper:
        if run_or_scenario_id.startswith("scr_"):
            return await Stepper.attach(made, run_or_scenario_id, agent, mode=mode)
        scenario_id = await _scenario_id(made, run_or_scenario_id)
        return await Stepper.start(made, scenario_id, agent, mode=mode)

    return StepConsole(open_run)


async def _scenario_id(client: RunloopClient, id_or_name: str) -> str:
    from runloop_nb.errors import NotFoundError, StepperError

    try:
        return (await client.api.scenarios.retrieve(id_or_name)).id
    except NotFoundError:
        pass
    for listing in (client.api.scenarios.list, client.api.scenarios.list_public):
        async for view in listing(name=id_or_name):
            if view.name == id_or_name:
                return view.id
    raise StepperError(
        f"No scenario has the id or name {id_or_name!r}: pass a scenario run id (scr_...), "
        "a scenario id, or a scenario's exact name (runloop_nb.explore() lists them)."
    )
