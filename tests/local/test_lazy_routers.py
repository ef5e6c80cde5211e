"""Routers built lazily: the first requests' routers at once, the rest on the first request
(authorised) for another path, or for the schema; the answers are the full app's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from support.local_api import TOKEN

from runloop_nb.local._app import create_app
from runloop_nb.local._state import ServerState
from runloop_nb.local.routes import FIRST, all_routers, other_modules, routers

AUTH = {"Authorization": f"Bearer {TOKEN}"}


async def test_later_routers_are_added_by_the_first_authorised_request_outside_the_first(
    data_dir: Path,
) -> None:
    state = ServerState.open(data_dir, token=TOKEN, load_catalog=False)
    await state.start()
    app = create_app(state)
    later = app.state.later_routers
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://l") as http:
            listed = await http.get("/v1/benchmarks/list_public", headers=AUTH)
            assert listed.status_code == 200
            assert (
                await http.get("/v1/benchmarks/nope/definitions", headers=AUTH)
            ).status_code == 404
            assert not later.included
            assert (await http.get("/v1/devboxes")).status_code == 401
            assert not later.included
            devboxes = await http.get("/v1/devboxes", headers=AUTH)
            assert devboxes.status_code == 200
            assert devboxes.json()["devboxes"] == []
            assert later.included
            repeated = await http.get("/v1/devboxes?limit=5&limit=5", headers=AUTH)
            assert repeated.status_code == 400  # the app's own dependencies apply to them too
            assert "query parameter 'limit' is given 2 times" in repeated.json()["message"]
            missing = await http.get("/v1/no_such_thing", headers=AUTH)
            assert missing.status_code == 404
            assert missing.json()["error"] == "not_found"
    finally:
        await state.close()


def _operations(schema: dict[str, Any]) -> set[tuple[str, str]]:
    return {(method, path) for path, item in schema["paths"].items() for method in item}


def test_the_schema_describes_every_route_before_any_request(data_dir: Path) -> None:
    app = create_app(ServerState.open(data_dir, token=TOKEN, load_catalog=False))
    eager = FastAPI()
    for router in all_routers():
        eager.include_router(router)
    operations = _operations(app.openapi())
    assert operations == _operations(eager.openapi())
    assert ("post", "/v1/devboxes") in operations
    assert ("get", "/v1/benchmarks/list_public") in operations


def test_no_later_router_has_a_path_under_a_first_routers_prefix() -> None:
    """What makes answering those paths before the later routers are in safe."""
    prefixes = [router.prefix for router in routers(FIRST)]
    for router in routers(other_modules()):
        for route in router.routes:
            path = getattr(route, "path", "")
            clash = [p for p in prefixes if path == p or path.startswith(p + "/")]
            assert clash == [], f"{path} is under {clash}: add its module to routes.FIRST"
