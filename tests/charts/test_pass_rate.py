from __future__ import annotations

import pytest

from runloop_nb.charts import pass_rate_chart


def test_bars_intervals_and_labels(summary) -> None:
    figure = pass_rate_chart(summary)
    [bar] = figure.data
    assert list(bar.x) == ["gold", "mutant"]
    assert list(bar.y) == pytest.approx([2 / 3, 0.0])
    assert list(bar.error_y.array) == pytest.approx(
        list(summary.pass_rate_high - summary.pass_rate)
    )
    assert list(bar.error_y.arrayminus) == pytest.approx(
        list(summary.pass_rate - summary.pass_rate_low)
    )
    assert "Wilson" in figure.layout.title.text
    assert figure.layout.yaxis.title.text == "pass rate"
    assert "passed %{customdata[0]} of %{customdata[1]}" in bar.hovertemplate
    assert bar.customdata[0][:2].tolist() == [2, 3]


def test_a_frame_without_the_columns_is_refused(runs) -> None:
    with pytest.raises(ValueError, match="pass_rate_chart needs the columns pass_rate"):
        pass_rate_chart(runs)
