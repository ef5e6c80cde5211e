from __future__ import annotations

from runloop_nb import analysis
from runloop_nb.charts import scorer_heatmap


def test_scenarios_by_functions(data) -> None:
    figure = scorer_heatmap(analysis.scores_frame(data))
    [heat] = figure.data
    assert list(heat.y) == ["alpha", "beta", "gamma"]
    assert list(heat.x) == ["lint", "tests"]
    # alpha: gold 1.0 and mutant 0.0 -> 0.5 for both functions
    assert heat.z[0].tolist() == [0.5, 0.5]
    assert heat.z[2].tolist() == [0.5, 0.5]
    # beta's lint ended in error once (the mutant's run), over 2 runs
    assert heat.customdata[1][0].tolist() == [2, 1]
    assert figure.layout.xaxis.title.text == "scoring function"


def test_one_column_per_function_and_agent(data) -> None:
    figure = scorer_heatmap(analysis.scores_frame(data), by="agent")
    [heat] = figure.data
    assert list(heat.x) == ["lint | gold", "lint | mutant", "tests | gold", "tests | mutant"]
    # alpha: gold 1.0, mutant 0.0, no longer averaged into 0.5
    assert heat.z[0].tolist() == [1.0, 0.0, 1.0, 0.0]
    assert figure.layout.xaxis.title.text == "scoring function | agent"
