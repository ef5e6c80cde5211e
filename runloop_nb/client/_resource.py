"""What every resource shares: the transport, the polling config and argument checks."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pydantic

from runloop_nb.client._polling import PollingConfig
from runloop_nb.client._transport import Transport
from runloop_nb.client._types import body_of


class Resource:
    """Base of the resource namespaces (`client.api.benchmarks`, ...)."""

    def __init__(self, transport: Transport, polling: PollingConfig) -> None:
        self._transport = transport
        self._polling = polling


def path_id(value: object, what: str) -> str:
    """Check an id argument and escape it for use in a URL path."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{what} must be a non-empty string id (got {value!r}).")
    return quote(value, safe="")


def wire_body(model: type[pydantic.BaseModel], **fields: Any) -> dict[str, Any]:
    """Validate the given fields with the request model and return them in wire form.

    Only given fields are sent (omitted ones are absent, explicit None is JSON null), under
    their wire names (`runProfile` with `envVars`/`launchParameters` inside).

    Raises:
        ValueError: an argument has the wrong type or value; the message names it.
    """
    given = body_of(**fields)
    try:
        parsed = model.model_validate(given)
    except pydantic.ValidationError as exc:
        raise ValueError(f"Invalid arguments for {model.__name__}: {exc}") from None
    wire: dict[str, Any] = parsed.model_dump(mode="json", by_alias=True, exclude_unset=True)
    return wire
