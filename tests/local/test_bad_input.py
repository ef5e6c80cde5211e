"""Every route of the app answers bad input with a 4xx JSON error, never a 500, creating nothing.

Routes are enumerated from ``app.routes``, so routes added later are covered automatically.
Path parameters get unknown and hostile ids (huge, unicode, NUL); bodies are malformed JSON,
empty, non-objects and objects whose fields all have the wrong type; list queries get bad
paging values.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Iterator
from urllib.parse import quote

import httpx
import pytest
from fastapi import FastAPI
from starlette.types import Message, Receive, Scope, Send
from support.local_api import create_benchmark, create_scenario

from runloop_nb.local._app import (
    MAX_BODY_BYTES,
    MAX_UPLOAD_BYTES,
    BodyLimitMiddleware,
    MiB,
    body_limit,
    create_app,
)
from runloop_nb.local._input_limits import (
    MAX_COMMAND_BYTES,
    MAX_METADATA_BYTES,
    MAX_METADATA_KEY_CHARS,
    MAX_METADATA_VALUE_CHARS,
)
from runloop_nb.local._state import ServerState

HOSTILE_IDS = ["nope", "x" * 5000, "ünï©ødé-☃", "a\x00b", "../../etc/passwd", "bmd_' OR 1=1 --"]
WRONG_TYPES = {
    field: {"x": [1]}
    for field in (
        "name",
        "scenario_id",
        "benchmark_id",
        "benchmark_run_id",
        "command",
        "type",
        "bash_script",
        "statuses",
        "file_path",
        "path",
        "contents",
        "scenario_ids",
        "input_context",
        "scoring_contract",
        "text",
        "signal",
        "metadata",
        "runProfile",
        "scenarios_to_add",
        "timeout_seconds",
        "launch_parameters",
        "commit_message",
    )
}
BAD_BODIES: list[bytes | None] = [
    b"{not json",
    b"",
    None,
    b'"just a string \\u0000 with a NUL"',
    b"[1, 2, 3]",
    b"null",
    httpx.Request("POST", "/", json=WRONG_TYPES).content,
    # A lone surrogate decodes (json.loads accepts it) to a str that is not UTF-8.
    b'{"name": "\\ud800"}',
]
BAD_QUERIES = [
    "limit=abc",
    "limit=0",
    "limit=5001",
    "starting_after=nope",
    "include_total_count=maybe",
]
KINDS = (
    "benchmark",
    "benchmark_run",
    "scenario",
    "scenario_run",
    "scorer",
    "devbox",
    "execution",
    "snapshot",
)


def routes(app: FastAPI) -> Iterator[tuple[str, str]]:
    """(method, path) of every route, from the OpenAPI schema FastAPI builds of ``app.routes``
    (FastAPI 0.16x nests included routers, so walking ``app.routes`` directly misses them)."""
    for path, operations in app.openapi()["paths"].items():
        for method in sorted(operations):
            yield method.upper(), path


def fill(path: str, value: str) -> str:
    return re.sub(r"\{[^}]+\}", quote(value, safe=""), path)


async def send(
    client: httpx.AsyncClient, method: str, url: str, body: bytes | None
) -> httpx.Response:
    headers = {"content-type": "application/json"} if body is not None else {}
    request = client.request(method, url, content=body, headers=headers)
    try:
        return await asyncio.wait_for(request, timeout=20)
    except TimeoutError:
        pytest.fail(f"{method} {url} did not answer bad input within 20 s")


def assert_clean_error(answer: httpx.Response, what: str) -> None:
    assert 400 <= answer.status_code < 500, f"{what}: {answer.status_code} {answer.text[:300]}"
    body = answer.json()
    assert set(body) >= {"error", "message"}, f"{what}: {body}"
    assert body["message"], what


async def test_every_route_rejects_bad_input_without_500_or_side_effects(
    client: httpx.AsyncClient, state: ServerState
) -> None:
    checked = 0
    for method, path in routes(create_app(state)):
        has_params = "{" in path
        if has_params:
            # Hostile ids with an empty body, then every bad body with an unknown id.
            cases = [(hostile, None) for hostile in HOSTILE_IDS]
            if method == "POST":
                cases += [("nope", body) for body in BAD_BODIES]
            for hostile, body in cases:
                answer = await send(client, method, fill(path, hostile), body)
                assert_clean_error(answer, f"{method} {path} id={hostile[:20]!r} body={body!r:.40}")
                checked += 1
        elif method == "POST":
            for body in BAD_BODIES:
                if body in (None, b"", b"null"):
                    continue  # "no body": body-optional creates (a devbox) accept it
                answer = await send(client, method, path, body)
                assert_clean_error(answer, f"{method} {path} body={body!r:.40}")
                checked += 1
        else:
            for query in BAD_QUERIES:
                answer = await send(client, method, f"{path}?{query}", None)
                assert_clean_error(answer, f"{method} {path}?{query}")
                checked += 1
    assert checked > 200, f"only {checked} requests: were the routes registered?"
    for kind in KINDS:
        assert state.store.count(kind) == 0, f"bad input created a {kind}"


@pytest.mark.parametrize(
    "body",
    [
        b'{"name": "\\ud800"}',
        b'{"metadata": {"\\udfff": "key"}}',
        b'{"name": "ok", "metadata": {"deep": ["x", {"y": "a\\udc80b"}]}}',
    ],
)
async def test_a_lone_surrogate_is_a_400_naming_it_and_creates_nothing(
    client: httpx.AsyncClient, state: ServerState, body: bytes
) -> None:
    for path in ("/v1/benchmarks", "/v1/devboxes", "/v1/scenarios"):
        answer = await send(client, "POST", path, body)
        assert answer.status_code == 400, f"{path}: {answer.status_code} {answer.text[:300]}"
        assert answer.json()["error"] == "bad_request"
        assert "surrogate" in answer.json()["message"]
    for kind in KINDS:
        assert state.store.count(kind) == 0, f"a surrogate body created a {kind}"


async def test_route_enumeration_covers_the_core_resources(state: ServerState) -> None:
    paths = {path for _, path in routes(create_app(state))}
    for expected in (
        "/v1/benchmarks",
        "/v1/scenarios/start_run",
        "/v1/benchmark_runs/{run_id}",
        "/v1/scenarios/runs/{run_id}/score",
        "/v1/scenarios/scorers",
    ):
        assert expected in paths


async def test_unknown_path_and_wrong_method_are_json(client: httpx.AsyncClient) -> None:
    missing = await client.get("/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.json()["error"] == "not_found"
    wrong = await client.delete("/v1/benchmarks")
    assert wrong.status_code == 405
    assert wrong.json()["error"] == "method_not_allowed"


BAD_ENV = [{"A\x00B": "x"}, {"A=B": "x"}, {"": "x"}, {"OK": "a\x00b"}]


@pytest.mark.parametrize("env", BAD_ENV, ids=["nul-name", "eq-name", "empty-name", "nul-value"])
async def test_devbox_create_refuses_env_vars_no_process_can_hold(
    client: httpx.AsyncClient, state: ServerState, env: dict[str, str]
) -> None:
    answer = await client.post("/v1/devboxes", json={"environment_variables": env})
    assert answer.status_code == 400, answer.text
    assert answer.json()["message"].startswith("environment_variables:")
    assert state.store.count("devbox") == 0


@pytest.mark.parametrize("env", BAD_ENV, ids=["nul-name", "eq-name", "empty-name", "nul-value"])
async def test_run_profiles_refuse_env_vars_no_process_can_hold(
    client: httpx.AsyncClient, state: ServerState, env: dict[str, str]
) -> None:
    scenario = await create_scenario(client, "env")
    benchmark = await create_benchmark(client, "env", [scenario["id"]])
    profile = {"runProfile": {"envVars": env}}
    for path, body in (
        ("/v1/scenarios/start_run", {"scenario_id": scenario["id"], **profile}),
        ("/v1/benchmarks/start_run", {"benchmark_id": benchmark["id"], **profile}),
    ):
        answer = await client.post(path, json=body)
        assert answer.status_code == 400, f"{path}: {answer.text}"
        assert answer.json()["message"].startswith("runProfile.envVars:"), path
    for kind in ("devbox", "scenario_run", "benchmark_run"):
        assert state.store.count(kind) == 0, f"a bad envVars created a {kind}"


@pytest.mark.parametrize(
    "command",
    ["echo a\x00b", "x" * (MAX_COMMAND_BYTES + 1), "é" * (MAX_COMMAND_BYTES // 2 + 1)],
    ids=["nul", "too-long", "too-many-utf8-bytes"],
)
async def test_every_execute_route_refuses_a_command_the_kernel_would_refuse(
    client: httpx.AsyncClient, command: str
) -> None:
    # The command is checked before the devbox is even looked up: 400, not 404.
    for route in ("execute", "execute_async", "execute_sync"):
        answer = await client.post(f"/v1/devboxes/nope/{route}", json={"command": command})
        assert answer.status_code == 400, f"{route}: {answer.status_code} {answer.text[:200]}"
        message = answer.json()["message"]
        assert "NUL" in message if "\x00" in command else str(MAX_COMMAND_BYTES) in message


def big_json(size: int) -> bytes:
    """A valid JSON benchmark body of ``size`` bytes (a long name)."""
    frame = b'{"name": ""}'
    return b'{"name": "' + b"x" * (size - len(frame)) + b'"}'


def assert_too_large(answer: httpx.Response) -> None:
    assert answer.status_code == 413, f"{answer.status_code} {answer.text[:200]}"
    assert answer.json()["error"] == "payload_too_large"
    assert "16 MiB" in answer.json()["message"]


async def test_a_body_over_the_limit_is_413_and_creates_nothing(
    client: httpx.AsyncClient, state: ServerState
) -> None:
    body = big_json(MAX_BODY_BYTES + 1)
    headers = {"content-type": "application/json"}
    assert_too_large(await client.post("/v1/benchmarks", content=body, headers=headers))
    pulled = 0

    async def chunks() -> AsyncIterator[bytes]:
        # No Content-Length: the server counts the bytes as they come.
        nonlocal pulled
        for start in range(0, len(body), MiB):
            pulled += 1
            yield body[start : start + MiB]
        for _ in range(100):  # and keeps sending: the server must stop reading
            pulled += 1
            yield b" " * MiB

    assert_too_large(await client.post("/v1/benchmarks", content=chunks(), headers=headers))
    assert pulled <= MAX_BODY_BYTES // MiB + 2, f"the server read {pulled} MiB"
    assert state.store.count("benchmark") == 0
    at_limit = await client.post(
        "/v1/benchmarks", content=big_json(MAX_BODY_BYTES), headers=headers
    )
    assert at_limit.status_code != 413, at_limit.text[:200]


async def test_file_transfers_may_be_larger_than_json_bodies(client: httpx.AsyncClient) -> None:
    files = {"file": ("f", b"\0" * (MAX_BODY_BYTES + MiB))}
    upload = await client.post("/v1/devboxes/nope/upload_file", data={"path": "f"}, files=files)
    assert upload.status_code == 404, upload.text[:200]  # read whole, then no such devbox
    write = await client.post(
        "/v1/devboxes/nope/write_file_contents",
        json={"file_path": "f", "contents": "x" * (MAX_BODY_BYTES + MiB)},
    )
    assert write.status_code == 404, write.text[:200]
    assert body_limit("/v1/devboxes/x/upload_file") == MAX_UPLOAD_BYTES > MAX_BODY_BYTES


async def test_a_declared_length_over_the_limit_is_refused_before_reading() -> None:
    read = False

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        nonlocal read
        read = True

    sent: list[Message] = []

    async def receive() -> Message:
        raise AssertionError("the body was read")

    async def send(message: Message) -> None:
        sent.append(message)

    length = str(MAX_UPLOAD_BYTES + 1).encode()
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/v1/devboxes/x/upload_file",
        "headers": [(b"content-length", length)],
    }
    await BodyLimitMiddleware(app)(scope, receive, send)
    assert not read
    assert sent[0]["status"] == 413


@pytest.mark.parametrize(
    ("metadata", "named"),
    [
        ({"k" * (MAX_METADATA_KEY_CHARS + 1): "v"}, str(MAX_METADATA_KEY_CHARS)),
        ({"k": "v" * (MAX_METADATA_VALUE_CHARS + 1)}, str(MAX_METADATA_VALUE_CHARS)),
        ({f"k{i}": "v" * 4000 for i in range(17)}, str(MAX_METADATA_BYTES)),
    ],
    ids=["long-key", "long-value", "too-many-bytes"],
)
async def test_metadata_over_its_bounds_is_a_400_naming_the_limit(
    client: httpx.AsyncClient, state: ServerState, metadata: dict[str, str], named: str
) -> None:
    scenario = await create_scenario(client, "meta")
    for method, path, body in (
        ("POST", "/v1/benchmarks", {"name": "b"}),
        ("POST", "/v1/devboxes", {}),
        ("POST", f"/v1/scenarios/{scenario['id']}", {}),
        ("POST", "/v1/scenarios/start_run", {"scenario_id": scenario["id"]}),
    ):
        answer = await client.request(method, path, json={**body, "metadata": metadata})
        assert answer.status_code == 400, f"{path}: {answer.status_code} {answer.text[:200]}"
        assert answer.json()["error"] == "bad_request"
        message = answer.json()["message"]
        assert named in message, message
        assert message.startswith("metadata:"), message
    for kind in ("benchmark", "devbox", "scenario_run"):
        assert state.store.count(kind) == 0, f"metadata over its bounds created a {kind}"
    assert (await client.get(f"/v1/scenarios/{scenario['id']}")).json()["metadata"] == {}
    at_bounds = {f"k{i:03}": "v" * 4000 for i in range(16)}
    created = await client.post("/v1/benchmarks", json={"name": "b", "metadata": at_bounds})
    assert created.status_code == 200, created.text[:200]
