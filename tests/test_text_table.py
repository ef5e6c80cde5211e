"""Fixed-width tables: aligned columns, one line per row, long and odd values made to fit."""

from __future__ import annotations

from runloop_nb._text_table import MAX_CELL, cell, format_table


def test_columns_line_up_under_an_upper_case_header() -> None:
    table = format_table(
        [{"id": "bmd_1", "name": "smoke", "scenarios": 3}, {"id": "bmd_22", "name": "x"}],
        ["id", "name", "scenarios"],
    )
    assert table.splitlines() == [
        "ID      NAME   SCENARIOS",
        "------  -----  ---------",
        "bmd_1   smoke  3",
        "bmd_22  x",
    ]


def test_long_and_multi_line_values_stay_on_one_line() -> None:
    text = cell("line one\nline two " + "x" * 200)
    assert "\n" not in text
    assert len(text) == MAX_CELL
    assert text.endswith("…")
    assert text.startswith("line one line two x")


def test_none_bools_and_floats_read_plainly() -> None:
    assert [cell(None), cell(True), cell(False), cell(0.30000000000000004), cell(1.0)] == [
        "",
        "yes",
        "no",
        "0.3",
        "1",
    ]


def test_no_rows_prints_the_empty_text() -> None:
    assert format_table([], ["id"], empty="(no runs)") == "(no runs)"
