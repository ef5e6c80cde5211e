"""Disk snapshot models: snapshot bodies, the snapshot view and its status."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from runloop_nb.wire._base import WireModel

SnapshotStatus = Literal["in_progress", "error", "complete", "deleted"]
MAX_COMMIT_MESSAGE_LENGTH = 1000


class SnapshotDiskParams(WireModel):
    """Body of ``POST /v1/devboxes/{id}/snapshot_disk`` and ``snapshot_disk_async``."""

    name: str | None = None
    metadata: dict[str, str] | None = None
    commit_message: str | None = Field(default=None, max_length=MAX_COMMIT_MESSAGE_LENGTH)


class SnapshotUpdateParams(WireModel):
    """Body of ``POST /v1/devboxes/disk_snapshots/{id}``: a full replace of these fields."""

    name: str | None = None
    metadata: dict[str, str] | None = None
    commit_message: str | None = Field(default=None, max_length=MAX_COMMIT_MESSAGE_LENGTH)


class DevboxSnapshotView(WireModel):
    """A disk snapshot of a devbox."""

    id: str
    create_time_ms: int
    metadata: dict[str, str]
    source_devbox_id: str
    name: str | None = None
    commit_message: str | None = None
    size_bytes: int | None = None
    source_blueprint_id: str | None = None


class SnapshotStatusView(WireModel):
    """Response of ``GET /v1/devboxes/disk_snapshots/{id}/status``."""

    status: SnapshotStatus
    error_message: str | None = None
    snapshot: DevboxSnapshotView | None = None
