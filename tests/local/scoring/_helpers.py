"""Helpers of the scoring tests: a started devbox and wire-shaped scenarios."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

from runloop_nb.local.sandbox._base import Sandbox


async def start_devbox(root: Path, snapshot: Path | None = None) -> Sandbox:
    """A running devbox with its disk under ``root``, its home unpacked from ``snapshot``.

    The real sandbox (``create_sandbox``) is used whenever it imports and starts; while it is still
    being written, a plain-subprocess one stands in, with a warning naming why.
    """
    try:
        from runloop_nb.local.sandbox import Limits, create_sandbox

        sandbox = create_sandbox("dbx_scoring_test", root, limits=Limits(), snapshot=snapshot)
        await sandbox.start()
        return sandbox
    except (ImportError, RuntimeError, PermissionError) as exc:
        warnings.warn(f"real sandbox unavailable, using PlainSandbox: {exc}", stacklevel=2)
    from ._plain_sandbox import PlainSandbox

    plain = PlainSandbox(root / "plain", snapshot)
    await plain.start()
    return plain


def scenario(*functions: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A scenario in wire shape holding ``functions``."""
    return {"scoring_contract": {"scoring_function_parameters": list(functions)}, **extra}


def function(name: str, scorer: dict[str, Any], weight: float = 1.0) -> dict[str, Any]:
    return {"name": name, "weight": weight, "scorer": scorer}
