"""Fixed-width text tables for the terminal (the `runloop-nb` listings), with no dependencies."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

#: Widest a cell may be before it is cut with "…" (ids and names fit; descriptions do not).
MAX_CELL = 48
_GAP = "  "


def cell(value: Any, width: int = MAX_CELL) -> str:
    """One line of text for `value`: None is empty, whitespace runs become one space."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3g}"
    text = " ".join(str(value).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def format_table(
    rows: Sequence[Mapping[str, Any]], columns: Sequence[str], *, empty: str = "(none)"
) -> str:
    """`rows` under an upper-case header, each column as wide as its widest cell.

    Args:
        rows: one mapping per line, keyed by the names in `columns` (missing keys are empty).
        columns: the column names, in order.
        empty: what to print when there are no rows.

    Returns:
        The table, lines joined by newlines, without a trailing newline or trailing spaces.
    """
    if not rows:
        return empty
    cells = [[cell(row.get(column)) for column in columns] for row in rows]
    header = [column.upper().replace("_", " ") for column in columns]
    widths = [max(len(line[i]) for line in [header, *cells]) for i in range(len(columns))]
    lines = [header, ["-" * width for width in widths], *cells]
    return "\n".join(
        _GAP.join(text.ljust(width) for text, width in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )
