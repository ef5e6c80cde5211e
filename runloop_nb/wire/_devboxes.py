"""Devbox models: launch parameters, the devbox view, create/update/wait bodies, resource usage."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

from runloop_nb.wire._base import WireModel
from runloop_nb.wire._display import Displayed

DevboxStatus = Literal[
    "queued",
    "scheduled",
    "provisioning",
    "initializing",
    "running",
    "suspending",
    "suspended",
    "resuming",
    "failure",
    "shutdown",
]
DEVBOX_TERMINAL_STATUSES: tuple[DevboxStatus, ...] = ("failure", "shutdown")

ResourceSize = Literal["X_SMALL", "SMALL", "MEDIUM", "LARGE", "X_LARGE", "XX_LARGE", "CUSTOM_SIZE"]
Architecture = Literal["x86_64", "arm64"]
ProvisioningTier = Literal["standard", "flex"]
DevboxCapability = Literal["unknown", "docker_in_docker"]
DevboxFailureReason = Literal[
    "out_of_memory", "out_of_disk", "execution_failed", "health_check_failed"
]
DevboxShutdownReason = Literal[
    "api_shutdown", "keep_alive_timeout", "entrypoint_exit", "idle", "ttl_expired"
]
# SDK 3.0 dropped "scenario" and "scoring_validation"; 1.32 (the benchmark-era API) had them.
InitiatorType = Literal["unknown", "api", "reflex", "scenario", "scoring_validation"]

DEFAULT_KEEP_ALIVE_TIME_SECONDS = 3600
MAX_KEEP_ALIVE_TIME_SECONDS = 172_800


class AfterIdle(WireModel):
    """What to do once a devbox has been idle for ``idle_time_seconds``."""

    idle_time_seconds: int = Field(ge=0)
    on_idle: Literal["shutdown", "suspend"]


class UserParameters(WireModel):
    """The Linux user that commands run as inside the devbox."""

    username: str = Field(min_length=1)
    uid: int = Field(ge=0)


class LaunchParameters(WireModel):
    """Resources and lifecycle of a devbox (contract §9.3); every field is optional."""

    resource_size_request: ResourceSize | None = None
    custom_cpu_cores: float | None = Field(default=None, gt=0)
    custom_gb_memory: int | None = Field(default=None, gt=0)
    custom_disk_size: int | None = Field(default=None, gt=0)
    architecture: Architecture | None = None
    keep_alive_time_seconds: int | None = Field(default=None, ge=0, le=MAX_KEEP_ALIVE_TIME_SECONDS)
    after_idle: AfterIdle | None = None
    # Beta structures that the service still evolves: kept loose on purpose.
    lifecycle: dict[str, Any] | None = None
    launch_commands: list[str] | None = None
    required_services: list[str] | None = None
    network_policy_id: str | None = None
    user_parameters: UserParameters | None = None
    provisioning_tier: ProvisioningTier | None = None
    available_ports: list[int] | None = None


class StateTransition(WireModel):
    """One entry of a devbox's status history."""

    status: DevboxStatus
    transition_time_ms: int
    failure_reason: DevboxFailureReason | None = None


class DevboxView(Displayed, WireModel):
    """A devbox as the service reports it (contract §9.5)."""

    display_columns: ClassVar[tuple[str, ...]] = (
        "id",
        "name",
        "status",
        "reason",
        "sandbox_mode",
        "create_time_ms",
        "end_time_ms",
        "snapshot_id",
        "blueprint_id",
    )

    id: str
    status: DevboxStatus
    create_time_ms: int
    launch_parameters: LaunchParameters
    metadata: dict[str, str]
    capabilities: list[DevboxCapability]
    state_transitions: list[StateTransition]
    end_time_ms: int | None = None
    name: str | None = None
    blueprint_id: str | None = None
    snapshot_id: str | None = None
    failure_reason: DevboxFailureReason | None = None
    shutdown_reason: DevboxShutdownReason | None = None
    initiator_type: InitiatorType | None = None
    initiator_id: str | None = None
    tunnel: dict[str, Any] | None = None
    gateway_specs: dict[str, Any] | None = None
    mcp_specs: dict[str, Any] | None = None
    # Ours, not Runloop's: "bwrap" or "unsandboxed", so a user can see how isolated a local
    # devbox really is.
    sandbox_mode: str | None = None

    def _row(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "status": self.status,
            "reason": self.failure_reason or self.shutdown_reason,
            "sandbox_mode": self.sandbox_mode,
            "create_time_ms": self.create_time_ms,
            "end_time_ms": self.end_time_ms,
            "snapshot_id": self.snapshot_id,
            "blueprint_id": self.blueprint_id,
        }

    def _folds(self) -> dict[str, Any]:
        return {
            "launch_parameters": self.launch_parameters,
            "state_transitions": self.state_transitions,
            "metadata": self.metadata,
        }


class DevboxCreateParams(WireModel):
    """Body of ``POST /v1/devboxes`` (contract §9.2); every field is optional."""

    name: str | None = None
    blueprint_id: str | None = None
    blueprint_name: str | None = None
    snapshot_id: str | None = None
    entrypoint: str | None = None
    environment_variables: dict[str, str] | None = None
    secrets: dict[str, str] | None = None
    launch_parameters: LaunchParameters | None = None
    metadata: dict[str, str] | None = None
    # Unions and beta features the local server does not interpret: kept loose.
    mounts: list[dict[str, Any]] | None = None
    code_mounts: list[dict[str, Any]] | None = None
    file_mounts: dict[str, str] | None = None
    tunnel: dict[str, Any] | None = None
    gateways: dict[str, Any] | None = None
    mcp: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _at_most_one_source(self) -> DevboxCreateParams:
        given = [
            key
            for key in ("blueprint_id", "blueprint_name", "snapshot_id")
            if getattr(self, key) is not None
        ]
        if len(given) > 1:
            raise ValueError(
                f"give at most one of blueprint_id, blueprint_name and snapshot_id (got {given})"
            )
        return self


class DevboxUpdateParams(WireModel):
    """Body of ``POST /v1/devboxes/{id}``: omitted keeps, an empty value clears."""

    name: str | None = None
    metadata: dict[str, str] | None = None


class WaitForStatusParams(WireModel):
    """Body of ``POST /v1/devboxes/{id}/wait_for_status`` (the server clamps the hold to 30 s)."""

    statuses: list[DevboxStatus] = Field(min_length=1)
    timeout_seconds: float | None = Field(default=None, ge=0)


class DevboxResourceUsageView(WireModel):
    """Response of ``GET /v1/devboxes/{id}/usage``."""

    id: str
    # A plain string in the SDK's schema (unlike DevboxView.status), so any value is accepted.
    status: str
    start_time_ms: int
    total_active_seconds: int
    total_elapsed_seconds: int
    vcpu_seconds: int
    memory_gb_seconds: int
    disk_gb_seconds: int
    end_time_ms: int | None = None
