"""What the browser tests share: where Chromium is, how it starts, and the running Lab."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
from playwright.sync_api import Page

from runloop_nb.local import ServerInfo, ensure_server, stop_server

CHROMIUM = Path("/usr/bin/chromium")
CHROME_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


# Lab restores the tabs of its last workspace, so the "current" widget can be a notebook an
# earlier test opened: everything here finds the notebook panel by its path instead.
_PANEL = """const panel = Array.from(window.jupyterapp.shell.widgets('main')).find(
    (w) => w.context && w.context.path === path && w.content && w.sessionContext);"""
_KERNEL_IDLE = f"""(path) => {{
  if (!window.jupyterapp) return false;
  {_PANEL}
  const kernel = panel && panel.sessionContext.session && panel.sessionContext.session.kernel;
  return !!kernel && kernel.status === 'idle' && window.jupyterapp.shell.currentWidget === panel;
}}"""
_RUN_CELL = f"""([path, index]) => {{
  {_PANEL}
  if (!panel || window.jupyterapp.shell.currentWidget !== panel) {{
    throw new Error(path + ' is not the current tab');
  }}
  panel.content.activeCellIndex = index;
  return window.jupyterapp.commands.execute('notebook:run-cell');
}}"""


def open_notebook(page: Page, lab: Lab, path: str) -> None:
    """Open `path` in a workspace of its own (no tabs left over) and wait for its kernel to idle."""
    workspace = f"{Path(path).stem}-{os.urandom(4).hex()}"
    page.goto(f"{lab.url}/lab/workspaces/{workspace}/tree/{path}?reset&token={lab.token}")
    page.wait_for_selector(".jp-Notebook")
    page.wait_for_function(_KERNEL_IDLE, arg=path)


def run_cell(page: Page, path: str, index: int) -> None:
    """Run cell `index` of the open notebook `path` (the way Shift+Enter on it would)."""
    page.evaluate(_RUN_CELL, [path, index])


@dataclass(frozen=True)
class Lab:
    url: str
    token: str
    server: ServerInfo


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_listening(proc: subprocess.Popen[bytes], url: str, log: Path) -> None:
    """Poll Lab's API until it answers (a condition, with a deadline), or say why it did not."""
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


@contextlib.contextmanager
def running_lab(tmp: Path) -> Iterator[Lab]:
    """JupyterLab on a free port over a private RUNLOOP_NB_HOME under `tmp` (and its server)."""
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
