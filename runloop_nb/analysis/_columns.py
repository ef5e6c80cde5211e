"""Typed columns: build a DataFrame whose columns and dtypes are exactly those of a contract."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

# The order outcomes are listed in everywhere (frames, summaries, charts, the report).
OUTCOMES = (
    "passed",
    "partial",
    "failed",
    "scorer_error",
    "timeout",
    "infra_failed",
    "canceled",
    "in_progress",
    "not_started",
)
OUTCOME_DTYPE = pd.CategoricalDtype(list(OUTCOMES))
TIME_DTYPE = "datetime64[ms, UTC]"


def frame(columns: Mapping[str, Sequence[Any]], dtypes: Mapping[str, Any]) -> pd.DataFrame:
    """A DataFrame of `columns` with every column cast to its dtype in `dtypes` (same keys,
    same order); missing values become <NA>/NaN/NaT of that dtype."""
    if list(columns) != list(dtypes):
        raise ValueError(f"columns {list(columns)} do not match the contract {list(dtypes)}")
    data = {name: _series(values, dtypes[name]) for name, values in columns.items()}
    return pd.DataFrame(data, columns=list(dtypes))


def empty_columns(dtypes: Mapping[str, Any]) -> dict[str, list[Any]]:
    """One empty list per column of a contract, to fill row by row."""
    return {name: [] for name in dtypes}


def _series(values: Sequence[Any], dtype: Any) -> pd.Series:
    if dtype == TIME_DTYPE:
        millis = pd.array(list(values), dtype="Int64")
        return pd.Series(pd.to_datetime(millis, unit="ms", utc=True)).astype(TIME_DTYPE)
    if dtype == "object":
        return pd.Series(list(values), dtype="object")
    return pd.Series(list(values), dtype=dtype)
