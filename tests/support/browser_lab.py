"""What the browser tests share: where Chromium is, how it starts, and the running Lab."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from runloop_nb.local import ServerInfo

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


@dataclass(frozen=True)
class Lab:
    url: str
    token: str
    server: ServerInfo
