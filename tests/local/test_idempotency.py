"""IdempotencyCache: remembered answers, the 10-minute window, pruning; and a bundled-style
catalog benchmark loaded through the loader and run from its snapshot."""

from __future__ import annotations

import io
import tarfile
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from support.local_api import ok, wait_running, wait_state

from runloop_nb.local._catalog_loader import _load_one
from runloop_nb.local._idempotency import KIND, IdempotencyCache
from runloop_nb.local._state import ServerState


def test_answers_expire_after_the_window_and_are_pruned(state: ServerState) -> None:
    cache = IdempotencyCache(state.store, window_seconds=0.05)
    key = cache.key("/v1/benchmarks", "rid")
    cache.save(key, 200, "application/json", b'{"id": "bmd_1"}')
    assert cache.lookup(key) is not None
    time.sleep(0.1)
    assert cache.lookup(key) is None
    cache.prune()
    assert state.store.count(KIND) == 0


def test_same_request_id_on_another_path_is_another_key() -> None:
    assert IdempotencyCache.key("/a", "rid") != IdempotencyCache.key("/b", "rid")


def _home_archive() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        data = b"def add(a, b):\n    return a - b\n"
        info = tarfile.TarInfo("task/solution.py")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


@dataclass
class Scenario:
    name: str
    problem_statement: str = "Fix add()."
    working_directory: str = "/home/user/task"
    scoring_contract: dict[str, Any] = field(
        default_factory=lambda: {
            "scoring_function_parameters": [
                {
                    "name": "tests",
                    "weight": 1.0,
                    "scorer": {"type": "command_scorer", "command": "grep -q 'a + b' solution.py"},
                }
            ]
        }
    )
    reference_output: str = "sed -i 's/a - b/a + b/' solution.py"
    metadata: dict[str, str] = field(default_factory=dict)
    scorer_timeout_sec: int = 60

    def home_archive(self) -> bytes:
        return _home_archive()


@dataclass
class Benchmark:
    name: str
    scenarios: list[Scenario]
    description: str = "tiny"
    attribution: str = "tests"
    metadata: dict[str, str] = field(default_factory=dict)


async def test_loaded_catalog_benchmark_is_public_and_runs_from_its_snapshot(
    client: httpx.AsyncClient, state: ServerState
) -> None:
    _load_one(state, Benchmark("tiny-bench", [Scenario("add")]), later=False)
    public = await ok(await client.get("/v1/benchmarks/list_public"))
    [bench] = public["benchmarks"]
    assert bench["is_public"] is True
    [scenario] = (await ok(await client.get("/v1/scenarios/list_public")))["scenarios"]
    assert scenario["environment"]["snapshot_id"].startswith("snp_")
    forbidden = await client.post(f"/v1/scenarios/{scenario['id']}/archive")
    assert forbidden.status_code == 403
    run = await ok(
        await client.post("/v1/scenarios/start_run", json={"scenario_id": scenario["id"]})
    )
    await wait_running(client, run["devbox_id"])
    await ok(
        await client.post(
            f"/v1/devboxes/{run['devbox_id']}/execute",
            json={"command": f"cd task && {scenario['reference_output']}"},
        )
    )
    await ok(await client.post(f"/v1/scenarios/runs/{run['id']}/score"))

    scored = await wait_state(client, run["id"])
    assert scored["scoring_contract_result"]["score"] == 1.0, scored
    await ok(await client.post(f"/v1/scenarios/runs/{run['id']}/complete"))
