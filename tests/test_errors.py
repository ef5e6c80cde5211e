"""The error tree: subclassing users rely on in `except`, and messages that say what to do."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import runloop_nb.errors as errors


def test_every_status_error_is_an_api_error_and_a_runloop_nb_error() -> None:
    for cls in (
        errors.BadRequestError,
        errors.AuthenticationError,
        errors.PermissionDeniedError,
        errors.NotFoundError,
        errors.ConflictError,
        errors.UnprocessableEntityError,
        errors.RateLimitError,
        errors.InternalServerError,
    ):
        assert issubclass(cls, errors.APIError)
        assert issubclass(cls, errors.RunloopNBError)
    assert issubclass(errors.APITimeoutError, errors.APIConnectionError)
    assert not issubclass(errors.APIConnectionError, errors.APIError)


def test_api_error_carries_context_and_server_message() -> None:
    exc = errors.NotFoundError(
        status_code=404,
        body={"error": "not_found", "message": "no scenario scn_9"},
        request_id="req-1",
        method="GET",
        url="https://api.runloop.ai/v1/scenarios/scn_9",
    )
    text = str(exc)
    assert "GET https://api.runloop.ai/v1/scenarios/scn_9" in text
    assert "HTTP 404" in text
    assert "no scenario scn_9" in text
    assert "req-1" in text
    assert "Check the id" in text
    assert (exc.status_code, exc.request_id, exc.method) == (404, "req-1", "GET")


def test_authentication_error_says_how_to_fix_it() -> None:
    text = str(errors.AuthenticationError(status_code=401, body="bad token"))
    assert "RUNLOOP_API_KEY" in text
    assert "api_key=" in text
    assert "runloop_nb.connect()" in text


def test_long_bodies_are_shortened_but_kept_on_the_exception() -> None:
    body = "x" * 5000
    exc = errors.InternalServerError(status_code=502, body=body)
    assert len(str(exc)) < 1000
    assert exc.body == body


def test_polling_timeout_names_what_state_and_budget() -> None:
    exc = errors.PollingTimeoutError(
        "devbox dbx_1 to be running", last_state="provisioning", budget_seconds=120
    )
    assert "devbox dbx_1 to be running" in str(exc)
    assert "provisioning" in str(exc)
    assert "120 s" in str(exc)
    assert "timeout_seconds" in str(exc)


def test_unexpected_state_names_both_states_and_detail() -> None:
    exc = errors.UnexpectedStateError(
        "scenario run scr_1 to be scored", state="failed", expected="scored", detail="oom"
    )
    assert "'failed'" in str(exc)
    assert "'scored'" in str(exc)
    assert "oom" in str(exc)


def test_response_format_error_shows_url_and_snippet() -> None:
    exc = errors.ResponseFormatError(
        url="https://x/v1/benchmarks", status_code=200, snippet="<html>", problem="HTML"
    )
    assert "https://x/v1/benchmarks" in str(exc)
    assert "<html>" in str(exc)


def test_configuration_error_is_also_a_value_error() -> None:
    with pytest.raises(ValueError, match="key"):
        raise errors.ConfigurationError("no key")


def test_errors_module_imports_nothing_of_ours() -> None:
    tree = ast.parse(Path(errors.__file__).read_text())
    imported = [
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    ]
    assert not [name for name in imported if name and name.startswith("runloop_nb")]


def test_all_is_sorted_and_complete() -> None:
    public = {
        name
        for name, value in vars(errors).items()
        if isinstance(value, type) and issubclass(value, Exception) and not name.startswith("_")
    }
    assert errors.__all__ == sorted(errors.__all__)
    assert set(errors.__all__) == public
