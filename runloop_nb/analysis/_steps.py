"""steps_df: the steps of trajectories (JSONL files written by runloop_nb.stepping)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from runloop_nb.analysis._columns import frame

STEP_COLUMNS: dict[str, Any] = {
    "trajectory": "string",
    "step": "Int64",
    "who": "string",
    "thought": "string",
    "action": "string",
    "exit_code": "Int64",
    "duration_s": "float64",
    "cwd": "string",
    "files_changed": "object",
    "n_files_changed": "Int64",
    "preview_score": "float64",
}
# The fields of a step record, as the stepping package writes them (one JSON object per line).
STEP_FIELDS = (
    "step", "who", "thought", "action", "exit_code", "duration_s", "cwd", "files_changed",
    "preview_score",
)  # fmt: skip


def steps_df(trajectories: str | Path | Iterable[str | Path]) -> pd.DataFrame:
    """One row per step of one or more trajectory files (JSONL, one record per line).

    A step record is a JSON object with the fields ``step`` (int), ``who`` (``agent`` or
    ``human``), ``thought``, ``action`` (the command run), ``exit_code`` (int or null),
    ``duration_s`` (float), ``cwd``, ``files_changed`` (list of paths) and ``preview_score``
    (float or null: the score preview after the step). Lines without a ``step`` field (a
    header, a final summary) are not steps and are skipped; blank lines too.

    =================  =======  ================================================
    column             dtype    meaning
    =================  =======  ================================================
    trajectory         string   the file's name without its suffix
    step               Int64    the step number, as recorded
    who                string   who acted: agent or human
    thought            string   the agent's reasoning for the step
    action             string   the command that ran
    exit_code          Int64    its exit status (<NA>: did not finish / skipped)
    duration_s         float64  seconds it took
    cwd                string   the working directory it ran in
    files_changed      object   list of paths the step changed
    n_files_changed    Int64    len(files_changed)
    preview_score      float64  the score preview after the step (NaN: none taken)
    =================  =======  ================================================

    Raises:
        ValueError: a line is not JSON or not an object (naming file and line number).
        FileNotFoundError: a file does not exist.
    """
    paths = [trajectories] if isinstance(trajectories, str | Path) else list(trajectories)
    cols: dict[str, list[Any]] = {name: [] for name in STEP_COLUMNS}
    for path in map(Path, paths):
        for record in _records(path):
            changed = list(record.get("files_changed") or [])
            values = [path.stem, *(record.get(f) for f in STEP_FIELDS[:-2]), changed,
                      len(changed), record.get("preview_score")]  # fmt: skip
            for column, value in zip(cols.values(), values, strict=True):
                column.append(value)
    return frame(cols, STEP_COLUMNS)


def _records(path: Path) -> Iterable[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(
                    f"{path}:{number} is not JSON ({exc.msg}); is it a trajectory?"
                ) from None
            if not isinstance(record, dict):
                raise ValueError(f"{path}:{number} is not a JSON object; is it a trajectory?")
            if "step" in record:
                yield record
