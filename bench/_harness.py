"""Shared bench plumbing: a real local server in a throwaway data directory, stats, tables."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import statistics
import tempfile
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

from runloop_nb.client import RunloopClient
from runloop_nb.local import ServerInfo, ensure_server, stop_server


@contextlib.asynccontextmanager
async def local_client() -> AsyncIterator[RunloopClient]:
    """A client of a freshly started local server (its own RUNLOOP_NB_HOME, removed after)."""
    async with local_server() as (client, _pid):
        yield client


@contextlib.asynccontextmanager
async def local_server() -> AsyncIterator[tuple[RunloopClient, int]]:
    """A client of a freshly started local server and the server's pid (for CPU accounting)."""
    async with (
        local_server_info() as (info, _home),
        RunloopClient(api_key=info.token, base_url=info.url) as client,
    ):
        yield client, info.pid


@contextlib.asynccontextmanager
async def local_server_info() -> AsyncIterator[tuple[ServerInfo, Path]]:
    """A freshly started local server (url, token, pid) and its data directory (removed after)."""
    home = _data_dir()
    try:
        yield ensure_server(home, timeout=60.0), home
    finally:
        stop_server(home)
        shutil.rmtree(home, ignore_errors=True)


def _data_dir() -> Path:
    home = Path(tempfile.mkdtemp(prefix="runloop-nb-bench-"))
    # mkdtemp makes it 0700; the unprivileged sandbox user must be able to traverse it.
    home.chmod(0o755)
    return home


def percentile(samples: Sequence[float], fraction: float) -> float:
    """The `fraction` quantile (0.5 = median) by linear interpolation between ranks."""
    ordered = sorted(samples)
    if not ordered:
        raise ValueError("no samples")
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def ms(seconds: float) -> str:
    """Seconds as a right-aligned millisecond figure."""
    return f"{seconds * 1000:8.1f}"


def print_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Print rows under headers, each column as wide as its widest cell."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]
    for line in (headers, ["-" * w for w in widths], *rows):
        print("  ".join(str(cell).strip().ljust(w) for cell, w in zip(line, widths, strict=True)))


def median(samples: Sequence[float]) -> float:
    """The median of the samples."""
    return statistics.median(samples)


@dataclasses.dataclass(frozen=True)
class Row:
    """One line of the `make bench` table: our figure, the peer measured in the same run."""

    figure: str
    ours: float
    unit: str
    peer: float | None = None
    peer_name: str = ""
    target: str = ""

    @property
    def ratio(self) -> float | None:
        return None if not self.peer else self.ours / self.peer

    def as_dict(self) -> dict[str, object]:
        return {**dataclasses.asdict(self), "ratio": self.ratio}

    def cells(self) -> list[str]:
        peer = "" if self.peer is None else f"{self.peer:.2f} {self.unit} ({self.peer_name})"
        ratio = "" if self.ratio is None else f"{self.ratio:.2f}x"
        return [self.figure, f"{self.ours:.2f} {self.unit}", peer, ratio, self.target]


def markdown_table(rows: Sequence[Row]) -> str:
    """The rows as one markdown table: figure | ours | peer | ratio | target."""
    head = "| figure | ours | peer measured in the same run | ratio | target |"
    lines = [head, "|---|---|---|---|---|"]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines)


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds of process `pid` and its reaped children (utime+stime+cutime+cstime)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def machine_cpu_seconds() -> float:
    """CPU seconds the whole machine spent busy so far (all cores: user, nice, system, irq,
    softirq), from /proc/stat.

    The one account that sees a devbox's processes: they die with its pid namespace, unreaped
    by any ancestor, so no process tree's children times include them (nor the kernel's work of
    making and tearing down namespaces). Run on a quiet machine: it counts everything.
    """
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:8]]
    user, nice, system, _idle, _iowait, irq, softirq = fields
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def own_tree_cpu_seconds() -> float:
    """CPU seconds of this process plus its reaped children."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system
