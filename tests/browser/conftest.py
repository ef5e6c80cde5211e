"""A real JupyterLab on a free port over a private RUNLOOP_NB_HOME, for Chromium via Playwright.

The embedded server is started here first, so the notebook's `connect()` reuses it and the test
can ask the same server what it saw. Nothing is downloaded: Chromium is Debian's /usr/bin/chromium.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from support.browser_lab import CHROMIUM, NOTEBOOKS, Lab

from runloop_nb.local import ensure_server, stop_server


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_listening(proc: subprocess.Popen[bytes], url: str, log: Path) -> None:
    """Poll Lab's API until it answers (a condition, with a deadline), or say why it did not."""
    import time

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"jupyter lab exited with {proc.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/api/status", timeout=2).status_code < 500:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)  # a poll interval, not a wait for an outcome
    raise RuntimeError(f"jupyter lab did not listen within 90 s:\n{log.read_text()}")


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    if not CHROMIUM.exists():
        pytest.skip(
            "the browser tests need Debian's chromium at /usr/bin/chromium (.ci/run installs it)"
        )
    tmp = tmp_path_factory.mktemp("lab")
    home = tmp / "runloop-home"
    settings = tmp / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    # No "get notified about Jupyter news?" toast over the widgets, and no network for it.
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    env = {k: v for k, v in os.environ.items() if k not in ("RUNLOOP_API_KEY", "RUNLOOP_BASE_URL")}
    env |= {
        "RUNLOOP_NB_HOME": str(home),
        "JUPYTERLAB_SETTINGS_DIR": str(tmp / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp / "workspaces"),
        "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"),
    }
    # Lab works on a copy: its autosave must never write outputs into the repository's notebook.
    root = tmp / "notebooks"
    root.mkdir()
    for notebook in NOTEBOOKS.glob("*.ipynb"):
        shutil.copy(notebook, root / notebook.name)
    server = ensure_server(home)
    port = _free_port()
    token = os.urandom(16).hex()
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}",
        "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True",
    ]  # fmt: skip
    if os.geteuid() == 0:
        command.append("--allow-root")  # Jupyter refuses root without it (CI runs as root)
    log = tmp / "lab.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_listening(proc, url, log)
        yield Lab(url=url, token=token, server=server)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        stop_server(home)
