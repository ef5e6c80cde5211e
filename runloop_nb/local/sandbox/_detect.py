"""Choosing the sandbox mode, and building a sandbox of that mode."""

from __future__ import annotations

import functools
import logging
import os
import subprocess
from pathlib import Path

from runloop_nb.local.sandbox._base import Limits, Sandbox, SandboxMode
from runloop_nb.local.sandbox._users import FIRST_UID, Identity

log = logging.getLogger("runloop_nb.local.sandbox")

ENV_VAR = "RUNLOOP_NB_SANDBOX"
_MODES: tuple[SandboxMode, ...] = ("bwrap", "unsandboxed")


def detect_mode() -> SandboxMode:
    """``bwrap`` when bubblewrap can create namespaces here, else ``unsandboxed`` (with a WARNING).

    ``RUNLOOP_NB_SANDBOX=bwrap|unsandboxed`` forces the mode (read at each call).

    Raises:
        ValueError: the environment variable holds another value.
    """
    forced = os.environ.get(ENV_VAR, "").strip()
    if forced:
        if forced not in _MODES:
            raise ValueError(f"{ENV_VAR} must be 'bwrap' or 'unsandboxed'; got {forced!r}")
        if forced == "unsandboxed":
            _warn_unsandboxed(f"forced by {ENV_VAR}")
        return "unsandboxed" if forced == "unsandboxed" else "bwrap"
    return _probe()


@functools.cache
def _probe() -> SandboxMode:
    problem = bwrap_problem()
    if problem is None:
        return "bwrap"
    _warn_unsandboxed(problem)
    return "unsandboxed"


def bwrap_problem() -> str | None:
    """Why bubblewrap cannot run a sandbox here, or None when it can.

    A root server launches bwrap as an unprivileged uid, so the probe does too: root alone can
    create namespaces where unprivileged users may not.
    """
    from runloop_nb.local.sandbox._bwrap import bwrap_binary

    probe_uid = FIRST_UID - 1
    drop = Identity(probe_uid, probe_uid, switch=os.geteuid() == 0).preexec()
    try:
        argv = [bwrap_binary(), "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "true"]
        result = subprocess.run(
            argv, capture_output=True, timeout=10, check=False, preexec_fn=drop, cwd="/"
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bwrap cannot run: {exc}"
    if result.returncode != 0:
        return f"bwrap failed ({result.returncode}): {result.stderr.decode(errors='replace')}"
    return None


@functools.cache
def _warn_unsandboxed(reason: str) -> None:
    log.warning(
        "devboxes run UNSANDBOXED (%s): commands run as plain host processes and can see the "
        "host's files and network; install bubblewrap support (user namespaces) for isolation",
        reason,
    )


def create_sandbox(
    devbox_id: str,
    root: Path,
    *,
    limits: Limits,
    snapshot: Path | None = None,
    mode: SandboxMode | None = None,
) -> Sandbox:
    """A sandbox for one devbox with its files under ``root`` (not started: call ``start``).

    ``snapshot`` is an archive made by ``Sandbox.snapshot``, unpacked into the home on the first
    ``start``. ``mode`` None means ``detect_mode()``.

    Raises:
        ValueError: an unknown mode.
        FileNotFoundError: ``snapshot`` does not exist.
    """
    chosen = mode or detect_mode()
    if snapshot is not None and not snapshot.is_file():
        raise FileNotFoundError(f"snapshot archive {snapshot} does not exist")
    if chosen == "bwrap":
        from runloop_nb.local.sandbox._bwrap import BwrapSandbox

        return BwrapSandbox(devbox_id, root, limits=limits, snapshot=snapshot, mode="bwrap")
    if chosen == "unsandboxed":
        from runloop_nb.local.sandbox._unsandboxed import UnsandboxedSandbox

        _warn_unsandboxed("requested")
        return UnsandboxedSandbox(devbox_id, root, limits=limits, snapshot=snapshot, mode=chosen)
    raise ValueError(f"mode must be 'bwrap' or 'unsandboxed'; got {chosen!r}")
