"""Gold audit in a real devbox: reference applied -> 1.0; untouched -> 0.0.

All smoke and repo-bugfix scenarios, and a spread sample of 10 HumanEval tasks.
"""

from __future__ import annotations

import pytest

from runloop_nb.local.catalog import BundledScenario, bundled_benchmarks

from ._gold import gold_scores

_BENCHMARKS = {benchmark.name: benchmark for benchmark in bundled_benchmarks()}
_SAMPLE = [
    *_BENCHMARKS["smoke"].scenarios,
    *_BENCHMARKS["repo-bugfix"].scenarios,
    *_BENCHMARKS["humaneval"].scenarios[::17],
]


@pytest.mark.parametrize("scenario", _SAMPLE, ids=[s.name for s in _SAMPLE])
async def test_reference_scores_one_and_untouched_scores_zero(
    scenario: BundledScenario,
) -> None:
    untouched, applied = await gold_scores(scenario)
    assert applied["score"] == 1.0, applied["scoring_function_results"]
    assert untouched["score"] == 0.0, untouched["scoring_function_results"]
    assert {r["state"] for r in untouched["scoring_function_results"]} == {"complete"}
