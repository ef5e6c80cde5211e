"""pass@k and pass^k tables from repeated attempts (an outcomes frame)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import pandas as pd

from runloop_nb.analysis._stats import pass_at_k, pass_hat_k


def pass_at_k_table(
    outcomes: pd.DataFrame, ks: Sequence[int] | None = None, *, by: str = "agent"
) -> pd.DataFrame:
    """pass@k and pass^k per group of `by`, averaged over the scenarios.

    For each scenario, n is its number of attempts and c the attempts that passed;
    pass@k = 1 - C(n - c, k) / C(n, k) (Chen et al. 2021, unbiased) and pass^k = C(c, k) / C(n, k)
    (all k attempts pass). Columns: `by`, scenarios (Int64), attempts (Int64, the fewest of any
    scenario), then ``pass@k`` and ``pass^k`` (float64) for each k. A k larger than some
    scenario's attempts gives NaN. `ks` defaults to 1 .. the fewest attempts.
    """
    rows = []
    for key, group in outcomes.groupby(by, sort=False, dropna=False):
        per = group.groupby("scenario_id").agg(
            n=("passed", "size"), c=("passed", lambda s: int(s.fillna(False).sum()))
        )
        fewest = int(per["n"].min())
        wanted = list(ks) if ks is not None else list(range(1, fewest + 1))
        row: dict[str, object] = {by: key, "scenarios": len(per), "attempts": fewest}
        for k in wanted:
            ok = k <= fewest
            row[f"pass@{k}"] = _mean(pass_at_k, per, k) if ok else math.nan
            row[f"pass^{k}"] = _mean(pass_hat_k, per, k) if ok else math.nan
        rows.append(row)
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    return table.astype({by: "string", "scenarios": "Int64", "attempts": "Int64"})


def _mean(estimator: Callable[[int, int, int], float], per: pd.DataFrame, k: int) -> float:
    values = [estimator(int(n), int(c), k) for n, c in zip(per["n"], per["c"], strict=True)]
    return float(sum(values) / len(values))
