"""`Table`: a small anywidget that draws one page of rows with checkboxes and an active row.

Why our own and not another table: paging and selection live on the server side and in Python
(a page flip is one request, a selection survives paging, "select all n" means all n, not all
loaded). itables' `ITable` and ipydatagrid page the frame they were given in the browser, and a
grid of ipywidgets (a Checkbox and Labels per row) costs one comm message per changed cell:
measured with `bench/widget_page_flip.py`, a 20-row page flip is 1 state message here against
about 60 for a 20 x 3 grid of reused Labels. The front end is plain ESM in `static/`, so it renders
in JupyterLab 4 and Voila with no network and no build step.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import anywidget
import traitlets as t

_STATIC = Path(__file__).with_name("static")


class Table(anywidget.AnyWidget):
    """Rows of `{"id": str, "cells": [str, ...]}` under `columns`.

    Traits (synced with the browser):
        columns: the header labels.
        rows: the rows of the page shown.
        selectable: whether rows have checkboxes.
        selected: the ids checked, on every page (the view checks those it shows).
        active: the id of the row last clicked ("" for none).
        empty: what shows when there are no rows.
    """

    _esm = _STATIC / "table.js"
    _css = _STATIC / "table.css"

    columns = t.List(t.Unicode()).tag(sync=True)
    rows = t.List(t.Dict()).tag(sync=True)
    selectable = t.Bool(False).tag(sync=True)
    selected = t.List(t.Unicode()).tag(sync=True)
    active = t.Unicode("").tag(sync=True)
    empty = t.Unicode("nothing to show").tag(sync=True)

    def show(self, rows: Sequence[tuple[str, Sequence[Any]]], *, empty: str | None = None) -> None:
        """Show `(id, cells)` rows (cells become text; None shows empty)."""
        if empty is not None:
            self.empty = empty
        self.rows = [
            {"id": row_id, "cells": ["" if v is None else str(v) for v in cells]}
            for row_id, cells in rows
        ]

    def __repr__(self) -> str:
        return f"<Table {len(self.rows)} rows>"
