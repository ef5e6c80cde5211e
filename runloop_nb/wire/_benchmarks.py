"""Benchmark models: the benchmark view, its create/update bodies, start_run and RunProfile."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from runloop_nb.wire._base import WireModel
from runloop_nb.wire._devboxes import LaunchParameters

BenchmarkStatus = Literal["active", "archived"]


class RunProfile(WireModel):
    """Per-run devbox settings, sent as ``runProfile`` with camelCase inner keys (contract §5.6)."""

    env_vars: dict[str, str] | None = Field(default=None, alias="envVars")
    secrets: dict[str, str] | None = None
    launch_parameters: LaunchParameters | None = Field(default=None, alias="launchParameters")
    mounts: list[dict[str, Any]] | None = None
    purpose: str | None = None


class BenchmarkView(WireModel):
    """A benchmark definition; note ``scenarioIds`` is camelCase on the wire."""

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
