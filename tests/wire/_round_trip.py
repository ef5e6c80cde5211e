"""Shared check for the wire tests: a service JSON sample parses, reads and dumps back unchanged."""

from __future__ import annotations

import json
from functools import reduce
from typing import Any

from runloop_nb.wire import WireModel

Case = tuple[type[WireModel], dict[str, Any], dict[str, Any]]


def case_ids(cases: list[Case]) -> list[str]:
    return [model.__name__ for model, _, _ in cases]


def assert_round_trip(
    model: type[WireModel], sample: dict[str, Any], attrs: dict[str, Any]
) -> None:
    """Parse ``sample`` (from a dict and from JSON text), check attributes, dump back exactly.

    ``attrs`` maps dotted attribute paths (``run_profile.env_vars``, ``runs.0.id``) to values.
    The dump is compared as canonical JSON text so that ``1`` vs ``1.0`` would count as a change.
    """
    for parsed in (model.model_validate(sample), model.model_validate_json(json.dumps(sample))):
        for path, expected in attrs.items():
            actual = reduce(_step, path.split("."), parsed)
            assert actual == expected, f"{model.__name__}.{path}"
        assert parsed.model_extra is not None
        assert parsed.model_extra.get("x_future_field") == sample["x_future_field"]
        assert _canonical(parsed.to_wire()) == _canonical(sample)


def _step(value: Any, name: str) -> Any:
    # A numeric path segment indexes a list: "scoring_function_parameters.0.weight".
    return value[int(name)] if name.isdigit() else getattr(value, name)


def _canonical(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True)
