"""analysis._columns.rows: the rows of some columns, as itertuples gives them."""

from __future__ import annotations

from typing import Any

import pandas as pd

from runloop_nb.analysis._columns import OUTCOME_DTYPE, rows


def _shown(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple("<missing>" if pd.isna(v) else v for v in row)


def test_rows_are_itertuples_of_the_columns_asked_for_missing_values_included() -> None:
    table = pd.DataFrame(
        {
            "name": pd.Series(["a", None, "c"], dtype="string"),
            "attempt": pd.Series([1, None, 3], dtype="Int64"),
            "score": pd.Series([0.5, None, 1.0], dtype="float64"),
            "outcome": pd.Series(["passed", None, "failed"], dtype=OUTCOME_DTYPE),
            "unused": [1, 2, 3],
        }
    )
    columns = ("outcome", "name", "score", "attempt")
    got = list(rows(table, columns))
    expected = list(table[list(columns)].itertuples(index=False))
    assert [r._fields for r in got] == [columns] * 3
    assert [_shown(r) for r in got] == [_shown(r) for r in expected]
    assert _shown(got[1]) == ("<missing>",) * 4
    assert (got[0].outcome, got[0].name, got[0].score, got[0].attempt) == ("passed", "a", 0.5, 1)
