"""compare(): two runs (or two agents) of one benchmark, scenario by scenario."""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from runloop_nb.analysis._stats import (
    clustered_standard_error,
    mcnemar_exact,
    normal_interval,
    paired_bootstrap,
    standard_error,
)

CATEGORIES = ("both pass", "only A", "only B", "neither")


@dataclass(frozen=True)
class Comparison:
    """A paired comparison of A and B over the scenarios both were run on.

    Attributes:
        a, b: the two values of `by` compared (agent names or benchmark run ids).
        by: the outcomes column that tells A from B.
        table: one row per paired scenario: scenario_id, scenario_name, cluster, score_a,
            score_b (mean over attempts, 0 for runs without a score), diff (a - b), pass_a,
            pass_b (passed in at least half of the attempts), category (one of CATEGORIES).
        both, only_a, only_b, neither: the 2x2 counts of the pass table.
        mcnemar_p: the exact two-sided McNemar p-value of only_a vs only_b.
        mean_a, mean_b, mean_diff: mean scores and their paired difference (A - B).
        se: SE of the mean difference, sqrt(sum((d_i - mean)^2) / (n (n - 1))).
        ci_low, ci_high: mean_diff -/+ 1.96 se (the clustered se when there is one).
        clustered_se: Miller's clustered SE when scenarios share clusters, else None.
        boot_low, boot_high: 95 % paired bootstrap interval (resampling clusters when shared).
        unpaired: scenarios run by only one side (left out of everything above).
    """

    a: str
    b: str
    by: str
    table: pd.DataFrame
    both: int
    only_a: int
    only_b: int
    neither: int
    mcnemar_p: float
    mean_a: float
    mean_b: float
    mean_diff: float
    se: float
    ci_low: float
    ci_high: float
    clustered_se: float | None
    boot_low: float
    boot_high: float
    unpaired: list[str] = field(default_factory=list)

    @property
    def n(self) -> int:
        """Paired scenarios."""
        return len(self.table)

    def summary(self) -> pd.DataFrame:
        """The numbers as a one-row DataFrame (for a report or a concat of several)."""
        keys = ["a", "b", "n", "both", "only_a", "only_b", "neither", "mcnemar_p", "mean_a",
                "mean_b", "mean_diff", "se", "clustered_se", "ci_low", "ci_high", "boot_low",
                "boot_high"]  # fmt: skip
        return pd.DataFrame([{k: getattr(self, k) for k in keys}])

    def describe(self) -> str:
        """The comparison in two sentences."""
        se = self.clustered_se if self.clustered_se is not None else self.se
        kind = "clustered SE" if self.clustered_se is not None else "SE"
        return (
            f"{self.a} vs {self.b} on {self.n} scenarios: both pass {self.both}, only "
            f"{self.a} {self.only_a}, only {self.b} {self.only_b}, neither {self.neither} "
            f"(exact McNemar p = {self.mcnemar_p:.3g}). Mean score {self.mean_a:.3f} vs "
            f"{self.mean_b:.3f}, difference {self.mean_diff:+.3f} ({kind} {se:.3f}, 95 % CI "
            f"{self.ci_low:+.3f} to {self.ci_high:+.3f}; paired bootstrap {self.boot_low:+.3f} "
            f"to {self.boot_high:+.3f})."
        )

    def __repr__(self) -> str:
        return f"Comparison({self.describe()})"

    def _repr_html_(self) -> str:
        return f"<p>{html.escape(self.describe())}</p>" + self.table.to_html(index=False)


def compare(
    outcomes: pd.DataFrame,
    a: str,
    b: str,
    *,
    by: str = "agent",
    resamples: int = 2000,
    seed: int = 0,
) -> Comparison:
    """Compare A and B (two values of `by` in an outcomes frame) scenario by scenario.

    ```python
    outcomes = await outcomes_df(client, [run_a, run_b])
    compare(outcomes, "reference", "mutant").describe()
    compare(outcomes, run_a, run_b, by="benchmark_run_id")
    ```

    With several attempts per scenario, a scenario's score is its mean over attempts and it
    passes when it passed in at least half of them. The mean difference's SE is the paired SE;
    when scenarios share a `cluster` (repo-bugfix: one library), Miller's clustered SE is used
    for the interval and the bootstrap resamples whole clusters.

    Raises:
        ValueError: `a` or `b` has no rows, or the two share no scenario.
    """
    side_a, side_b = (_per_scenario(outcomes, by, x) for x in (a, b))
    table = side_a.merge(
        side_b, left_index=True, right_index=True, how="inner", suffixes=("_a", "_b")
    )
    if table.empty:
        raise ValueError(
            f"{by}={a!r} and {by}={b!r} share no scenario; compare runs of one benchmark."
        )
    unpaired = sorted(set(side_a.index).symmetric_difference(side_b.index))
    table = table.reset_index()
    table["diff"] = table["score_a"] - table["score_b"]
    table["category"] = np.select(
        [table.pass_a & table.pass_b, table.pass_a, table.pass_b], CATEGORIES[:3], CATEGORIES[3]
    )
    table = table[["scenario_id", "scenario_name_a", "cluster_a", "score_a", "score_b", "diff",
                   "pass_a", "pass_b", "category"]]  # fmt: skip
    table = table.rename(columns={"scenario_name_a": "scenario_name", "cluster_a": "cluster"})
    counts = table["category"].value_counts().reindex(CATEGORIES, fill_value=0)
    d = table["diff"].to_numpy(dtype=float)
    clusters = table["cluster"].astype(str).to_numpy()
    shared = len(set(clusters)) < len(clusters)
    se = standard_error(d)
    clustered = clustered_standard_error(d, clusters) if shared else None
    mean = float(d.mean())
    low, high = normal_interval(mean, clustered if clustered is not None else se)
    boot = paired_bootstrap(
        d, clusters=clusters if shared else None, resamples=resamples, seed=seed
    )
    return Comparison(
        a=a, b=b, by=by, table=table, both=int(counts["both pass"]), only_a=int(counts["only A"]),
        only_b=int(counts["only B"]), neither=int(counts["neither"]),
        mcnemar_p=mcnemar_exact(int(counts["only A"]), int(counts["only B"])),
        mean_a=float(table["score_a"].mean()), mean_b=float(table["score_b"].mean()),
        mean_diff=mean, se=se, ci_low=low, ci_high=high, clustered_se=clustered,
        boot_low=boot[0], boot_high=boot[1], unpaired=unpaired,
    )  # fmt: skip


def _per_scenario(outcomes: pd.DataFrame, by: str, value: str) -> pd.DataFrame:
    if by not in outcomes.columns:
        raise ValueError(f"outcomes have no column {by!r}; use by='agent' or 'benchmark_run_id'.")
    rows = outcomes[outcomes[by] == value]
    if rows.empty:
        present = sorted(str(v) for v in outcomes[by].dropna().unique())
        raise ValueError(f"no outcomes with {by}={value!r}; present: {', '.join(present)}")
    rows = rows.assign(score=rows["score"].fillna(0.0), passed=rows["passed"].fillna(False))
    grouped = rows.groupby("scenario_id", sort=False)
    return pd.DataFrame(
        {
            "scenario_name": grouped["scenario_name"].first(),
            "cluster": grouped["cluster"].first(),
            "score": grouped["score"].mean(),
            "pass": grouped["passed"].mean().astype(float) >= 0.5,
        }
    )
