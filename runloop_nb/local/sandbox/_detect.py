"""Choosing the sandbox mode, and building a sandbox of that mode.

Fail closed: devboxes are bubblewrap sandboxes. When bwrap cannot make one here, asking for a
devbox is an error that says why (``SandboxUnavailable``); the unsandboxed mode runs only when
the user asks for it with ``RUNLOOP_NB_SANDBOX=unsandboxed``, and is flagged wherever it shows.
"""

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
UNSANDBOXED_WARNING = (
    f"devboxes run UNSANDBOXED ({ENV_VAR}=unsandboxed): commands are plain host processes that "
    "can see the host's files, processes and network"
)


class SandboxUnavailable(RuntimeError):
    """No real sandbox can be made on this host; the message says why and how to fix it."""


def detect_mode() -> SandboxMode:
    """``bwrap`` when bubblewrap can make a sandbox here; ``unsandboxed`` only when asked for.

    ``RUNLOOP_NB_SANDBOX=bwrap|unsandboxed`` forces the mode (read at each call).

    Raises:
        ValueError: the environment variable holds another value.
        SandboxUnavailable: bwrap cannot run here and the unsandboxed mode was not asked for.
    """
    forced = os.environ.get(ENV_VAR, "").strip()
    if forced and forced not in _MODES:
        raise ValueError(f"{ENV_VAR} must be 'bwrap' or 'unsandboxed'; got {forced!r}")
    if forced == "unsandboxed":
        _warn_unsandboxed()
        return "unsandboxed"
    problem = _probe()
    if problem is not None:
        raise SandboxUnavailable(
            f"devboxes cannot be sandboxed on this host: {problem}. bubblewrap needs user "
            "namespaces (sysctl kernel.unprivileged_userns_clone=1 and user.max_user_namespaces "
            "> 0; inside a container, allow them in its seccomp/AppArmor profile). To run "
            f"devboxes WITHOUT isolation instead, start the server with {ENV_VAR}=unsandboxed."
        )
    return "bwrap"


@functools.cache
def _probe() -> str | None:
    return bwrap_problem()


def bwrap_problem() -> str | None:
    """Why bubblewrap cannot run a sandbox here, or None when it can.

    A root server launches bwrap as an unprivileged uid, so the probe does too (root alone can
    create namespaces where unprivileged users may not), with the runtime the devboxes use.
    """
    from runloop_nb.local.sandbox._runtime import runtime

    probe_uid = FIRST_UID - 1
    drop = Identity(probe_uid, probe_uid, switch=os.geteuid() == 0).preexec()
    try:
        bwrap = str(runtime().bwrap)
        argv = [bwrap, "--unshare-all", "--unshare-user", "--disable-userns"]  # as devboxes
        argv += ["--die-with-parent", "--ro-bind", "/", "/", "true"]
        result = subprocess.run(
            argv, capture_output=True, timeout=10, check=False, preexec_fn=drop, cwd="/"
        )
    except (OSError, RuntimeError, subprocess.TimeoutExpired) as exc:
        return f"bwrap cannot run: {exc}"
    if result.returncode != 0:
        stderr = result.stderr.decode(errors="replace").strip()
        return f"bwrap failed with exit status {result.returncode}: {stderr}"
    return None


@functools.cache
def _warn_unsandboxed() -> None:
    log.warning("%s", UNSANDBOXED_WARNING)


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
        SandboxUnavailable: see ``detect_mode``.
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

        _warn_unsandboxed()
        return UnsandboxedSandbox(devbox_id, root, limits=limits, snapshot=snapshot, mode=chosen)
    raise ValueError(f"mode must be 'bwrap' or 'unsandboxed'; got {chosen!r}")
