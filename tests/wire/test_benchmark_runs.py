from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from runloop_nb.wire import BENCHMARK_RUN_TERMINAL_STATES, BenchmarkRunView

from ._round_trip import assert_round_trip

RUN: dict[str, Any] = {
    "id": "bmr_7",
    "benchmark_id": "bmd_2x9",
    "name": "nightly-1",
    "start_time_ms": 1764288000000,
    "duration_ms": None,
    "state": "running",
    "score": None,
    "metadata": {"agent": "mini"},
    "purpose": "nightly",
    "environment_variables": {"MODEL": "gpt"},
    "secrets_provided": {"OPENAI_API_KEY": "openai"},
    "pending_scenarios": ["scn_2"],
    "x_future_field": "kept",
}


def test_service_json_parses_and_dumps_back_unchanged() -> None:
    assert_round_trip(
        BenchmarkRunView,
        RUN,
        {"state": "running", "pending_scenarios": ["scn_2"], "score": None},
    )


def test_cloud_view_without_pending_scenarios_reads_as_empty_and_stays_absent() -> None:
    cloud = {k: v for k, v in RUN.items() if k != "pending_scenarios"}
    run = BenchmarkRunView.model_validate(cloud)
    assert run.pending_scenarios == []
    assert "pending_scenarios" not in run.to_wire()


def test_unknown_state_is_rejected() -> None:
    with pytest.raises(ValidationError):
        BenchmarkRunView.model_validate({**RUN, "state": "cancelled"})


def test_running_is_the_only_non_terminal_state() -> None:
    assert set(BENCHMARK_RUN_TERMINAL_STATES) == {"canceled", "completed", "failed"}
