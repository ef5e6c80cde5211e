"""Domain errors of the local server; ``_app`` maps each to one HTTP status and a JSON body."""

from __future__ import annotations


class ServerError(Exception):
    """Base: ``status`` and ``error`` become the HTTP answer ``{"error": ..., "message": ...}``."""

    status = 400
    error = "bad_request"
    #: Extra response headers.
    headers: dict[str, str] = {}

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidRequest(ServerError):
    """The body or query is malformed or has a wrong value."""


class NotFound(ServerError):
    status = 404
    error = "not_found"

    def __init__(self, kind: str, resource_id: str) -> None:
        shown = resource_id if len(resource_id) <= 80 else resource_id[:77] + "..."
        # The fact only: clients add their own advice (ours: "Check the id (list ...)"), and
        # advice in both places read twice.
        super().__init__(f"No {kind} with id {shown!r}.")


class IllegalState(ServerError):
    """The resource is in a state that does not allow the call (400: retrying will not help)."""

    error = "illegal_state"


class Forbidden(ServerError):
    status = 403
    error = "forbidden"


class Conflict(ServerError):
    """A transient conflict (409). Clients retry 409 automatically: only for retry-safe cases."""

    status = 409
    error = "conflict"


class RequestTimeout(ServerError):
    """A long-poll hold ran out: clients treat 408 as "not yet" and ask again."""

    status = 408
    error = "timeout"


class SandboxUnavailable(ServerError):
    """No real sandbox can be made on this host (503, and clients are told not to retry)."""

    status = 503
    error = "sandbox_unavailable"
    headers = {"x-should-retry": "false"}
