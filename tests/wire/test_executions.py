from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from runloop_nb.wire import (
    ExecuteAsyncParams,
    ExecuteParams,
    ExecuteSyncParams,
    ExecutionDetailView,
    ExecutionUpdateChunk,
    ExecutionView,
    ExecutionWaitParams,
    KillExecutionParams,
    SendStdInParams,
    SendStdInView,
)

from ._round_trip import Case, assert_round_trip, case_ids

CASES: list[Case] = [
    (
        ExecuteParams,
        {
            "command": "pytest -q",
            "command_id": "0192f0c2-7d3e-7cc1-9e1a-3b1f5d0a4c11",
            "optimistic_timeout": 25.0,
            "attach_stdin": False,
            "x_future_field": 1,
        },
        {"command": "pytest -q", "optimistic_timeout": 25.0},
    ),
    (
        ExecuteAsyncParams,
        {"command": "cat", "attach_stdin": True, "shell_name": "legacy", "x_future_field": 1},
        {"attach_stdin": True},
    ),
    (ExecuteSyncParams, {"command": "ls", "x_future_field": 1}, {"attach_stdin": None}),
    (
        ExecutionView,
        {
            "devbox_id": "dbx_1",
            "execution_id": "exn_2",
            "status": "completed",
            "exit_status": 1,
            "stdout": "FAILED test_x.py::test_a\n",
            "stderr": "",
            "stdout_truncated": False,
            "stderr_truncated": False,
            "x_future_field": "kept",
        },
        {"status": "completed", "exit_status": 1, "stdout_truncated": False},
    ),
    (
        ExecutionView,
        {"devbox_id": "dbx_1", "execution_id": "exn_3", "status": "running", "x_future_field": 1},
        {"status": "running", "exit_status": None, "stdout": None},
    ),
    (
        ExecutionDetailView,
        {
            "devbox_id": "dbx_1",
            "exit_status": 0,
            "stdout": "ok\n",
            "stderr": "",
            "x_future_field": 1,
        },
        {"exit_status": 0, "stdout": "ok\n"},
    ),
    (
        ExecutionWaitParams,
        {"statuses": ["completed"], "timeout_seconds": 24.5, "x_future_field": 1},
        {"statuses": ["completed"]},
    ),
    (
        KillExecutionParams,
        {"kill_process_group": True, "x_future_field": 1},
        {"kill_process_group": True},
    ),
    (SendStdInParams, {"text": "y\n", "x_future_field": 1}, {"text": "y\n", "signal": None}),
    (SendStdInParams, {"signal": "EOF", "x_future_field": 1}, {"text": None, "signal": "EOF"}),
    (
        SendStdInView,
        {"devbox_id": "dbx_1", "execution_id": "exn_2", "success": True, "x_future_field": 1},
        {"success": True},
    ),
    (
        ExecutionUpdateChunk,
        {"output": "line\n", "offset": 128, "x_future_field": 1},
        {"offset": 128},
    ),
]


@pytest.mark.parametrize(("model", "sample", "attrs"), CASES, ids=case_ids(CASES))
def test_service_json_parses_and_dumps_back_unchanged(
    model: type, sample: dict[str, Any], attrs: dict[str, Any]
) -> None:
    assert_round_trip(model, sample, attrs)


def test_kill_defaults_to_the_process_only_and_accepts_an_empty_body() -> None:
    params = KillExecutionParams.model_validate({})
    assert params.kill_process_group is False
    assert params.to_wire() == {}


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({}, "exactly one"),
        ({"text": "y", "signal": "EOF"}, "exactly one"),
        ({"text": ""}, "must not be empty"),
        ({"signal": "KILL"}, "signal"),
        ({"text": None, "signal": None}, "exactly one"),
    ],
)
def test_send_std_in_needs_exactly_one_of_text_or_signal(bad: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        SendStdInParams.model_validate(bad)


@pytest.mark.parametrize(
    ("model", "bad"),
    [
        (ExecuteParams, {}),
        (ExecuteParams, {"command": ""}),
        (ExecuteParams, {"command": ["ls", "-l"]}),
        (ExecuteParams, {"command": "ls", "optimistic_timeout": -1}),
        (ExecuteSyncParams, {"command": "cat", "attach_stdin": True}),
        (ExecutionWaitParams, {"statuses": []}),
        (ExecutionWaitParams, {"statuses": ["finished"]}),
        (ExecutionView, {"devbox_id": "d", "execution_id": "e", "status": "done"}),
        (KillExecutionParams, {"kill_process_group": "sometimes"}),
    ],
)
def test_bad_input_is_rejected(model: type[ExecuteParams], bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        model.model_validate(bad)


def test_execute_sync_with_stdin_points_to_execute_async() -> None:
    with pytest.raises(ValidationError, match="use execute_async"):
        ExecuteSyncParams(command="cat", attach_stdin=True)
