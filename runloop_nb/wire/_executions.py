"""Execution models: execute bodies, execution views, wait/kill/stdin bodies and SSE chunks."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

from runloop_nb.wire._base import WireModel
from runloop_nb.wire._display import Displayed

ExecutionStatus = Literal["queued", "running", "completed"]
StdinSignal = Literal["EOF", "INTERRUPT"]

DEFAULT_OPTIMISTIC_TIMEOUT = 25
DEFAULT_LAST_N = 100


class ExecuteParams(WireModel):
    """Body of ``POST /v1/devboxes/{id}/execute`` (the server clamps the wait to 25 s)."""

    command: str = Field(min_length=1)
    command_id: str | None = None
    optimistic_timeout: float | None = Field(default=None, ge=0)
    attach_stdin: bool | None = None


class ExecuteAsyncParams(WireModel):
    """Body of ``POST /v1/devboxes/{id}/execute_async``."""

    command: str = Field(min_length=1)
    attach_stdin: bool | None = None


class ExecuteSyncParams(WireModel):
    """Body of the deprecated ``POST /v1/devboxes/{id}/execute_sync``."""

    command: str = Field(min_length=1)
    attach_stdin: bool | None = None

    @model_validator(mode="after")
    def _no_stdin(self) -> ExecuteSyncParams:
        if self.attach_stdin:
            raise ValueError(
                "attach_stdin is not allowed with execute_sync: use execute_async, then send_std_in"
            )
        return self


class ExecutionView(Displayed, WireModel):
    """An execution's state and, once completed, its exit status and last output lines.

    The contract calls it DevboxAsyncExecutionDetailView.
    """

    display_columns: ClassVar[tuple[str, ...]] = (
        "execution_id",
        "devbox_id",
        "status",
        "exit_status",
        "stdout",
        "stderr",
    )

    devbox_id: str
    execution_id: str
    status: ExecutionStatus
    exit_status: int | None = None
    stdout: str | None = None
    stderr: str | None = None
    stdout_truncated: bool | None = None
    stderr_truncated: bool | None = None

    def _row(self) -> dict[str, Any]:
        return {
            "execution_id": self.execution_id,
            "devbox_id": self.devbox_id,
            "status": self.status,
            "exit_status": self.exit_status,
            "stdout": self.stdout,
            "stderr": self.stderr,
        }

    def _folds(self) -> dict[str, Any]:
        return {"stdout": self.stdout, "stderr": self.stderr}


class ExecutionDetailView(Displayed, WireModel):
    """Result of a finished synchronous command (the contract's DevboxExecutionDetailView)."""

    display_columns: ClassVar[tuple[str, ...]] = ("devbox_id", "exit_status", "stdout", "stderr")

    devbox_id: str
    exit_status: int
    stdout: str
    stderr: str

    def _row(self) -> dict[str, Any]:
        return {
            "devbox_id": self.devbox_id,
            "exit_status": self.exit_status,
            "stdout": self.stdout,
            "stderr": self.stderr,
        }

    def _folds(self) -> dict[str, Any]:
        return {"stdout": self.stdout, "stderr": self.stderr}


class ExecutionWaitParams(WireModel):
    """Body of ``POST …/executions/{id}/wait_for_status`` (the server clamps the hold to 25 s)."""

    statuses: list[ExecutionStatus] = Field(min_length=1)
    timeout_seconds: float | None = Field(default=None, ge=0)


class KillExecutionParams(WireModel):
    """Body of ``POST …/executions/{id}/kill``."""

    kill_process_group: bool = False


class SendStdInParams(WireModel):
    """Body of ``POST …/executions/{id}/send_std_in``: exactly one of ``text`` or ``signal``."""

    text: str | None = None
    signal: StdinSignal | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> SendStdInParams:
        if (self.text is None) == (self.signal is None):
            raise ValueError(
                'give exactly one of "text" (non-empty) or "signal" ("EOF" or "INTERRUPT")'
            )
        if self.text == "":
            raise ValueError('"text" must not be empty: to close stdin send {"signal": "EOF"}')
        return self


class SendStdInView(WireModel):
    """Response of ``send_std_in``."""

    devbox_id: str
    execution_id: str
    success: bool


class ExecutionUpdateChunk(WireModel):
    """The JSON data of one SSE event of ``stream_stdout_updates``/``stream_stderr_updates``."""

    output: str
    offset: int | None = None
