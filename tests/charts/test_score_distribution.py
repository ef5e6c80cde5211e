from __future__ import annotations

from runloop_nb.charts import score_distribution_chart


def test_one_histogram_per_agent_counting_the_unscored(outcomes) -> None:
    figure = score_distribution_chart(outcomes)
    gold, mutant = figure.data
    assert gold.name == "gold"
    assert sorted(gold.x) == [0.5, 1.0, 1.0]
    # the mutant's s2 ended in a scorer error and s3 never started: not scores
    assert mutant.name == "mutant (2 without a score)"
    assert list(mutant.x) == [0.0]
    assert figure.layout.xaxis.title.text == "score"
    assert figure.layout.yaxis.title.text == "scenario runs"
