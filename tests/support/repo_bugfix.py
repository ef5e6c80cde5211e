"""The bundled repo-bugfix scenario the stepping tests drive (cachetools' LRU evicts the newest)."""

from __future__ import annotations

from runloop_nb.client import RunloopClient

SCENARIO = "cachetools-lru-evicts-newest"
FILE = "src/cachetools/__init__.py"
BUG = "key = next(reversed(self.__order))"
FIX = "key = next(iter(self.__order))"
SED = f"sed -i 's/next(reversed(self.__order))/next(iter(self.__order))/' {FILE}"


async def scenario_id(client: RunloopClient) -> str:
    """The id of `SCENARIO` on the server."""
    benchmarks = await client.api.benchmarks.list_public()
    bench = next(b for b in benchmarks if b.name == "repo-bugfix")
    for sid in bench.scenario_ids:
        view = await client.api.scenarios.retrieve(sid)
        if view.name == SCENARIO:
            return view.id
    raise AssertionError(f"{SCENARIO} is not bundled")
