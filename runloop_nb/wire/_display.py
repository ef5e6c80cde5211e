"""How wire models look in a notebook: the short text repr, `_repr_html_` and page tables.

One place for every view, so that each model only says *what* a person reads first (`_row`) and
what to fold away (`_folds`). Values come from the service or from an agent's devbox, so every
one of them is HTML-escaped here; nothing a model returns is trusted as markup.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, ClassVar

#: Strings longer than this are cut in the text repr ("... (N chars)").
REPR_CHARS = 60
#: Strings longer than this are cut in HTML table cells (their folds show them whole).
CELL_CHARS = 80
#: ... and in the summary line above the folds.
HEAD_CHARS = 40
# Shown without their name in the summary line: what they are is plain from the value.
_BARE = frozenset({"id", "execution_id", "name", "status", "state"})


class Truncated:
    """A long string as the text repr shows it: its start, then how long it really is."""

    def __init__(self, text: str, limit: int = REPR_CHARS) -> None:
        self.text = text
        self.limit = limit

    def __repr__(self) -> str:
        return f"{self.text[: self.limit]!r}... ({len(self.text)} chars)"


def shorten(value: Any, limit: int = REPR_CHARS) -> Any:
    """`value`, or a `Truncated` stand-in when it is a string longer than `limit`."""
    if isinstance(value, str) and len(value) > limit:
        return Truncated(value, limit)
    return value


def short_args(args: Iterable[tuple[str | None, Any]]) -> Iterator[tuple[str | None, Any]]:
    """Pydantic repr arguments with long strings cut (see `WireModel.__repr_args__`)."""
    for name, value in args:
        yield name, shorten(value)


class Displayed:
    """Mixin of the views a person looks at: a one-line text repr and a one-line HTML view.

    Subclasses set `display_columns` (the keys of `_row`, in order: also `Page.to_pandas()`'s
    columns) and implement `_row`; `_folds` lists the long parts shown folded in HTML.
    """

    display_columns: ClassVar[tuple[str, ...]] = ()

    def _row(self) -> dict[str, Any]:
        """The fields a person reads first, column -> full value (None = absent)."""
        raise NotImplementedError

    def _folds(self) -> dict[str, Any]:
        """Long parts (label -> str, model, list or dict), folded under `<details>` in HTML."""
        return {}

    def __repr__(self) -> str:
        return text_repr(self)

    def _repr_html_(self) -> str:
        return view_html(self)


def text_repr(view: Displayed) -> str:
    """`BenchmarkView(id='bmd_1', name='smoke', ...)`: one line, absent fields left out."""
    parts = [f"{key}={shorten(value)!r}" for key, value in view._row().items() if value is not None]
    return f"{type(view).__name__}({', '.join(parts)})"


def view_html(view: Displayed) -> str:
    """One visible line (the summary), which unfolds to the fields and a fold per long part."""
    row = {key: value for key, value in view._row().items() if value is not None}
    head = " · ".join(
        _cell(value, HEAD_CHARS) if key in _BARE else f"{_text(key)} {_cell(value, HEAD_CHARS)}"
        for key, value in row.items()
    )
    table = "".join(
        f"<tr><th style='text-align:left'>{_text(key)}</th><td>{_cell(value)}</td></tr>"
        for key, value in row.items()
    )
    folds = [
        _fold(_text(f"{label}{_size(value)}"), _body(value))
        for label, value in view._folds().items()
        if value not in (None, "", [], {})
    ]
    summary = f"<b>{_text(type(view).__name__)}</b> {head}"
    body = f"<table>{table}</table><div style='margin-left:1em'>{''.join(folds)}</div>"
    return f"<div class='runloop-nb-view'>{_fold(summary, body)}</div>"


def rows_html(
    items: Sequence[Any], columns: Sequence[str], caption: str, *, limit: int = CELL_CHARS
) -> str:
    """A table, one row per item (its `_row`), under `caption`; items without `_row` as JSON."""
    head = "".join(f"<th style='text-align:left'>{_text(c)}</th>" for c in columns)
    body = []
    for item in items:
        row = row_of(item)
        cells = "".join(f"<td>{_cell(row.get(c), limit)}</td>" for c in columns)
        body.append(f"<tr>{cells}</tr>")
    return (
        f"<div class='runloop-nb-page'><table><caption style='text-align:left'>{_text(caption)}"
        f"</caption><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def row_of(item: Any) -> dict[str, Any]:
    """A view's `_row`, or any other model's top-level wire fields."""
    if isinstance(item, Displayed):
        return item._row()
    to_wire = getattr(item, "to_wire", None)
    if callable(to_wire):
        wired: dict[str, Any] = to_wire()
        return wired
    return {"value": item}


def columns_of(item_type: type | None, items: Sequence[Any]) -> list[str]:
    """The columns of a page of `item_type`: its `display_columns`, else the items' keys."""
    if item_type is not None and issubclass(item_type, Displayed) and item_type.display_columns:
        return list(item_type.display_columns)
    seen: dict[str, None] = {}
    for item in items:
        seen.update(dict.fromkeys(row_of(item)))
    return list(seen)


def _fold(summary_html: str, body_html: str) -> str:
    return f"<details><summary>{summary_html}</summary>{body_html}</details>"


def _size(value: Any) -> str:
    if isinstance(value, str):
        return f" ({len(value)} chars)"
    if isinstance(value, Sequence | Mapping):
        return f" ({len(value)})"
    return ""


def _body(value: Any) -> str:
    if isinstance(value, Displayed):
        return value._repr_html_()
    if isinstance(value, str):
        return f"<pre style='white-space:pre-wrap'>{_text(value)}</pre>"
    return f"<pre style='white-space:pre-wrap'>{_text(_json(value))}</pre>"


def _json(value: Any) -> str:
    def plain(item: Any) -> Any:
        to_wire = getattr(item, "to_wire", None)
        return to_wire() if callable(to_wire) else str(item)

    return json.dumps(value, indent=1, ensure_ascii=False, default=plain)


def _cell(value: Any, limit: int = CELL_CHARS) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else _json(value)
    flat = " ".join(text.split()) if isinstance(value, str) else text
    if len(flat) > limit:
        flat = f"{flat[:limit]}… ({len(text)} chars)"
    return _text(flat)


def _text(value: object) -> str:
    return html.escape(str(value), quote=True)
