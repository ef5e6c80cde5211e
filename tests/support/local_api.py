"""Bodies and small helpers shared by the core tests (benchmarks, scenarios, runs)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

TOKEN = "core-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def scenario_body(
    name: str = "fix the bug", *, command: str = "test -f done", **extra: Any
) -> dict[str, Any]:
    """A scenario scored by one command scorer (1.0 when ``command`` exits 0)."""
    return {
        "name": name,
        "input_context": {"problem_statement": f"{name}: create the file done"},
        "scoring_contract": {
            "scoring_function_parameters": [
                {
                    "name": "check",
                    "weight": 1.0,
                    "scorer": {"type": "command_scorer", "command": command},
                }
            ]
        },
        **extra,
    }


async def ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def create_scenario(
    client: httpx.AsyncClient, name: str = "s", **extra: Any
) -> dict[str, Any]:
    return await ok(await client.post("/v1/scenarios", json=scenario_body(name, **extra)))


async def create_benchmark(
    client: httpx.AsyncClient, name: str, scenario_ids: list[str]
) -> dict[str, Any]:
    body = {"name": name, "scenario_ids": scenario_ids}
    return await ok(await client.post("/v1/benchmarks", json=body))


async def wait_running(client: httpx.AsyncClient, devbox_id: str) -> None:
    answer = await client.post(
        f"/v1/devboxes/{devbox_id}/wait_for_status",
        json={"statuses": ["running", "failure"], "timeout_seconds": 20},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "running", answer.json()


async def wait_state(
    client: httpx.AsyncClient, run_id: str, *, leave: str = "scoring", timeout: float = 30
) -> dict[str, Any]:
    """Poll a scenario run until it leaves ``leave`` (like the SDK's await_scored)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        run = await ok(await client.get(f"/v1/scenarios/runs/{run_id}"))
        if run["state"] != leave or asyncio.get_running_loop().time() > deadline:
            return run
        await asyncio.sleep(0.05)


async def run_command(client: httpx.AsyncClient, devbox_id: str, command: str) -> None:
    answer = await client.post(
        f"/v1/devboxes/{devbox_id}/execute", json={"command": command, "optimistic_timeout": 20}
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "completed", answer.json()
