"""The official SDK (runloop-api-client 1.32.0), unchanged, against a real local server.

The same suite runs over our own client (``runloop_nb.client.RunloopClient``), whose surface
mirrors the SDK's (``.api`` for REST calls, ``.devbox.from_id`` for handles). The server is a
real detached process started by ``ensure_server``; scenarios use ``command_scorer``s.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import runloop_api_client
from runloop_api_client import AsyncRunloopSDK

import runloop_nb
from runloop_nb.client import RunloopClient
from runloop_nb.local import ServerInfo, ensure_server, stop_server

pytestmark = pytest.mark.slow
SCORER = {"type": "command_scorer", "command": "grep -q solved answer.txt"}


@dataclass
class Local:
    info: ServerInfo
    benchmark_id: str
    scenario_ids: list[str]
    benchmark_ids: list[str]


def _post(http: httpx.Client, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = http.post(path, json=body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


@pytest.fixture(scope="module")
def local() -> Iterator[Local]:
    home = Path(tempfile.mkdtemp(prefix="rnb-contract-"))
    home.chmod(0o711)  # the unprivileged devbox user must traverse it
    info = ensure_server(home, timeout=60)
    headers = {"Authorization": f"Bearer {info.token}"}
    with httpx.Client(base_url=info.url, headers=headers, timeout=60, trust_env=False) as http:
        scenario_ids = [
            _post(
                http,
                "/v1/scenarios",
                {
                    "name": f"contract-{i}",
                    "input_context": {"problem_statement": "Write 'solved' to answer.txt."},
                    "scoring_contract": {
                        "scoring_function_parameters": [
                            {"name": "solved", "weight": 1.0, "scorer": SCORER}
                        ]
                    },
                },
            )["id"]
            for i in range(2)
        ]
        benchmark = _post(
            http, "/v1/benchmarks", {"name": "contract", "scenario_ids": scenario_ids}
        )
        extra = [_post(http, "/v1/benchmarks", {"name": f"extra-{i}"})["id"] for i in range(2)]
    yield Local(info, benchmark["id"], scenario_ids, [benchmark["id"], *extra])
    stop_server(home)
    shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(params=["official-sdk", "runloop_nb"])
async def sdk(request: pytest.FixtureRequest, local: Local) -> AsyncIterator[Any]:
    if request.param == "official-sdk":
        client: Any = AsyncRunloopSDK(bearer_token=local.info.token, base_url=local.info.url)
    else:
        client = RunloopClient(api_key=local.info.token, base_url=local.info.url)
    yield client
    await client.aclose()


def _errors(sdk: Any) -> Any:
    return runloop_api_client if isinstance(sdk, AsyncRunloopSDK) else runloop_nb


async def test_auto_paging_at_limit_one_sees_every_benchmark(sdk: Any, local: Local) -> None:
    paged = [b.id async for b in sdk.api.benchmarks.list(limit=1)]
    assert set(local.benchmark_ids) <= set(paged)
    assert len(paged) == len(set(paged))
    public_one = [b.id async for b in sdk.api.benchmarks.list_public(limit=1)]
    public_all = [b.id async for b in sdk.api.benchmarks.list_public(limit=100)]
    assert public_one == public_all


async def test_benchmark_definitions_are_its_scenarios(sdk: Any, local: Local) -> None:
    benchmark = await sdk.api.benchmarks.retrieve(local.benchmark_id)
    assert benchmark.scenario_ids == local.scenario_ids
    definitions = await sdk.api.benchmarks.definitions(local.benchmark_id)
    assert [s.id for s in definitions.scenarios] == local.scenario_ids
    assert definitions.scenarios[0].input_context.problem_statement.startswith("Write")


async def test_interactive_scenario_run_end_to_end(sdk: Any, local: Local) -> None:
    run = await sdk.api.scenarios.start_run(scenario_id=local.scenario_ids[0])
    assert run.state == "running"
    devbox = sdk.devbox.from_id(run.devbox_id)
    await devbox.await_running()
    result = await devbox.cmd.exec("echo hello from the devbox")
    assert result.exit_code == 0
    assert "hello from the devbox" in await result.stdout()
    await devbox.file.write(file_path="answer.txt", contents="solved\n")
    assert await devbox.file.read(file_path="answer.txt") == "solved\n"
    scored = await sdk.api.scenarios.runs.score_and_await(run.id)
    assert scored.state == "scored"
    assert scored.scoring_contract_result.score == 1.0
    assert scored.scoring_contract_result.scoring_function_results[0].scoring_function_name == (
        "solved"
    )
    completed = await sdk.api.scenarios.runs.complete(run.id)
    assert completed.state == "completed"


async def test_benchmark_run_with_every_pending_scenario(sdk: Any, local: Local) -> None:
    bench_run = await sdk.api.benchmarks.start_run(benchmark_id=local.benchmark_id)
    pending = list(bench_run.pending_scenarios)
    assert sorted(pending) == sorted(local.scenario_ids)
    for index, scenario_id in enumerate(pending):
        run = await sdk.api.scenarios.start_run(
            scenario_id=scenario_id, benchmark_run_id=bench_run.id
        )
        devbox = sdk.devbox.from_id(run.devbox_id)
        await devbox.await_running()
        if index == 0:  # solve only the first: the benchmark score is the mean
            await devbox.file.write(file_path="answer.txt", contents="solved\n")
        scored = await sdk.api.scenarios.runs.score_and_await(run.id)
        assert scored.scoring_contract_result.score == (1.0 if index == 0 else 0.0)
        await sdk.api.scenarios.runs.complete(run.id)
    done = await sdk.api.benchmark_runs.complete(bench_run.id)
    assert done.state == "completed"
    final = await sdk.api.benchmark_runs.retrieve(bench_run.id)
    assert final.score == pytest.approx(0.5)


async def test_unknown_id_is_not_found(sdk: Any) -> None:
    with pytest.raises(_errors(sdk).NotFoundError):
        await sdk.api.scenarios.retrieve("scn_does_not_exist")


async def test_without_the_token_it_is_an_authentication_error(sdk: Any, local: Local) -> None:
    if isinstance(sdk, AsyncRunloopSDK):
        other: Any = AsyncRunloopSDK(bearer_token="wrong", base_url=local.info.url)
    else:
        other = RunloopClient(api_key="wrong", base_url=local.info.url)
    with pytest.raises(_errors(sdk).AuthenticationError):
        await other.api.benchmarks.retrieve(local.benchmark_id)
    await other.aclose()
