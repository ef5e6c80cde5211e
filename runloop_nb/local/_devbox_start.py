"""What a new devbox starts from: its limits and the snapshot archive unpacked into its home.

There are no blueprint builds in the local server. A *named blueprint* is the newest complete
snapshot with that name (the bundled catalog stores one per scenario environment), and a
``blueprint_id`` is either such a snapshot's id or the ``source_blueprint_id`` of one.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from runloop_nb.local._errors import InvalidRequest
from runloop_nb.local._store import Store
from runloop_nb.local.sandbox import Limits, limits_from_launch_parameters
from runloop_nb.wire import DevboxCreateParams

if TYPE_CHECKING:
    from runloop_nb.local._snapshots import SnapshotService

DEFAULT_KEEP_ALIVE_SECONDS = 3600


def limits_of(launch_parameters: dict[str, Any] | None) -> Limits:
    """Limits from launch_parameters. Raises InvalidRequest naming the bad value."""
    try:
        return limits_from_launch_parameters(launch_parameters or {})
    except ValueError as exc:
        raise InvalidRequest(f"Invalid launch_parameters: {exc}") from None


def keep_alive_seconds(launch_parameters: dict[str, Any] | None) -> float:
    """Idle seconds before the devbox is shut down (contract default: one hour)."""
    value = (launch_parameters or {}).get("keep_alive_time_seconds")
    return float(DEFAULT_KEEP_ALIVE_SECONDS if value is None else value)


class SourceResolver:
    """Turns snapshot_id / blueprint_id / blueprint_name into an archive path and view fields."""

    def __init__(self, store: Store, snapshots: SnapshotService) -> None:
        self._store = store
        self._snapshots = snapshots

    def resolve(self, params: DevboxCreateParams) -> tuple[Path | None, dict[str, Any]]:
        """(archive or None, fields for the DevboxView). Raises InvalidRequest when unknown."""
        if params.snapshot_id is not None:
            snap = self._complete_snapshot(params.snapshot_id)
            if snap is None:
                raise InvalidRequest(
                    f"snapshot_id {params.snapshot_id!r} is not a complete snapshot; list them "
                    "with GET /v1/devboxes/disk_snapshots."
                )
            return self._snapshots.archive_path(snap["id"]), {"snapshot_id": snap["id"]}
        if params.blueprint_id is not None:
            snap = self._by_blueprint_id(params.blueprint_id)
            return self._snapshots.archive_path(snap["id"]), {"blueprint_id": params.blueprint_id}
        if params.blueprint_name is not None:
            snap = self._by_blueprint_name(params.blueprint_name)
            blueprint_id = snap.get("source_blueprint_id") or snap["id"]
            return self._snapshots.archive_path(snap["id"]), {"blueprint_id": blueprint_id}
        return None, {}

    def _complete_snapshot(self, snapshot_id: str) -> dict[str, Any] | None:
        snap = self._store.get("snapshot", snapshot_id)
        return snap if snap is not None and snap.get("_status") == "complete" else None

    def _by_blueprint_id(self, blueprint_id: str) -> dict[str, Any]:
        snap = self._complete_snapshot(blueprint_id)
        if snap is None:
            matches = [
                s
                for s in self._store.all("snapshot", where={"source_blueprint_id": blueprint_id})
                if s.get("_status") == "complete"
            ]
            snap = matches[-1] if matches else None
        if snap is None:
            raise InvalidRequest(
                f"Unknown blueprint_id {blueprint_id!r}: the local server has no blueprint "
                "builds; use a snapshot id, or a blueprint_name of a snapshot."
            )
        return snap

    def _by_blueprint_name(self, name: str) -> dict[str, Any]:
        matches = [
            s
            for s in self._store.all("snapshot", where={"name": name})
            if s.get("_status") == "complete"
        ]
        if not matches:
            raise InvalidRequest(
                f"Unknown blueprint_name {name!r}: no complete snapshot has that name; list "
                "snapshots with GET /v1/devboxes/disk_snapshots."
            )
        return matches[-1]
