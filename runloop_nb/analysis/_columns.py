"""Typed columns: build a DataFrame whose columns and dtypes are exactly those of a contract."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterator, Mapping, Sequence
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


def rows(table: pd.DataFrame, columns: Sequence[str]) -> Iterator[Any]:
    """The rows of `columns` of `table` as named tuples, like `itertuples(index=False)` but
    each column is read once (`tolist`), not cell by cell: several times faster on the
    string and nullable columns of these frames (10,000 runs: ~0.3 s less per pass)."""
    row = namedtuple("row", columns)  # type: ignore[misc]
    return map(row._make, zip(*(table[c].tolist() for c in columns), strict=True))


def _series(values: Sequence[Any], dtype: Any) -> pd.Series:
    if dtype == TIME_DTYPE:
        millis = pd.array(list(values), dtype="Int64")
        return pd.Series(pd.to_datetime(millis, unit="ms", utc=True)).astype(TIME_DTYPE)
    if dtype == "object":
        return pd.Series(list(values), dtype="object")
    return pd.Series(list(values), dtype=dtype)
