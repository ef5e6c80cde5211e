"""Gold audit in a real devbox: reference applied -> 1.0; untouched -> 0.0 (repo-bugfix: 0.3).

All smoke and repo-bugfix scenarios, and a spread sample of 10 HumanEval tasks. An untouched
repo-bugfix run breaks nothing, so its pass-to-pass function (weight 0.3) passes and its
fail-to-pass function fails.
"""

from __future__ import annotations

import pytest

from runloop_nb.local.catalog import BundledScenario, bundled_benchmarks
from runloop_nb.local.catalog._repo_bugfix import P2P_WEIGHT

from ._gold import gold_scores

_BENCHMARKS = {benchmark.name: benchmark for benchmark in bundled_benchmarks()}
_SAMPLE = [
    *_BENCHMARKS["smoke"].scenarios,
    *_BENCHMARKS["repo-bugfix"].scenarios,
    *_BENCHMARKS["humaneval"].scenarios[::17],
]


@pytest.mark.parametrize("scenario", _SAMPLE, ids=[s.name for s in _SAMPLE])
async def test_reference_scores_one_and_untouched_scores_only_what_it_did_not_break(
    scenario: BundledScenario,
) -> None:
    untouched, applied = await gold_scores(scenario)
    assert applied["score"] == 1.0, applied["scoring_function_results"]
    results = untouched["scoring_function_results"]
    assert {r["state"] for r in results} == {"complete"}
    if scenario.metadata.get("benchmark") == "repo-bugfix":
        assert untouched["score"] == P2P_WEIGHT, results
        scores = {r["scoring_function_name"]: r["score"] for r in results}
        assert scores == {"fail_to_pass": 0.0, "pass_to_pass": 1.0}
    else:
        assert untouched["score"] == 0.0, results
