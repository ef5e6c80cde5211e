"""Every exception runloop_nb raises on purpose; each message says what to do next.

The tree::

    RunloopNBError
    ├── APIError                      the server answered with an error status
    │   ├── BadRequestError           400
    │   │   └── InvalidStateError     400 whose body says the resource's state forbids the call
    │   ├── AuthenticationError       401
    │   ├── PermissionDeniedError     403
    │   ├── NotFoundError             404
    │   │   └── BenchmarkNotFoundError  no benchmark has that id or name (says the id of a name)
    │   ├── ConflictError             409
    │   ├── UnprocessableEntityError  422
    │   ├── RateLimitError            429
    │   └── InternalServerError       >= 500
    ├── APIConnectionError            no answer at all (refused, reset, DNS, ...)
    │   └── APITimeoutError           the answer did not come in time
    ├── ResponseFormatError           an answer that is not the JSON we expected
    ├── PollingTimeoutError           an await ran out of its time budget
    ├── UnexpectedStateError          an await ended in a state other than the wanted one
    ├── ConfigurationError            the client cannot be built from what was given
    ├── LocalServerError              the local server could not be started, reached or stopped
    ├── ReferenceOutputError          a scenario's reference solution is missing or failed
    ├── DirectoryUploadError          unpacking an uploaded directory in a devbox failed
    └── StepperError                  a step-by-step session cannot do what was asked
        └── ReplayMismatchError       a replayed step did not do what it did the first time

Any other error status is raised as a plain `APIError`. This module imports nothing of ours.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "BenchmarkNotFoundError",
    "CommandTimeoutError",
    "ConfigurationError",
    "ConflictError",
    "DirectoryUploadError",
    "InternalServerError",
    "InvalidStateError",
    "LocalServerError",
    "ModelError",
    "NotFoundError",
    "PermissionDeniedError",
    "PollingTimeoutError",
    "RateLimitError",
    "ReferenceOutputError",
    "ReplayMismatchError",
    "ResponseFormatError",
    "RunloopNBError",
    "StepperError",
    "UnexpectedStateError",
    "UnprocessableEntityError",
]

_DETAIL_LIMIT = 500


class RunloopNBError(Exception):
    """Base class of every error raised by runloop_nb."""


class APIError(RunloopNBError):
    """The server answered with an error status.

    Attributes:
        status_code: the HTTP status (or the `code` of an SSE error event).
        body: the parsed JSON body, or the raw text when it was not JSON.
        request_id: the `x-request-id` of the call, when known; quote it in support requests.
        method: the HTTP method of the failed call.
        url: the URL of the failed call.
    """

    hint: ClassVar[str] = "See the server's message above."

    def __init__(
        self,
        *,
        status_code: int,
        body: Any = None,
        request_id: str | None = None,
        method: str = "",
        url: str = "",
    ) -> None:
        self.status_code = status_code
        self.body = body
        self.request_id = request_id
        self.method = method
        self.url = url
        super().__init__(self._compose())

    def _compose(self) -> str:
        where = f"{self.method} {self.url} " if self.method or self.url else ""
        said = describe_body(self.body).rstrip().rstrip(".")
        text = f"{where}failed with HTTP {self.status_code}: {said}"
        if self.request_id:
            text += f" (request id {self.request_id})"
        return f"{text}. {self.hint}"


def describe_body(body: Any) -> str:
    """Return the most useful short text of an error body (`message`/`error` fields first)."""
    if isinstance(body, dict):
        parts = [str(body[key]) for key in ("error", "message", "detail") if body.get(key)]
        if parts:
            return _shorten(" - ".join(parts))
        return _shorten(json.dumps(body, default=str))
    if body is None or body == "":
        return "(empty body)"
    return _shorten(str(body))


def _shorten(text: str) -> str:
    return text if len(text) <= _DETAIL_LIMIT else text[:_DETAIL_LIMIT] + "..."


class BadRequestError(APIError):
    """HTTP 400: the server rejected the arguments."""

    hint = "Check the arguments named in the server's message against the API reference."


class InvalidStateError(BadRequestError):
    """HTTP 400 whose body says the resource's current state does not allow the call (e.g. exec
    in a shut-down devbox). Retrying will not help; the state must change first."""

    hint = (
        "The resource's state does not allow this call; retrieve it to see its state. A "
        "shut-down or failed devbox and an ended run never run again: start a new one."
    )


class AuthenticationError(APIError):
    """HTTP 401: the API key is missing or wrong."""

    hint = (
        "Set RUNLOOP_API_KEY or pass api_key= to the client, or call runloop_nb.connect() "
        "without a key to use the local server."
    )


class PermissionDeniedError(APIError):
    """HTTP 403: the key may not do this (e.g. changing a public benchmark or scenario)."""

    hint = "This key may not do that; public benchmarks and scenarios cannot be changed."


class NotFoundError(APIError):
    """HTTP 404: no such resource (for this account)."""

    hint = "Check the id (list the resource to see the ids this account has)."


class BenchmarkNotFoundError(NotFoundError, LookupError):
    """No benchmark (or more than one) has the id or name that was asked for.

    Raised instead of a plain 404 when the "id" was a benchmark's name: the message then gives
    the id. `status_code` is 404 and `body` is what the server said (when it was asked).
    """

    def __init__(
        self,
        message: str,
        *,
        body: Any = None,
        request_id: str | None = None,
        method: str = "",
        url: str = "",
    ) -> None:
        self.status_code = 404
        self.body = body
        self.request_id = request_id
        self.method = method
        self.url = url
        RunloopNBError.__init__(self, message)


class ConflictError(APIError):
    """HTTP 409: the resource's current state does not allow the call."""

    hint = "The resource is in a state that does not allow this; retrieve it to see its state."


class UnprocessableEntityError(APIError):
    """HTTP 422: the request was well formed but its values were rejected."""

    hint = "Fix the values named in the server's message and call again."


class RateLimitError(APIError):
    """HTTP 429: too many requests, even after the client's retries."""

    hint = "Too many requests even after retries; wait, lower concurrency or raise max_retries."


class InternalServerError(APIError):
    """HTTP >= 500: the server failed, even after the client's retries."""

    hint = "The server failed even after retries; try again later."


class APIConnectionError(RunloopNBError):
    """No answer from the server: the connection failed or broke."""

    def __init__(self, message: str, *, method: str = "", url: str = "") -> None:
        self.method = method
        self.url = url
        super().__init__(message)


class APITimeoutError(APIConnectionError):
    """The server did not answer within the timeout."""


class ResponseFormatError(RunloopNBError):
    """The server answered, but not with the JSON this call expects (e.g. an HTML proxy page).

    Attributes:
        url: the URL that answered.
        status_code: the HTTP status of that answer.
        snippet: the first 200 characters of the answer.
    """

    def __init__(self, *, url: str, status_code: int, snippet: str, problem: str) -> None:
        self.url = url
        self.status_code = status_code
        self.snippet = snippet
        super().__init__(
            f"{url} answered HTTP {status_code} with {problem}. The answer starts with: "
            f"{snippet!r}. Check that the base URL points at a Runloop API (not a web page or "
            "proxy login)."
        )


class PollingTimeoutError(RunloopNBError):
    """An await helper spent its time budget before the wanted state was reached.

    Attributes:
        what: what was awaited, e.g. "devbox dbx_1 to be running".
        last_state: the last state seen (None if the server never answered in time).
        budget_seconds: the time budget that was spent.
    """

    def __init__(self, what: str, *, last_state: str | None, budget_seconds: float) -> None:
        self.what = what
        self.last_state = last_state
        self.budget_seconds = budget_seconds
        seen = f"last seen state {last_state!r}" if last_state else "no state seen yet"
        super().__init__(
            f"Gave up waiting for {what} after {budget_seconds:g} s ({seen}). Wait longer with "
            "polling=PollingConfig(timeout_seconds=...) or check the resource's state."
        )


class CommandTimeoutError(RunloopNBError, TimeoutError):
    """A devbox command ran past the `timeout` its `exec` was given; it was killed (or tried).

    Attributes:
        execution_id: the execution of the command (read its output with `executions`).
        devbox_id: the devbox it ran in.
        timeout_seconds: the time it was given.
        killed: whether the kill was confirmed (False: it may still run; see the log).
    """

    def __init__(
        self,
        command: str,
        *,
        execution_id: str,
        devbox_id: str,
        timeout_seconds: float,
        killed: bool,
    ) -> None:
        self.execution_id = execution_id
        self.devbox_id = devbox_id
        self.timeout_seconds = timeout_seconds
        self.killed = killed
        outcome = "it was killed" if killed else "killing it failed, it may still run"
        super().__init__(
            f"{command} (execution {execution_id} on devbox {devbox_id}) did not end within "
            f"{timeout_seconds:g} s; {outcome}. Its output so far: "
            f"executions.retrieve({execution_id!r}, devbox_id={devbox_id!r})."
        )


class UnexpectedStateError(RunloopNBError):
    """An await ended, but in a state other than the wanted one (e.g. scoring ended `failed`).

    Attributes:
        what: what was awaited.
        state: the state it ended in.
        expected: the state that was wanted.
        detail: extra text from the server (failure reason, error message), if any.
    """

    def __init__(self, what: str, *, state: str, expected: str, detail: str | None = None) -> None:
        self.what = what
        self.state = state
        self.expected = expected
        self.detail = detail
        text = f"Waited for {what}, but it ended {state!r} instead of {expected!r}"
        if detail:
            text += f": {detail}"
        super().__init__(text + ". Retrieve the resource for its full state and logs.")


class ConfigurationError(RunloopNBError, ValueError):
    """The client cannot be built from the given arguments and environment."""


class LocalServerError(RunloopNBError):
    """The local server could not be started, reached or stopped; the message says why."""


class ReferenceOutputError(RunloopNBError):
    """The scenario's reference solution is missing or exited non-zero.

    Attributes:
        scenario_id: the scenario whose reference failed.
        exit_code: the script's exit status (None when there was no script to run).
        stderr: the last lines of the script's error output.
    """

    def __init__(
        self, message: str, *, scenario_id: str, exit_code: int | None, stderr: str = ""
    ) -> None:
        self.scenario_id = scenario_id
        self.exit_code = exit_code
        self.stderr = stderr
        super().__init__(message)


class DirectoryUploadError(RunloopNBError):
    """Unpacking an uploaded directory inside the helper devbox failed."""


class StepperError(RunloopNBError):
    """A Stepper cannot do what was asked (no proposal to approve, the run has ended, ...)."""


class ModelError(RunloopNBError):
    """A chat model endpoint (an OpenAI-compatible server a `ChatAgent` talks to) failed; the
    message says what to check (the key, the base URL, the model name)."""


class ReplayMismatchError(StepperError):
    """A replayed step (a fork, a ReplayAgent checked against its file) gave another result.

    Attributes:
        step: the step number that differed.
        expected: what the original step recorded (exit code and file changes).
        got: what the replay did.
    """

    def __init__(self, message: str, *, step: int, expected: Any, got: Any) -> None:
        self.step = step
        self.expected = expected
        self.got = got
        super().__init__(message)
