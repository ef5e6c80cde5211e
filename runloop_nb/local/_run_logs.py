"""``download_logs`` of scenario and benchmark runs: a zip of everything the run's devbox ran.

Layout of a scenario run's zip (a benchmark run's zip holds ``benchmark_run.json`` and one such
tree per scenario run, under ``<scenario run id>/``)::

    run.json                         the ScenarioRunView
    devbox.json                      the DevboxView of the run's devbox
    executions.json                  [{execution_id, command, status, exit_status, ...}] in order
    executions/<nnn>_<id>/command.sh the command as sent
    executions/<nnn>_<id>/stdout.log exact bytes
    executions/<nnn>_<id>/stderr.log exact bytes
"""

from __future__ import annotations

import contextlib
import io
import json
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from runloop_nb.local._errors import NotFound

if TYPE_CHECKING:
    from runloop_nb.local._state import ServerState

ZIP_MEDIA_TYPE = "application/zip"
EXECUTION_KIND = "execution"


def scenario_run_zip(state: ServerState, run_id: str) -> bytes:
    """The zip of one scenario run (404 for an unknown run)."""
    run = state.runs.view(state.runs.get(run_id))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        _add_run(state, archive, run, prefix="")
    return buffer.getvalue()


def benchmark_run_zip(state: ServerState, run_id: str) -> bytes:
    """The zip of a benchmark run: its view, then each scenario run's tree."""
    benchmark_run = state.benchmark_runs.view(state.benchmark_runs.get(run_id))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        _add_json(archive, "benchmark_run.json", benchmark_run)
        for run in state.runs.of_benchmark_run(run_id):
            _add_run(state, archive, state.runs.view(run), prefix=f"{run['id']}/")
    return buffer.getvalue()


def _add_run(
    state: ServerState, archive: zipfile.ZipFile, run: dict[str, Any], prefix: str
) -> None:
    _add_json(archive, f"{prefix}run.json", run)
    devbox_id = run["devbox_id"]
    with contextlib.suppress(NotFound):  # devbox records are never deleted; be safe anyway
        _add_json(archive, f"{prefix}devbox.json", state.devboxes.get(devbox_id))
    executions = state.store.all(EXECUTION_KIND, where={"devbox_id": devbox_id})
    index = []
    for number, execution in enumerate(executions, start=1):
        folder = f"{prefix}executions/{number:03d}_{execution['id']}/"
        archive.writestr(f"{folder}command.sh", execution.get("command") or "")
        for stream in ("stdout", "stderr"):
            path = state.devboxes.executions.output_path(execution, stream)
            archive.writestr(f"{folder}{stream}.log", _read(path))
        index.append(
            {
                "execution_id": execution["id"],
                "command": execution.get("command"),
                "status": execution.get("status"),
                "exit_status": execution.get("exit_status"),
                "create_time_ms": execution.get("create_time_ms"),
                "end_time_ms": execution.get("end_time_ms"),
                "folder": folder,
            }
        )
    _add_json(archive, f"{prefix}executions.json", index)


def _add_json(archive: zipfile.ZipFile, name: str, value: Any) -> None:
    archive.writestr(name, json.dumps(value, indent=2, ensure_ascii=False))


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        return b""
