"""The "not given" sentinel and the encoders of call arguments into query strings and JSON."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any, Final, Literal, TypeAlias

from pydantic import BaseModel


class NotGiven(enum.Enum):
    """Marks an argument the caller did not give: it is not sent at all.

    `None` is different: it is sent as JSON `null` (which the server reads as "keep as is").
    """

    NOT_GIVEN = enum.auto()

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __bool__(self) -> Literal[False]:
        return False


NOT_GIVEN: Final = NotGiven.NOT_GIVEN

QueryItems: TypeAlias = list[tuple[str, str | int | float | bool | None]]


def body_of(**fields: Any) -> dict[str, Any]:
    """Keep the fields the caller gave (None included, sent as null), in wire form."""
    return {key: to_jsonable(value) for key, value in fields.items() if value is not NOT_GIVEN}


def to_jsonable(value: Any) -> Any:
    """Turn wire models (via `to_wire()`) and containers of them into plain JSON values."""
    if isinstance(value, BaseModel):
        to_wire = getattr(value, "to_wire", None)
        if callable(to_wire):
            return to_wire()
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, Mapping):
        return {str(key): to_jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(item) for item in value]
    return value


def encode_query(params: Mapping[str, Any] | None) -> QueryItems:
    """Encode query parameters the way the API expects.

    Booleans become `true`/`false`, None and NOT_GIVEN are dropped, lists are comma-joined
    and nested mappings use brackets (`metadata[key]=value`).
    """
    items: QueryItems = []
    for key, value in (params or {}).items():
        items.extend(_encode_pair(key, value))
    return items


def _encode_pair(key: str, value: Any) -> QueryItems:
    if value is None or value is NOT_GIVEN:
        return []
    if isinstance(value, Mapping):
        return [pair for k, v in value.items() for pair in _encode_pair(f"{key}[{k}]", v)]
    if isinstance(value, list | tuple | set | frozenset):
        return [(key, ",".join(_scalar(item) for item in value))]
    return [(key, _scalar(value))]


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
