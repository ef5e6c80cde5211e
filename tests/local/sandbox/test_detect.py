"""Mode detection, the env var that forces it, and create_sandbox's checks."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from runloop_nb.local.sandbox import Limits, _detect, create_sandbox, detect_mode
from runloop_nb.local.sandbox._bwrap import BwrapSandbox
from runloop_nb.local.sandbox._unsandboxed import UnsandboxedSandbox


def test_bwrap_works_on_this_host() -> None:
    # The dev machine and CI allow user namespaces; if this fails, every bwrap test would too.
    assert _detect.bwrap_problem() is None


def test_detected_mode_is_bwrap_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RUNLOOP_NB_SANDBOX", raising=False)
    assert detect_mode() == "bwrap"


async def test_env_var_forces_the_fallback_with_a_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    _detect._warn_unsandboxed.cache_clear()
    monkeypatch.setenv("RUNLOOP_NB_SANDBOX", "unsandboxed")
    with caplog.at_level(logging.WARNING, logger="runloop_nb.local.sandbox"):
        assert detect_mode() == "unsandboxed"
        assert detect_mode() == "unsandboxed"
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "UNSANDBOXED" in warnings[0].getMessage()
    sandbox = create_sandbox("dbx_forced", tmp_path / "dbx_forced", limits=Limits())
    assert isinstance(sandbox, UnsandboxedSandbox)
    assert sandbox.mode == "unsandboxed"
    await sandbox.shutdown()  # gives its uid back


async def test_env_var_is_read_at_each_call(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("RUNLOOP_NB_SANDBOX", "bwrap")
    assert detect_mode() == "bwrap"
    sandbox = create_sandbox("dbx_b", tmp_path / "b", limits=Limits())
    assert isinstance(sandbox, BwrapSandbox)
    await sandbox.shutdown()
    monkeypatch.setenv("RUNLOOP_NB_SANDBOX", "unsandboxed")
    assert detect_mode() == "unsandboxed"


def test_a_bad_env_var_says_what_is_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUNLOOP_NB_SANDBOX", "docker")
    with pytest.raises(ValueError, match="'bwrap' or 'unsandboxed'"):
        detect_mode()


def test_create_checks_mode_and_snapshot(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="mode must be"):
        create_sandbox("dbx_x", tmp_path / "x", limits=Limits(), mode="docker")  # type: ignore[arg-type]
    with pytest.raises(FileNotFoundError, match="does not exist"):
        create_sandbox("dbx_y", tmp_path / "y", limits=Limits(), snapshot=tmp_path / "no.tar.gz")


async def test_create_does_not_start(tmp_path: Path) -> None:
    sandbox = create_sandbox("dbx_z", tmp_path / "z", limits=Limits(), mode="bwrap")
    assert not sandbox.alive()
    assert sandbox.home == tmp_path / "z" / "home"
    assert sandbox.home.is_dir()
    assert sandbox.exec_dir("e1") == tmp_path / "z" / "ctl" / "exec" / "e1"
    await sandbox.shutdown()
    assert not sandbox.root.exists()


def test_no_sandbox_is_an_error_that_says_why_and_how(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RUNLOOP_NB_SANDBOX", raising=False)
    monkeypatch.setattr(_detect, "_probe", lambda: "bwrap failed with exit status 1: denied")
    with pytest.raises(_detect.SandboxUnavailable) as caught:
        detect_mode()
    message = str(caught.value)
    assert "denied" in message  # why
    assert "user namespaces" in message
    assert "RUNLOOP_NB_SANDBOX=unsandboxed" in message
    with pytest.raises(_detect.SandboxUnavailable):
        create_sandbox("dbx_none", Path("/nonexistent"), limits=Limits())
