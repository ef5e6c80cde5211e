"""compare() and pass_at_k_table() against hand-worked tables."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from runloop_nb import analysis


def _outcomes(rows: list[tuple[str, str, int, float, str]]) -> pd.DataFrame:
    """(agent, scenario, attempt, score, cluster) -> an outcomes-like frame."""
    frame = pd.DataFrame(rows, columns=["agent", "scenario_id", "attempt", "score", "cluster"])
    frame["scenario_name"] = frame["scenario_id"]
    frame["passed"] = frame["score"] >= 1.0
    return frame


def test_compare_by_hand() -> None:
    a = [1, 1, 1, 0, 0, 1]
    b = [1, 0, 0, 0, 1, 0]
    rows = [("A", f"s{i}", 1, float(x), f"s{i}") for i, x in enumerate(a)]
    rows += [("B", f"s{i}", 1, float(x), f"s{i}") for i, x in enumerate(b)]
    result = analysis.compare(_outcomes(rows), "A", "B", seed=1)
    assert (result.both, result.only_a, result.only_b, result.neither) == (1, 3, 1, 1)
    assert result.mcnemar_p == pytest.approx(2 * (1 + 4) / 16)  # b=3, c=1
    # d = 0, 1, 1, 0, -1, 1: mean 1/3; sum of squared deviations 10/3; / (6 * 5) -> 1/9
    assert result.mean_diff == pytest.approx(1 / 3)
    assert result.se == pytest.approx(1 / 3)
    assert result.clustered_se is None
    assert (result.ci_low, result.ci_high) == pytest.approx(
        (1 / 3 - 1.959964 / 3, 1 / 3 + 1.959964 / 3)
    )
    assert result.boot_low < result.mean_diff < result.boot_high
    assert list(result.table["category"]) == [
        "both pass", "only A", "only A", "neither", "only B", "only A",
    ]  # fmt: skip
    assert "only A 3, only B 1" in result.describe()
    assert result.summary().loc[0, "n"] == 6


def test_compare_uses_the_clustered_se_when_scenarios_share_a_cluster() -> None:
    a = [1, 1, 1, 0, 0, 0, 1, 0]
    b = [0, 0, 0, 0, 0, 0, 1, 0]
    clusters = ["x", "x", "x", "y", "y", "y", "z", "w"]
    rows = [("A", f"s{i}", 1, float(v), clusters[i]) for i, v in enumerate(a)]
    rows += [("B", f"s{i}", 1, float(v), clusters[i]) for i, v in enumerate(b)]
    result = analysis.compare(_outcomes(rows), "A", "B")
    d = [1, 1, 1, 0, 0, 0, 0, 0]
    assert result.clustered_se == pytest.approx(
        analysis._stats.clustered_standard_error(d, clusters)
    )
    assert result.clustered_se > result.se
    half = result.ci_high - result.mean_diff
    assert half == pytest.approx(1.959964 * result.clustered_se)


def test_compare_over_attempts_averages_scores_and_passes_by_majority() -> None:
    rows = [
        ("A", "s1", 1, 1.0, "s1"), ("A", "s1", 2, 1.0, "s1"), ("A", "s1", 3, 0.0, "s1"),
        ("B", "s1", 1, 0.0, "s1"), ("B", "s1", 2, 1.0, "s1"), ("B", "s1", 3, 0.0, "s1"),
        ("A", "s2", 1, 0.5, "s2"), ("B", "s2", 1, 0.5, "s2"),
    ]  # fmt: skip
    table = analysis.compare(_outcomes(rows), "A", "B").table.set_index("scenario_id")
    assert table.loc["s1", "score_a"] == pytest.approx(2 / 3)
    assert table.loc["s1", "category"] == "only A"
    assert table.loc["s2", "category"] == "neither"


def test_compare_says_what_is_wrong() -> None:
    rows = [("A", "s1", 1, 1.0, "s1"), ("B", "s2", 1, 1.0, "s2")]
    with pytest.raises(ValueError, match="share no scenario"):
        analysis.compare(_outcomes(rows), "A", "B")
    with pytest.raises(ValueError, match="present: A, B"):
        analysis.compare(_outcomes(rows), "A", "C")


def test_pass_at_k_table_by_hand() -> None:
    rows = [("A", "s1", i, float(v), "s1") for i, v in enumerate([1, 1, 0], 1)]
    rows += [("A", "s2", i, 0.0, "s2") for i in (1, 2, 3)]
    table = analysis.pass_at_k_table(_outcomes(rows)).set_index("agent")
    row = table.loc["A"]
    assert row.scenarios == 2
    assert row.attempts == 3
    assert row["pass@1"] == pytest.approx(1 / 3)
    assert row["pass@2"] == pytest.approx(0.5)  # s1: 1 - C(1,2)/C(3,2) = 1; s2: 0
    assert row["pass^2"] == pytest.approx(1 / 6)  # s1: C(2,2)/C(3,2) = 1/3; s2: 0
    assert row["pass@3"] == pytest.approx(0.5)
    assert row["pass^3"] == 0.0
    wide = analysis.pass_at_k_table(_outcomes(rows), ks=[1, 5]).set_index("agent")
    assert math.isnan(wide.loc["A", "pass@5"])
