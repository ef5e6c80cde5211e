"""WireModel: the base of every request and response model of the Runloop REST contract."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from runloop_nb.wire._display import short_args


class WireModel(BaseModel):
    """A JSON object of the Runloop wire contract.

    Unknown fields are kept, never rejected: the service adds fields over time and a client that
    drops or refuses them would break (or lose data when it writes a view back). Validation
    strictness comes from the declared field types only (pydantic's default lax mode: ``"3"`` is an
    acceptable int, a dict is not an acceptable str).
    """

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    def __repr_args__(self) -> Any:
        # A scenario's test files or a command's output can be megabytes: a repr that prints
        # them whole buries the cell (strings past 60 chars end in "... (N chars)").
        return short_args(super().__repr_args__())

    def to_wire(self, *, exclude_unset: bool = True) -> dict[str, Any]:
        """Return the JSON-ready dict exactly as it goes over the wire (wire names, extras kept).

        Args:
            exclude_unset: leave out fields that were never given (the default), so that a parsed
                JSON object dumps back to exactly the same object. Pass ``False`` to also emit
                the defaults of fields that were never set.

        Returns:
            A dict of JSON types keyed by wire names (``scenarioIds``, ``runProfile``, ...).
        """
        return self.model_dump(mode="json", by_alias=True, exclude_unset=exclude_unset)
