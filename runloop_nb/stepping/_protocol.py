"""The step-level agent protocol: an observation in, the next action (or None: done) out.

An `Action` is one shell command or one file write, with optional thought text. A `StepAgent`
sees an `Observation` (the problem statement, every step so far with its result, and what the
person at the keyboard said about its last proposal) and answers with its next action.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

ActionKind = Literal["command", "write"]


@dataclass(frozen=True)
class Action:
    """One thing to do in the devbox: run `command`, or write `contents` to `path`.

    `path` is relative to the step's working directory unless absolute. Build one with
    `Action.run(...)` or `Action.write(...)`.
    """

    kind: ActionKind
    command: str | None = None
    path: str | None = None
    contents: str | None = None
    thought: str = ""

    def __post_init__(self) -> None:
        if self.kind == "command" and not (self.command and self.command.strip()):
            raise ValueError("a command action needs a non-empty command")
        if self.kind == "write" and (not self.path or self.contents is None):
            raise ValueError("a write action needs a path and contents (use '' for empty)")
        if self.kind not in ("command", "write"):
            raise ValueError(f"an action's kind is 'command' or 'write' (got {self.kind!r})")

    @classmethod
    def run(cls, command: str, thought: str = "") -> Action:
        """A shell command, run as in a terminal (cwd and exported variables persist)."""
        return cls("command", command=command, thought=thought)

    @classmethod
    def write(cls, path: str, contents: str, thought: str = "") -> Action:
        """Write `contents` (text) to `path`, creating parent directories."""
        return cls("write", path=path, contents=contents, thought=thought)

    def describe(self) -> str:
        """One string for the record and for people: the command, or `write <path>`."""
        if self.kind == "command":
            return self.command or ""
        return f"write {self.path} ({len((self.contents or '').encode())} bytes)"

    def to_dict(self) -> dict[str, Any]:
        """The JSON form kept in trajectories."""
        return {
            "kind": self.kind,
            "command": self.command,
            "path": self.path,
            "contents": self.contents,
            "thought": self.thought,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Action:
        """The inverse of `to_dict`."""
        return cls(
            kind=data["kind"],
            command=data.get("command"),
            path=data.get("path"),
            contents=data.get("contents"),
            thought=data.get("thought") or "",
        )


@dataclass(frozen=True)
class Observation:
    """What an agent sees before choosing its next action.

    Attributes:
        problem_statement: the scenario's task.
        working_directory: where the first step started.
        steps: every recorded step so far (`StepRecord`), oldest first.
        feedback: what happened to the agent's proposals since its last recorded step, oldest
            first: "skipped" notices and the messages of rejections.
        scenario: the scenario's view (`runloop_nb.wire.ScenarioView`), for agents that need
            more than the statement (the reference agent reads its `reference_output`).
    """

    problem_statement: str
    working_directory: str
    steps: Sequence[Any] = ()
    feedback: Sequence[str] = field(default_factory=tuple)
    scenario: Any = None


@runtime_checkable
class StepAgent(Protocol):
    """An agent that can be stepped: it proposes one action at a time.

    Return None when done. Raise to report that the agent cannot go on; the Stepper records
    nothing for that proposal and the caller sees the exception.
    """

    async def next_action(self, observation: Observation) -> Action | None:
        """The next action for `observation`, or None when the agent is done."""
        ...
