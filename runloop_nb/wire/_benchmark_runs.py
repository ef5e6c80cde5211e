"""Benchmark run models: the run view and its states."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from runloop_nb.wire._base import WireModel

BenchmarkRunState = Literal["running", "canceled", "completed", "failed"]
BENCHMARK_RUN_TERMINAL_STATES: tuple[BenchmarkRunState, ...] = ("canceled", "completed", "failed")


class BenchmarkRunView(WireModel):
    """One (interactive) run of a benchmark (contract §4.2)."""

    id: str
    start_time_ms: int
    state: BenchmarkRunState
    metadata: dict[str, str]
    benchmark_id: str | None = None
    name: str | None = None
    duration_ms: int | None = None
    score: float | None = None
    purpose: str | None = None
    environment_variables: dict[str, str] | None = None
    secrets_provided: dict[str, str] | None = None
    # Removed from the cloud in 2025, but Runloop's documented interactive flow still iterates it,
    # so our server always fills it: the ids of the benchmark's scenarios not yet scored.
    pending_scenarios: list[str] = Field(default_factory=list)
