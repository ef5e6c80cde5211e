"""Helpers of the scoring tests: a started real devbox and wire-shaped scenarios."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from runloop_nb.local.sandbox import Limits, Sandbox, create_sandbox


@asynccontextmanager
async def running_devbox(home_archive: bytes | None = None) -> AsyncIterator[Sandbox]:
    """A started devbox (the host's default mode), its home unpacked from ``home_archive``.

    Its files live in a fresh 0755 directory: pytest's tmp dirs are 0700 root, which the
    devbox's unprivileged uid cannot enter.
    """
    base, snapshot = _prepare(home_archive)
    devbox_id = f"dbx_{uuid.uuid4().hex[:12]}"
    sandbox = create_sandbox(devbox_id, base / "devbox", limits=Limits(), snapshot=snapshot)
    try:
        await sandbox.start()
        yield sandbox
    finally:
        await sandbox.shutdown()
        shutil.rmtree(base, ignore_errors=True)


def _prepare(home_archive: bytes | None) -> tuple[Path, Path | None]:
    base = Path(tempfile.mkdtemp(prefix="rnb-scoring-"))
    base.chmod(0o755)
    if home_archive is None:
        return base, None
    snapshot = base / "home.tar.gz"
    snapshot.write_bytes(home_archive)
    return base, snapshot


def scenario(*functions: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A scenario in wire shape holding ``functions``."""
    return {"scoring_contract": {"scoring_function_parameters": list(functions)}, **extra}


def function(name: str, scorer: dict[str, Any], weight: float = 1.0) -> dict[str, Any]:
    return {"name": name, "weight": weight, "scorer": scorer}
