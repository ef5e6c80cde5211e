"""/openapi.json says what the server does: the error statuses of each route (with the error
body), no 422 (the server answers 400), and the real types of the query parameters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from support.local_api import AUTH, TOKEN

from runloop_nb.local._app import create_app
from runloop_nb.local._state import ServerState

ERROR_REF = {"$ref": "#/components/schemas/ErrorBody"}


@pytest.fixture
def schema(data_dir: Path) -> dict[str, Any]:
    return create_app(ServerState.open(data_dir, token=TOKEN, load_catalog=False)).openapi()


def operations(schema: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method.upper(), path): operation
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    }


def statuses(schema: dict[str, Any], method: str, path: str) -> set[str]:
    return set(operations(schema)[(method, path)]["responses"])


def query_schema(schema: dict[str, Any], method: str, path: str, name: str) -> dict[str, Any]:
    for param in operations(schema)[(method, path)].get("parameters", []):
        if param["in"] == "query" and param["name"] == name:
            found: dict[str, Any] = param["schema"]
            return found
    raise AssertionError(f"{method} {path} declares no query parameter {name!r}")


def test_every_error_answer_has_the_error_body_and_none_is_422(schema: dict[str, Any]) -> None:
    assert schema["components"]["schemas"]["ErrorBody"]["required"] == ["error", "message"]
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    assert schema["security"] == [{"bearer": []}]
    for (method, path), operation in operations(schema).items():
        responses = operation["responses"]
        assert "422" not in responses, f"{method} {path}"
        assert "401" in responses, f"{method} {path}"
        if method == "POST":
            assert "413" in responses, f"{method} {path}: any POST body is size-checked"
        for status, answer in responses.items():
            if status.startswith(("4", "5")):
                assert answer["content"] == {"application/json": {"schema": ERROR_REF}}, (
                    f"{method} {path} {status}"
                )


# (method, path) -> error statuses that route must declare, one or more per kind of route.
EXPECTED = {
    ("GET", "/v1/benchmarks"): {"400", "401"},
    ("GET", "/v1/benchmarks/{benchmark_id}"): {"401", "404"},
    ("GET", "/v1/benchmarks/{benchmark_id}/definitions"): {"400", "401", "404"},
    ("POST", "/v1/benchmarks"): {"400", "401", "413"},
    ("POST", "/v1/benchmarks/{benchmark_id}"): {"400", "401", "403", "404", "413"},
    ("POST", "/v1/benchmarks/start_run"): {"400", "401", "404", "413"},
    ("POST", "/v1/scenarios/{scenario_id}/archive"): {"401", "403", "404", "413"},
    ("GET", "/v1/scenarios"): {"400", "401", "404"},
    ("POST", "/v1/scenarios/start_run"): {"400", "401", "404", "413", "503"},
    ("POST", "/v1/scenarios/runs/{run_id}/cancel"): {"401", "404", "413"},
    ("POST", "/v1/scenarios/runs/{run_id}/score"): {"400", "401", "404", "413"},
    ("POST", "/v1/scenarios/runs/{run_id}/wait_for_status"): {"400", "401", "404", "408", "413"},
    ("POST", "/v1/devboxes"): {"400", "401", "413", "503"},
    ("POST", "/v1/devboxes/create_and_await_running"): {"400", "401", "413", "503"},
    ("POST", "/v1/devboxes/{devbox_id}/wait_for_status"): {"400", "401", "404", "408", "413"},
    ("POST", "/v1/devboxes/{devbox_id}/shutdown"): {"400", "401", "404", "409", "413"},
    ("POST", "/v1/devboxes/{devbox_id}/execute"): {"400", "401", "404", "413"},
    ("POST", "/v1/devboxes/{devbox_id}/executions/{execution_id}/wait_for_status"): {
        "400",
        "401",
        "404",
        "408",
        "413",
    },
    ("GET", "/v1/devboxes/{devbox_id}/executions/{execution_id}/stream_stdout_updates"): {
        "400",
        "401",
        "404",
    },
    ("POST", "/v1/devboxes/disk_snapshots/{snapshot_id}/delete"): {"401", "404", "409", "413"},
    ("POST", "/v1/devboxes/{devbox_id}/read_file_contents"): {"400", "401", "404", "413"},
}


@pytest.mark.parametrize(("method", "path"), sorted(EXPECTED))
def test_route_declares_the_error_statuses_it_answers(
    schema: dict[str, Any], method: str, path: str
) -> None:
    assert statuses(schema, method, path) - {"200"} == EXPECTED[(method, path)]


def test_only_long_polls_declare_408_and_only_devbox_creation_503(schema: dict[str, Any]) -> None:
    with_408 = {key for key, op in operations(schema).items() if "408" in op["responses"]}
    with_503 = {key for key, op in operations(schema).items() if "503" in op["responses"]}
    assert {path for _, path in with_408} == {
        "/v1/scenarios/runs/{run_id}/wait_for_status",  # the embedded server's extension
        "/v1/devboxes/{devbox_id}/wait_for_status",
        "/v1/devboxes/{devbox_id}/executions/{execution_id}/wait_for_status",
    }
    assert {path for _, path in with_503} == {
        "/v1/devboxes",
        "/v1/devboxes/create_and_await_running",
        "/v1/scenarios/start_run",
    }


def test_paging_parameters_have_their_types_on_every_list(schema: dict[str, Any]) -> None:
    lists = [key for key, op in operations(schema).items() if _has_query(op, "limit")]
    assert len(lists) == 11  # every list endpoint of the contract
    for method, path in lists:
        assert query_schema(schema, method, path, "limit") == {
            "type": "integer",
            "minimum": 1,
            "maximum": 5000,
            "title": "Limit",
        }
        assert query_schema(schema, method, path, "include_total_count")["type"] == "boolean"
        assert query_schema(schema, method, path, "starting_after") == {
            "type": "string",
            "title": "Starting After",
        }


def test_other_parsed_query_parameters_have_their_types(schema: dict[str, Any]) -> None:
    execution = "/v1/devboxes/{devbox_id}/executions/{execution_id}"
    assert query_schema(schema, "GET", execution, "last_n")["type"] == "integer"
    assert query_schema(schema, "GET", execution, "last_n")["minimum"] == 0
    stream = f"{execution}/stream_stderr_updates"
    assert query_schema(schema, "GET", stream, "offset")["type"] == "integer"
    shutdown = "/v1/devboxes/{devbox_id}/shutdown"
    assert query_schema(schema, "POST", shutdown, "force")["type"] == "boolean"
    status = query_schema(schema, "GET", "/v1/devboxes", "status")
    assert "running" in status["enum"]


def test_non_json_answers_declare_their_media_type(schema: dict[str, Any]) -> None:
    def media(method: str, path: str) -> set[str]:
        return set(operations(schema)[(method, path)]["responses"]["200"]["content"])

    assert media("POST", "/v1/devboxes/{devbox_id}/read_file_contents") == {"text/plain"}
    assert media("POST", "/v1/devboxes/{devbox_id}/download_file") == {"application/octet-stream"}
    assert media("POST", "/v1/scenarios/runs/{run_id}/download_logs") == {"application/zip"}
    stream = "/v1/devboxes/{devbox_id}/executions/{execution_id}/stream_stdout_updates"
    assert media("GET", stream) == {"text/event-stream"}


def _has_query(operation: dict[str, Any], name: str) -> bool:
    return any(p["in"] == "query" and p["name"] == name for p in operation.get("parameters", []))


async def test_typed_parameters_are_parsed_by_the_server_with_400_for_bad_values(
    client: httpx.AsyncClient,
) -> None:
    """The schema's types do not make FastAPI validate: bad values (empty and repeated ones too)
    keep the server's own 400 message, never a 422; booleans are read case-blind."""
    for query, words in [
        ("limit=abc", "limit must be a whole number"),
        ("limit=", "limit must be a whole number from 1 to 5000, got '' (leave it out for 20)"),
        ("limit=0", "limit must be from 1 to 5000"),
        ("include_total_count=maybe", "include_total_count must be true or false"),
        ("include_total_count=", "got '' (leave it out for true)"),
        ("limit=abc&limit=", "query parameter 'limit' is given 2 times"),
        ("limit=5&limit=5", "query parameter 'limit' is given 2 times"),
    ]:
        answer = await client.get(f"/v1/benchmarks?{query}")
        assert answer.status_code == 400, query
        assert answer.json()["error"] == "bad_request"
        assert words in answer.json()["message"], query
    for path in ["/v1/devboxes?status=", "/v1/benchmark_runs?state=", "/v1/scenarios/runs?state="]:
        empty_filter = await client.get(path)
        assert empty_filter.status_code == 400, path
        assert "or leave it out for all" in empty_filter.json()["message"]
    accepted = await client.get("/v1/benchmarks?limit=5&include_total_count=YES")
    assert accepted.status_code == 200
    assert accepted.json()["total_count"] == 0


async def test_openapi_json_is_served_behind_the_token(client: httpx.AsyncClient) -> None:
    served = await client.get("/openapi.json", headers=AUTH)
    assert served.status_code == 200
    assert "422" not in served.text
    anonymous = await client.get("/openapi.json", headers={"Authorization": ""})
    assert anonymous.status_code == 401
