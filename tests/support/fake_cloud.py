"""A fake Runloop cloud for client tests: an httpx.MockTransport routed by (method, path)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

from runloop_nb.client import PollingConfig, RunloopClient

Handler = Callable[[httpx.Request], httpx.Response]


class FakeCloud:
    """Records every request; answers from queued responses or handlers per (method, path)."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.routes: dict[tuple[str, str], list[Handler | httpx.Response]] = {}
        self.sleeps: list[float] = []
        self.now = 0.0

    def add(self, method: str, path: str, *answers: Handler | httpx.Response | Any) -> None:
        """Queue answers; the last one repeats. Plain values are sent as 200 JSON."""
        queue = self.routes.setdefault((method, path), [])
        for answer in answers:
            if isinstance(answer, httpx.Response) or callable(answer):
                queue.append(answer)
            else:
                queue.append(httpx.Response(200, json=answer))

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        queue = self.routes.get((request.method, request.url.path))
        if not queue:
            return httpx.Response(404, json={"error": "no route", "path": request.url.path})
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        return answer(request) if callable(answer) else answer

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now

    def client(self, **kwargs: Any) -> RunloopClient:
        kwargs.setdefault("polling", PollingConfig(timeout_seconds=120))
        return RunloopClient(
            api_key="test-key",
            base_url="https://api.example.test",
            transport=httpx.MockTransport(self.handle),
            sleep=self.sleep,
            clock=self.clock,
            jitter=lambda: 0.0,
            **kwargs,
        )


def body_of(request: httpx.Request) -> Any:
    """The JSON body of a recorded request (None when it has none)."""
    return json.loads(request.content) if request.content else None


# --- the smallest valid JSON of each view, as the cloud sends it ---------------------------


def benchmark_json(**fields: Any) -> dict[str, Any]:
    """A benchmark definition (camelCase `scenarioIds`, as the cloud spells it)."""
    return {
        "id": "bmd_1",
        "name": "b",
        "scenarioIds": ["scn_1"],
        "metadata": {},
        "status": "active",
        **fields,
    }


def scenario_json(**fields: Any) -> dict[str, Any]:
    """A scenario with a problem statement and an empty scoring contract."""
    return {
        "id": "scn_1",
        "name": "s",
        "metadata": {},
        "status": "active",
        "input_context": {"problem_statement": "fix it"},
        "scoring_contract": {"scoring_function_parameters": []},
        **fields,
    }


def devbox_json(status: str = "running", **fields: Any) -> dict[str, Any]:
    """A devbox view in `status`."""
    return {
        "id": "dbx_1",
        "status": status,
        "create_time_ms": 1,
        "launch_parameters": {},
        "metadata": {},
        "capabilities": [],
        "state_transitions": [],
        **fields,
    }
