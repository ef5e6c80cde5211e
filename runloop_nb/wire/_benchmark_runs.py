"""Benchmark run models: the run view and its states."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field

from runloop_nb.wire._base import WireModel
from runloop_nb.wire._display import Displayed

BenchmarkRunState = Literal["running", "canceled", "completed", "failed"]
BENCHMARK_RUN_TERMINAL_STATES: tuple[BenchmarkRunState, ...] = ("canceled", "completed", "failed")


class BenchmarkRunView(Displayed, WireModel):
    """One (interactive) run of a benchmark (contract §4.2)."""

    display_columns: ClassVar[tuple[str, ...]] = (
        "id",
        "name",
        "state",
        "score",
        "benchmark_id",
        "pending",
        "start_time_ms",
        "duration_ms",
    )

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

    def _row(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "state": self.state,
            "score": self.score,
            "benchmark_id": self.benchmark_id,
            "pending": len(self.pending_scenarios),
            "start_time_ms": self.start_time_ms,
            "duration_ms": self.duration_ms,
        }

    def _folds(self) -> dict[str, Any]:
        return {"pending_scenarios": self.pending_scenarios, "metadata": self.metadata}
