"""One recorded step: who did what, where, with what result, and what it changed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from runloop_nb.stepping._diff import FileChange, render
from runloop_nb.stepping._protocol import Action

Who = Literal["agent", "human"]


@dataclass
class Step:
    """A step of a stepped run (the trajectory format is in `_trajectory`'s docstring).

    `stdout` / `stderr` hold the end of the output (see `*_truncated`); the whole output stays
    on the devbox under `execution_id` (`await stepper.output(step)`).
    """

    step: int
    who: Who
    action: Action
    exit_code: int | None
    duration_s: float
    cwd: str
    cwd_after: str
    stdout: str
    stderr: str
    stdout_truncated: bool
    stderr_truncated: bool
    execution_id: str
    changes: list[FileChange]
    started_at: str
    env_changed: list[str] = field(default_factory=list)
    edited_from: Action | None = None
    replayed_from: int | None = None
    preview_score: float | None = None
    preview: dict[str, Any] | None = None

    @property
    def thought(self) -> str:
        """The agent's reasoning for the step ('' for a person's)."""
        return self.action.thought

    @property
    def files_changed(self) -> list[str]:
        """The paths the step added, changed or deleted."""
        return [change.path for change in self.changes]

    def diff(self) -> str:
        """The step's file changes as text (unified diffs; sizes and hashes for binaries)."""
        return render(self.changes)

    def to_dict(self) -> dict[str, Any]:
        """The trajectory line of this step."""
        return {
            "type": "step",
            "step": self.step,
            "who": self.who,
            "thought": self.thought,
            "action": self.action.describe(),
            "exit_code": self.exit_code,
            "duration_s": self.duration_s,
            "cwd": self.cwd,
            "files_changed": self.files_changed,
            "preview_score": self.preview_score,
            "action_detail": self.action.to_dict(),
            "edited_from": None if self.edited_from is None else self.edited_from.to_dict(),
            "cwd_after": self.cwd_after,
            "env_changed": self.env_changed,
            "stdout": self.stdout,
            "stderr": self.stderr,
            "stdout_truncated": self.stdout_truncated,
            "stderr_truncated": self.stderr_truncated,
            "execution_id": self.execution_id,
            "changes": [change.to_dict() for change in self.changes],
            "preview": self.preview,
            "replayed_from": self.replayed_from,
            "started_at": self.started_at,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Step:
        """A step from its trajectory line."""
        edited = data.get("edited_from")
        return cls(
            step=int(data["step"]),
            who=data["who"],
            action=Action.from_dict(data["action_detail"]),
            exit_code=data.get("exit_code"),
            duration_s=float(data.get("duration_s") or 0.0),
            cwd=data.get("cwd") or "",
            cwd_after=data.get("cwd_after") or "",
            stdout=data.get("stdout") or "",
            stderr=data.get("stderr") or "",
            stdout_truncated=bool(data.get("stdout_truncated")),
            stderr_truncated=bool(data.get("stderr_truncated")),
            execution_id=data.get("execution_id") or "",
            changes=[FileChange.from_dict(change) for change in data.get("changes") or []],
            started_at=data.get("started_at") or "",
            env_changed=list(data.get("env_changed") or []),
            edited_from=None if edited is None else Action.from_dict(edited),
            replayed_from=data.get("replayed_from"),
            preview_score=data.get("preview_score"),
            preview=data.get("preview"),
        )

    def __repr__(self) -> str:
        files = ", ".join(self.files_changed) or "no files changed"
        return (
            f"Step({self.step}, {self.who}, {self.action.describe()[:60]!r}, "
            f"exit {self.exit_code}, {files})"
        )
