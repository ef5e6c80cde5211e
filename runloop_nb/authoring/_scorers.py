"""Argument checks of the builder, and its scoring functions: checked when added, normalised."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import pydantic

from runloop_nb.wire import SCORING_FUNCTION_NAME_PATTERN, ScoringFunction

TestFiles = Mapping[str, str] | Sequence[Mapping[str, str]]


def scoring_function(name: str, weight: float, scorer: dict[str, Any]) -> dict[str, Any]:
    """Return one checked scoring-function entry (`name`, `weight`, `scorer`).

    Raises:
        ValueError: the name, the weight or a scorer field is invalid; the message says which.
    """
    _check_name(name)
    _check_weight(name, weight)
    entry = {"name": name, "weight": float(weight), "scorer": scorer}
    try:
        ScoringFunction.model_validate(entry)
    except pydantic.ValidationError as exc:
        problems = "; ".join(_describe(error) for error in exc.errors())
        raise ValueError(f"Scorer {name!r} is invalid: {problems}.") from None
    return entry


def _check_name(name: str) -> None:
    if not isinstance(name, str) or not re.fullmatch(SCORING_FUNCTION_NAME_PATTERN, name):
        raise ValueError(
            f"Scorer name {name!r} is not allowed: use only letters, digits, '_' and '-' "
            "(e.g. 'unit_tests')."
        )


def _check_weight(name: str, weight: float) -> None:
    if isinstance(weight, bool) or not isinstance(weight, int | float):
        raise ValueError(f"Scorer {name!r}: weight must be a number > 0 (got {weight!r}).")
    if not math.isfinite(weight) or weight <= 0:
        raise ValueError(
            f"Scorer {name!r}: weight must be a finite number > 0 (got {weight!r}); weights are "
            "relative and normalised to sum to 1, so use e.g. 1.0 and 2.0."
        )


def _describe(error: Any) -> str:
    where = ".".join(str(part) for part in error.get("loc", ()) if part not in ("scorer",))
    return f"{where or 'value'}: {error.get('msg', 'invalid')}"


def require_text(scorer_name: str, field: str, value: object) -> str:
    """Return `value` if it is a non-blank string, else raise a ValueError naming the field."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"Scorer {scorer_name!r}: {field} must be a non-empty string.")
    return value


def scorer_test_files(scorer_name: str, files: TestFiles | None) -> list[dict[str, str]]:
    """Accept test files as `{path: contents}` or a list of `{file_path, file_contents}` dicts.

    Raises:
        ValueError: a path is empty or absolute, or an entry lacks its keys.
    """
    if files is None:
        return []
    pairs = list(files.items()) if isinstance(files, Mapping) else _pairs_of(scorer_name, files)
    for path, contents in pairs:
        if not isinstance(path, str) or not path.strip() or path.startswith("/"):
            raise ValueError(
                f"Scorer {scorer_name!r}: test file path {path!r} must be a non-empty path "
                "relative to the working directory."
            )
        if not isinstance(contents, str):
            raise ValueError(f"Scorer {scorer_name!r}: contents of {path!r} must be a string.")
    return [{"file_path": path, "file_contents": contents} for path, contents in pairs]


def _pairs_of(scorer_name: str, files: Sequence[Mapping[str, str]]) -> list[tuple[Any, Any]]:
    pairs = []
    for entry in files:
        if not isinstance(entry, Mapping) or "file_path" not in entry:
            raise ValueError(
                f"Scorer {scorer_name!r}: each test file must be a dict with 'file_path' and "
                f"'file_contents' (got {entry!r}); or pass {{path: contents}}."
            )
        pairs.append((entry["file_path"], entry.get("file_contents")))
    return pairs


def normalised(entries: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return copies of the entries whose weights are scaled to sum to 1."""
    total = sum(entry["weight"] for entry in entries)
    return [{**entry, "weight": entry["weight"] / total} for entry in entries]


def require_string(what: str, value: object) -> str:
    """Return `value` if it is a non-blank string, else raise a ValueError naming `what`."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"The {what} must be a non-empty string (got {value!r}).")
    return value


def string_list(what: str, names: Sequence[str]) -> list[str]:
    """Return the names as a list if they are non-empty strings (a lone string is refused)."""
    if isinstance(names, str) or not all(isinstance(n, str) and n for n in names):
        raise ValueError(f"Give the required {what} names as a list of non-empty strings.")
    return list(names)
