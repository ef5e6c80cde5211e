"""Parsing printed scores and trimming long output."""

from __future__ import annotations

import pytest

from runloop_nb.local.scoring._outcome import parse_score, trim_output


@pytest.mark.parametrize(
    ("stdout", "score"),
    [("0.5\n", 0.5), ("log\nscore=1\n\n", 1.0), ("score = .25", 0.25), ("-3", 0.0), ("1e0", 1.0)],
)
def test_scores_in_either_form_are_read_and_clamped(stdout: str, score: float) -> None:
    assert parse_score(stdout) == (score, "")


@pytest.mark.parametrize("stdout", ["", "\n\n", "score: 1", "0.5 points", "nan"])
def test_anything_else_is_refused_with_a_reason(stdout: str) -> None:
    value, reason = parse_score(stdout)
    assert value is None
    assert reason


def test_long_output_keeps_head_and_tail() -> None:
    text = "HEAD" + "x" * 100_000 + "TAIL"
    trimmed = trim_output(text)
    assert len(trimmed) < 33_000
    assert trimmed.startswith("HEAD")
    assert trimmed.endswith("TAIL")
    assert "elided" in trimmed
