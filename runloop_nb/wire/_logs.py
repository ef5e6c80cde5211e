"""Devbox log models: the response of ``GET /v1/devboxes/{id}/logs``."""

from __future__ import annotations

from typing import Literal

from runloop_nb.wire._base import WireModel

LogSource = Literal["setup_commands", "entrypoint", "exec", "files", "stats", "kmsg"]


class DevboxLogEntry(WireModel):
    """One log line of a devbox."""

    level: str
    source: LogSource
    timestamp_ms: int
    cmd: str | None = None
    cmd_id: str | None = None
    exit_code: int | None = None
    message: str | None = None


class DevboxLogsView(WireModel):
    """All log lines of a devbox (optionally of one execution)."""

    logs: list[DevboxLogEntry]
