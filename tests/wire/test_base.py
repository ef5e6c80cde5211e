from __future__ import annotations

import pytest
from pydantic import Field, ValidationError

from runloop_nb.wire import WireModel


class Sample(WireModel):
    count: int
    label: str
    camel_name: str | None = Field(default=None, alias="camelName")
    tags: list[str] = Field(default_factory=list)


def test_unknown_fields_are_kept_and_dumped_back() -> None:
    sample = Sample.model_validate({"count": 1, "label": "a", "new": {"deep": [1]}})
    assert sample.model_extra == {"new": {"deep": [1]}}
    assert sample.to_wire() == {"count": 1, "label": "a", "new": {"deep": [1]}}


def test_to_wire_omits_unset_defaults_but_keeps_explicit_nulls() -> None:
    sample = Sample.model_validate({"count": 1, "label": "a", "camelName": None})
    assert sample.to_wire() == {"count": 1, "label": "a", "camelName": None}
    assert sample.to_wire(exclude_unset=False) == {
        "count": 1,
        "label": "a",
        "camelName": None,
        "tags": [],
    }


def test_pythonic_name_and_wire_alias_both_populate() -> None:
    by_name = Sample(count=1, label="a", camel_name="x")
    by_alias = Sample.model_validate({"count": 1, "label": "a", "camelName": "x"})
    assert by_name.camel_name == by_alias.camel_name == "x"
    assert by_name.to_wire() == by_alias.to_wire() == {"count": 1, "label": "a", "camelName": "x"}


def test_lax_types_accept_numeric_strings_but_not_wrong_shapes() -> None:
    assert Sample.model_validate({"count": "3", "label": "a"}).count == 3
    with pytest.raises(ValidationError, match="label"):
        Sample.model_validate({"count": 3, "label": {"not": "a string"}})
