"""The app shell: bearer auth, JSON error bodies, idempotent POSTs, lifespan."""

from __future__ import annotations

import inspect
from pathlib import Path

import httpx
from support.local_api import TOKEN, ok, scenario_body

from runloop_nb.local._app import create_app
from runloop_nb.local._state import ServerState


async def test_missing_or_wrong_token_is_401_saying_where_the_token_is(
    client: httpx.AsyncClient,
) -> None:
    for headers in ({"Authorization": ""}, {"Authorization": "Bearer wrong"}):
        answer = await client.get("/v1/benchmarks", headers=headers)
        assert answer.status_code == 401
        assert answer.json()["error"] == "unauthorized"
        assert "server.json" in answer.json()["message"]


async def test_repeated_post_with_same_request_id_replays_and_creates_nothing(
    client: httpx.AsyncClient,
) -> None:
    headers = {"x-request-id": "stainless-python-retry-1"}
    first = await client.post("/v1/scenarios", json=scenario_body("once"), headers=headers)
    second = await client.post("/v1/scenarios", json=scenario_body("once"), headers=headers)
    assert first.status_code == second.status_code == 200
    assert second.json() == first.json()
    assert second.headers["x-idempotent-replay"] == "true"
    listed = await ok(await client.get("/v1/scenarios"))
    assert listed["total_count"] == 1
    other = await client.post(
        "/v1/scenarios", json=scenario_body("twice"), headers={"x-request-id": "another"}
    )
    assert other.json()["id"] != first.json()["id"]


async def test_failed_post_is_not_remembered(client: httpx.AsyncClient) -> None:
    headers = {"x-request-id": "retry-after-fix"}
    bad = await client.post("/v1/benchmarks", json={"name": ""}, headers=headers)
    assert bad.status_code == 400
    good = await client.post("/v1/benchmarks", json={"name": "fixed"}, headers=headers)
    assert good.status_code == 200
    assert good.json()["name"] == "fixed"


async def test_replay_survives_a_restart(data_dir: Path) -> None:
    headers = {"x-request-id": "persisted", "Authorization": f"Bearer {TOKEN}"}
    answers = []
    for _ in range(2):
        state = ServerState.open(data_dir, token=TOKEN, load_catalog=False)
        await state.start()
        transport = httpx.ASGITransport(app=create_app(state))
        async with httpx.AsyncClient(transport=transport, base_url="http://l") as http:
            answers.append(await http.post("/v1/benchmarks", json={"name": "b"}, headers=headers))
        await state.close()
    assert answers[0].json() == answers[1].json()


async def test_validation_error_names_the_field(client: httpx.AsyncClient) -> None:
    answer = await client.post("/v1/benchmarks", json={"name": 5})
    assert answer.status_code == 400
    assert "name" in answer.json()["message"]
    malformed = await client.post(
        "/v1/benchmarks", content=b"{oops", headers={"content-type": "application/json"}
    )
    assert malformed.status_code == 400
    assert "JSON" in malformed.json()["message"]


async def test_first_start_loads_the_bundled_catalog_once(data_dir: Path) -> None:
    counts = []
    for _ in range(2):
        state = ServerState.open(data_dir, token=TOKEN)
        await state.start()
        transport = httpx.ASGITransport(app=create_app(state))
        headers = {"Authorization": f"Bearer {TOKEN}"}
        async with httpx.AsyncClient(
            transport=transport, base_url="http://l", headers=headers
        ) as h:
            public = await ok(await h.get("/v1/benchmarks/list_public?limit=100"))
            by_name = {b["name"]: b for b in public["benchmarks"]}
            assert len(by_name["humaneval"]["scenarioIds"]) == 164
            scenarios = await ok(await h.get("/v1/scenarios/list_public?limit=1"))
            counts.append((public["total_count"], scenarios["total_count"]))
            assert (await ok(await h.get("/v1/benchmarks")))["benchmarks"] == []
        await state.close()
    assert counts[0] == counts[1], "a second start must not load the catalog again"


async def test_no_route_hops_through_the_thread_pool_per_request(state: ServerState) -> None:
    # FastAPI runs a plain `def` endpoint or dependency in its thread pool: a worker-thread and
    # event-loop round trip per request, which under load made each GET wait 0.2-1 s (issue 13).
    from fastapi.dependencies.models import Dependant
    from fastapi.routing import APIRoute

    from runloop_nb.local._state import get_state
    from runloop_nb.local.routes import all_routers

    def calls(dependant: Dependant) -> list[object]:
        found = [dependant.call]
        for nested in dependant.dependencies:
            found += calls(nested)
        return found

    app = create_app(state)
    seen: list[object] = [d.dependency for d in app.router.dependencies]
    for router in all_routers():
        for route in router.routes:
            if isinstance(route, APIRoute):
                seen += calls(route.dependant)
    blocking = sorted({getattr(c, "__qualname__", repr(c)) for c in seen
                       if not inspect.iscoroutinefunction(c)})  # fmt: skip
    assert get_state in seen
    assert len(seen) > 100
    assert blocking == [], f"sync endpoints/dependencies (run in the thread pool): {blocking}"
