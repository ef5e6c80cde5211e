"""Benchmark models: the benchmark view, its create/update bodies, start_run and RunProfile."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field

from runloop_nb.wire._base import WireModel
from runloop_nb.wire._devboxes import LaunchParameters
from runloop_nb.wire._display import Displayed

BenchmarkStatus = Literal["active", "archived"]


class RunProfile(WireModel):
    """Per-run devbox settings, sent as ``runProfile`` with camelCase inner keys (contract §5.6)."""

    env_vars: dict[str, str] | None = Field(default=None, alias="envVars")
    secrets: dict[str, str] | None = None
    launch_parameters: LaunchParameters | None = Field(default=None, alias="launchParameters")
    mounts: list[dict[str, Any]] | None = None
    purpose: str | None = None


class BenchmarkView(Displayed, WireModel):
    """A benchmark definition; note ``scenarioIds`` is camelCase on the wire."""

    display_columns: ClassVar[tuple[str, ...]] = (
        "id",
        "name",
        "status",
        "scenarios",
        "is_public",
        "description",
    )

    id: str
    name: str
    scenario_ids: list[str] = Field(alias="scenarioIds")
    metadata: dict[str, str]
    status: BenchmarkStatus
    is_public: bool | None = None
    attribution: str | None = None
    description: str | None = None
    required_environment_variables: list[str] | None = None
    required_secret_names: list[str] | None = None

    def _row(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "status": self.status,
            "scenarios": len(self.scenario_ids),
            "is_public": self.is_public,
            "description": self.description,
        }

    def _folds(self) -> dict[str, Any]:
        return {
            "description": self.description,
            "attribution": self.attribution,
            "scenario_ids": self.scenario_ids,
            "metadata": self.metadata,
        }


class BenchmarkCreateParams(WireModel):
    """Body of ``POST /v1/benchmarks`` (snake ``scenario_ids`` here, unlike the view)."""

    name: str = Field(min_length=1)
    scenario_ids: list[str] | None = None
    metadata: dict[str, str] | None = None
    required_environment_variables: list[str] | None = None
    required_secret_names: list[str] | None = None
    attribution: str | None = None
    description: str | None = None


class BenchmarkUpdateParams(WireModel):
    """Body of ``POST /v1/benchmarks/{id}``: null or omitted keeps, a value replaces."""

    name: str | None = Field(default=None, min_length=1)
    scenario_ids: list[str] | None = None
    metadata: dict[str, str] | None = None
    required_environment_variables: list[str] | None = None
    required_secret_names: list[str] | None = None
    attribution: str | None = None
    description: str | None = None


class BenchmarkStartRunParams(WireModel):
    """Body of ``POST /v1/benchmarks/start_run``."""

    benchmark_id: str = Field(min_length=1)
    run_name: str | None = None
    metadata: dict[str, str] | None = None
    run_profile: RunProfile | None = Field(default=None, alias="runProfile")


class UpdateScenariosParams(WireModel):
    """Body of ``POST /v1/benchmarks/{id}/scenarios``."""

    scenarios_to_add: list[str] | None = None
    scenarios_to_remove: list[str] | None = None
