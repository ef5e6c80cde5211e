from __future__ import annotations

from runloop_nb import analysis
from runloop_nb.charts import paired_chart


def test_the_two_by_two_matrix(outcomes) -> None:
    comparison = analysis.compare(outcomes, "gold", "mutant")
    figure = paired_chart(comparison.table, "gold", "mutant")
    [heat] = figure.data
    # gold passes alpha and beta; the mutant passes nothing (beta was a scorer error)
    assert [list(row) for row in heat.z] == [[0, 2], [0, 1]]
    assert list(heat.x) == ["mutant passes", "mutant fails"]
    assert list(heat.y) == ["gold passes", "gold fails"]
    assert heat.customdata[0][1] == "alpha<br>beta"
    assert figure.layout.title.text == "Paired outcomes: gold vs mutant"
