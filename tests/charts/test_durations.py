from __future__ import annotations

from runloop_nb.charts import durations_chart


def test_one_box_per_agent_with_every_run(runs) -> None:
    figure = durations_chart(runs)
    gold, mutant = figure.data
    assert (gold.name, list(gold.y)) == ("gold", [1.0, 2.0, 3.0])
    assert mutant.name == "mutant"
    assert sorted(mutant.y) == [0.5, 2.5]
    assert gold.customdata[0].tolist() == ["alpha", "passed"]
    assert figure.layout.yaxis.title.text == "seconds"
    assert figure.layout.title.text == "Scenario run durations"
