from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from runloop_nb.wire import (
    DEVBOX_TERMINAL_STATUSES,
    DevboxCreateParams,
    DevboxResourceUsageView,
    DevboxUpdateParams,
    DevboxView,
    LaunchParameters,
    StateTransition,
    WaitForStatusParams,
)

from ._round_trip import Case, assert_round_trip, case_ids

LAUNCH: dict[str, Any] = {
    "resource_size_request": "CUSTOM_SIZE",
    "custom_cpu_cores": 2.0,
    "custom_gb_memory": 4,
    "custom_disk_size": 8,
    "architecture": "x86_64",
    "keep_alive_time_seconds": 3600,
    "after_idle": {"idle_time_seconds": 600, "on_idle": "suspend"},
    "lifecycle": {"resume_triggers": {"http": True}, "lifecycle_hooks": {"suspend_commands": []}},
    "launch_commands": ["pip install -e ."],
    "user_parameters": {"username": "user", "uid": 1000},
    "provisioning_tier": "standard",
    "x_future_field": {"nested": [1, 2]},
}

DEVBOX: dict[str, Any] = {
    "id": "dbx_31Xq",
    "status": "shutdown",
    "create_time_ms": 1764288000000,
    "end_time_ms": 1764288900000,
    "launch_parameters": {"resource_size_request": "SMALL", "keep_alive_time_seconds": 3600},
    "metadata": {"team": "evals"},
    "capabilities": ["unknown"],
    "state_transitions": [
        {"status": "provisioning", "transition_time_ms": 1764288000000},
        {"status": "running", "transition_time_ms": 1764288004000},
        {
            "status": "failure",
            "transition_time_ms": 1764288900000,
            "failure_reason": "out_of_memory",
        },
    ],
    "name": "humaneval-0",
    "blueprint_id": None,
    "snapshot_id": "snp_9",
    "failure_reason": "out_of_memory",
    "initiator_type": "scenario",
    "initiator_id": "scr_1",
    "tunnel": None,
    "sandbox_mode": "bwrap",
    "x_future_field": "kept",
}

CASES: list[Case] = [
    (
        LaunchParameters,
        LAUNCH,
        {"custom_cpu_cores": 2.0, "after_idle.on_idle": "suspend", "user_parameters.uid": 1000},
    ),
    (
        StateTransition,
        {"status": "running", "transition_time_ms": 5, "x_future_field": 1},
        {"status": "running", "failure_reason": None},
    ),
    (
        DevboxView,
        DEVBOX,
        {
            "status": "shutdown",
            "launch_parameters.resource_size_request": "SMALL",
            "state_transitions": [
                StateTransition(status="provisioning", transition_time_ms=1764288000000),
                StateTransition(status="running", transition_time_ms=1764288004000),
                StateTransition(
                    status="failure",
                    transition_time_ms=1764288900000,
                    failure_reason="out_of_memory",
                ),
            ],
            "sandbox_mode": "bwrap",
            "shutdown_reason": None,
        },
    ),
    (
        DevboxCreateParams,
        {
            "name": "scratch",
            "snapshot_id": "snp_9",
            "entrypoint": None,
            "environment_variables": {"PYTHONUNBUFFERED": "1"},
            "secrets": {"GH_TOKEN": "github"},
            "launch_parameters": {"resource_size_request": "MEDIUM"},
            "metadata": {},
            "mounts": [{"type": "file_mount", "target": "/home/user/a.txt", "content": "a"}],
            "tunnel": {"auth_mode": "open"},
            "x_future_field": True,
        },
        {"snapshot_id": "snp_9", "launch_parameters.resource_size_request": "MEDIUM"},
    ),
    (
        DevboxUpdateParams,
        {"name": "", "metadata": {"k": "v"}, "x_future_field": None},
        {"name": "", "metadata": {"k": "v"}},
    ),
    (
        WaitForStatusParams,
        {
            "statuses": ["running", "failure", "shutdown"],
            "timeout_seconds": 29.5,
            "x_future_field": 0,
        },
        {"statuses": ["running", "failure", "shutdown"], "timeout_seconds": 29.5},
    ),
    (
        DevboxResourceUsageView,
        {
            "id": "dbx_31Xq",
            "status": "running",
            "start_time_ms": 1764288000000,
            "total_active_seconds": 120,
            "total_elapsed_seconds": 300,
            "vcpu_seconds": 240,
            "memory_gb_seconds": 480,
            "disk_gb_seconds": 1200,
            "x_future_field": "kept",
        },
        {"vcpu_seconds": 240, "end_time_ms": None},
    ),
]


@pytest.mark.parametrize(("model", "sample", "attrs"), CASES, ids=case_ids(CASES))
def test_service_json_parses_and_dumps_back_unchanged(
    model: type, sample: dict[str, Any], attrs: dict[str, Any]
) -> None:
    assert_round_trip(model, sample, attrs)


@pytest.mark.parametrize(
    ("model", "bad"),
    [
        (WaitForStatusParams, {"statuses": []}),
        (WaitForStatusParams, {"statuses": ["runing"]}),
        (WaitForStatusParams, {"statuses": ["running"], "timeout_seconds": -1}),
        (DevboxCreateParams, {"blueprint_id": "bpt_1", "snapshot_id": "snp_1"}),
        (DevboxCreateParams, {"metadata": {"k": {"nested": 1}}}),
        (DevboxCreateParams, {"launch_parameters": {"resource_size_request": "HUGE"}}),
        (DevboxView, {**DEVBOX, "status": "exploded"}),
        (DevboxView, {k: v for k, v in DEVBOX.items() if k != "create_time_ms"}),
        (LaunchParameters, {"keep_alive_time_seconds": 172_801}),
        (LaunchParameters, {"after_idle": {"idle_time_seconds": 60, "on_idle": "nap"}}),
    ],
)
def test_bad_input_is_rejected(model: type[DevboxView], bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        model.model_validate(bad)


def test_create_params_explain_the_one_source_rule() -> None:
    with pytest.raises(ValidationError, match="at most one of blueprint_id"):
        DevboxCreateParams(blueprint_name="py", snapshot_id="snp_1")


def test_terminal_statuses_are_failure_and_shutdown() -> None:
    assert set(DEVBOX_TERMINAL_STATUSES) == {"failure", "shutdown"}


def test_built_view_dumps_only_what_was_set() -> None:
    view = DevboxView(
        id="dbx_1",
        status="provisioning",
        create_time_ms=1,
        launch_parameters=LaunchParameters(),
        metadata={},
        capabilities=[],
        state_transitions=[],
        sandbox_mode="unsandboxed",
    )
    assert view.to_wire() == {
        "id": "dbx_1",
        "status": "provisioning",
        "create_time_ms": 1,
        "launch_parameters": {},
        "metadata": {},
        "capabilities": [],
        "state_transitions": [],
        "sandbox_mode": "unsandboxed",
    }
