"""Helpers of the scoring tests: a started devbox and wire-shaped scenarios."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from runloop_nb.local.sandbox._base import Sandbox


async def start_devbox(root: Path) -> Sandbox:
    """A running devbox with its disk under ``root``."""
    try:
        from runloop_nb.local.sandbox import create_sandbox  # type: ignore[attr-defined]
    except ImportError:
        from ._plain_sandbox import PlainSandbox

        sandbox: Sandbox = PlainSandbox(root)
    else:
        sandbox = create_sandbox("dbx_scoring_test", root)
    await sandbox.start()
    return sandbox


def scenario(*functions: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A scenario in wire shape holding ``functions``."""
    return {"scoring_contract": {"scoring_function_parameters": list(functions)}, **extra}


def function(name: str, scorer: dict[str, Any], weight: float = 1.0) -> dict[str, Any]:
    return {"name": name, "weight": weight, "scorer": scorer}
