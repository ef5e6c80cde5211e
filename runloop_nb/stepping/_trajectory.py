"""Trajectories: one JSONL file per stepped run, appended step by step; ATIF export.

File format (`runloop_nb.trajectory/1`), one JSON object per line:

- first line, the header: ``{"type": "header", "format", "scenario_id", "scenario_name",
  "run_id", "devbox_id", "working_directory", "problem_statement", "agent", "started_at",
  "forked_from"}`` (`forked_from`: ``{"trajectory", "at_step"}`` or null);
- one line per step: ``{"type": "step", "step", "who", "thought", "action", "exit_code",
  "duration_s", "cwd", "files_changed", "preview_score", ...}`` where `step` is 1-based, `who` is
  ``agent`` or ``human``, `action` is the command or ``write <path> (<n> bytes)``, `exit_code` is
  null when the command did not finish, `cwd` is where the step started, `files_changed` lists the
  paths it added, changed or deleted (relative to the working directory) and `preview_score` is
  the score preview taken after it (null: none). More fields: `action_detail` (the `Action`),
  `edited_from` (the agent's proposal a person edited), `cwd_after`, `env_changed` (names of the
  variables exported so far), `stdout` / `stderr` (the last `OUTPUT_LIMIT` characters) with
  `stdout_truncated` / `stderr_truncated`, `execution_id` (the whole output stays on the devbox),
  `changes` (`FileChange` dicts: status, sizes, hashes, unified diff), `preview` (per function),
  `replayed_from` (the step of the trajectory a fork replayed), `started_at`;
- events, which are not steps and so have no `step` field: ``{"type": "event", "event":
  "skipped" | "rejected" | "interrupted" | "scored" | "completed" | "cancelled", "after_step",
  ...}``.

A line is written (and flushed) once its step is whole, so a crash loses at most the step in
flight; taking a score preview rewrites the file atomically to put the score on its step.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FORMAT = "runloop_nb.trajectory/1"
ATIF_VERSION = "ATIF-v1.4"
#: How much of each output stream a step record keeps (the end of it).
OUTPUT_LIMIT = 16 * 1024


@dataclass
class Trajectory:
    """A loaded trajectory: the header, the step records and the events, in file order."""

    header: dict[str, Any]
    steps: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    path: Path | None = None

    def to_atif(self) -> dict[str, Any]:
        """The trajectory in Harbor's ATIF (v1.4) shape, for other viewers."""
        return to_atif(self)


def load(path: str | Path) -> Trajectory:
    """Read a trajectory file.

    Raises:
        ValueError: a line is not a JSON object, or the file has no header (naming the line).
    """
    path = Path(path)
    header: dict[str, Any] | None = None
    steps, events = [], []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number} is not JSON ({exc.msg})") from None
            if not isinstance(record, dict):
                raise ValueError(f"{path}:{number} is not a JSON object")
            kind = record.get("type")
            if kind == "header":
                header = record
            elif "step" in record:
                steps.append(record)
            else:
                events.append(record)
    if header is None:
        raise ValueError(f"{path} has no header line; is it a runloop_nb trajectory?")
    return Trajectory(header, steps, events, path)


class TrajectoryWriter:
    """Appends records to one trajectory file (created with its header)."""

    def __init__(self, path: str | Path, header: Mapping[str, Any]) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lines: list[dict[str, Any]] = [{"type": "header", "format": FORMAT, **header}]
        self._rewrite()

    def append(self, record: Mapping[str, Any]) -> None:
        """Write one record and flush it to disk."""
        line = dict(record)
        self._lines.append(line)
        with self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
            out.flush()
            os.fsync(out.fileno())

    def update_step(self, step: int, **fields: Any) -> None:
        """Set fields on an already written step (atomic rewrite of the file)."""
        for line in self._lines:
            if line.get("step") == step and line.get("type") == "step":
                line.update(fields)
        self._rewrite()

    def _rewrite(self) -> None:
        temporary = self.path.with_name(self.path.name + ".tmp")
        with temporary.open("w", encoding="utf-8") as out:
            for line in self._lines:
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, self.path)


def to_atif(trajectory: Trajectory) -> dict[str, Any]:
    """ATIF: the problem statement as the first (user) step, then one step per recorded step.

    An agent step has `source` ``agent``, a person's ``user``; the action is one tool call
    (``bash`` or ``write_file``) whose observation is the exit code and output; the diff, cwd and
    preview score go to `extra`.
    """
    header = trajectory.header
    steps: list[dict[str, Any]] = [
        {
            "step_id": 1,
            "timestamp": header.get("started_at"),
            "source": "user",
            "message": header.get("problem_statement") or "",
        }
    ]
    for record in trajectory.steps:
        steps.append(_atif_step(len(steps) + 1, record))
    scores = [e.get("score") for e in trajectory.events if e.get("event") == "scored"]
    return {
        "schema_version": ATIF_VERSION,
        "session_id": header.get("run_id") or header.get("started_at") or "",
        "agent": {"name": str(header.get("agent") or "unknown"), "version": "runloop_nb"},
        "steps": steps,
        "final_metrics": {"total_steps": len(steps)},
        "extra": {
            "scenario_id": header.get("scenario_id"),
            "scenario_name": header.get("scenario_name"),
            "devbox_id": header.get("devbox_id"),
            "score": scores[-1] if scores else None,
            "forked_from": header.get("forked_from"),
        },
    }


def _atif_step(step_id: int, record: Mapping[str, Any]) -> dict[str, Any]:
    detail = record.get("action_detail") or {}
    call_id = f"call_{record['step']}"
    if detail.get("kind") == "write":
        arguments = {"path": detail.get("path"), "contents": detail.get("contents")}
        call = {"function_name": "write_file", "arguments": arguments}
    else:
        call = {"function_name": "bash", "arguments": {"command": record.get("action")}}
    output = (record.get("stdout") or "") + (record.get("stderr") or "")
    return {
        "step_id": step_id,
        "timestamp": record.get("started_at"),
        "source": "user" if record.get("who") == "human" else "agent",
        "message": record.get("thought") or "",
        "tool_calls": [{"tool_call_id": call_id, **call}],
        "observation": {
            "results": [
                {
                    "source_call_id": call_id,
                    "content": f"exit code {record.get('exit_code')}\n{output}",
                }
            ]
        },
        "metrics": {"duration_s": record.get("duration_s")},
        "extra": {
            "runloop_nb_step": record.get("step"),
            "who": record.get("who"),
            "cwd": record.get("cwd"),
            "files_changed": record.get("files_changed"),
            "changes": record.get("changes"),
            "preview_score": record.get("preview_score"),
            "edited_from": record.get("edited_from"),
        },
    }
