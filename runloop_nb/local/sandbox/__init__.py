"""Devbox sandboxes: processes and files of one devbox (bubblewrap, or a flagged fallback)."""

from runloop_nb.local.sandbox._base import (
    OUTPUT_CAP_BYTES,
    Limits,
    Sandbox,
    SandboxFailed,
    SandboxMode,
)
from runloop_nb.local.sandbox._detect import SandboxUnavailable, create_sandbox, detect_mode
from runloop_nb.local.sandbox._limits import limits_from_launch_parameters

__all__ = [
    "OUTPUT_CAP_BYTES",
    "Limits",
    "Sandbox",
    "SandboxFailed",
    "SandboxMode",
    "SandboxUnavailable",
    "create_sandbox",
    "detect_mode",
    "limits_from_launch_parameters",
]
