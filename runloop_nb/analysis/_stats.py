"""The statistics of evals, with numpy only: standard errors (plain and clustered), Wilson
intervals, the exact McNemar test, a paired bootstrap, and pass@k / pass^k.

Standard errors follow Miller, "Adding Error Bars to Evals" (2024, arXiv 2411.00640): the
central-limit SE of a mean over n questions, and its clustered form when questions share a
cluster (their results are correlated, so the plain SE is too small).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

Z95 = 1.959963984540054  # the 97.5 % quantile of the standard normal


def standard_error(values: Sequence[float] | np.ndarray) -> float:
    """SE of the mean: sqrt(sum((x_i - mean)^2) / (n (n - 1))); NaN for fewer than 2 values."""
    x = np.asarray(values, dtype=float)
    n = x.size
    if n < 2:
        return math.nan
    return float(math.sqrt(((x - x.mean()) ** 2).sum() / (n * (n - 1))))


def clustered_standard_error(
    values: Sequence[float] | np.ndarray, clusters: Sequence[object] | np.ndarray
) -> float:
    """Miller's clustered SE of the mean (eq. 4 of arXiv 2411.00640):

        SE_c^2 = SE^2 + (1 / n^2) * sum_c sum_{i != j in c} (x_i - mean)(x_j - mean)

    where SE is `standard_error`. With every cluster of size one it is the plain SE.
    NaN for fewer than 2 values.
    """
    x = np.asarray(values, dtype=float)
    n = x.size
    if n < 2:
        return math.nan
    if len(clusters) != n:
        raise ValueError(f"{len(clusters)} cluster labels for {n} values; give one per value.")
    dev = x - x.mean()
    _, index = np.unique(np.asarray(clusters, dtype=object).astype(str), return_inverse=True)
    sums = np.bincount(index, weights=dev)
    squares = np.bincount(index, weights=dev**2)
    cross = float((sums**2 - squares).sum())  # sum over ordered pairs i != j within clusters
    variance = (dev**2).sum() / (n * (n - 1)) + cross / n**2
    return float(math.sqrt(max(variance, 0.0)))


def normal_interval(mean: float, se: float) -> tuple[float, float]:
    """mean -/+ 1.96 SE (NaN bounds when the SE is NaN)."""
    if math.isnan(se):
        return (math.nan, math.nan)
    return (mean - Z95 * se, mean + Z95 * se)


def wilson_interval(successes: int, n: int) -> tuple[float, float]:
    """The 95 % Wilson score interval of a proportion (sensible at 0 %, 100 % and small n)."""
    if n <= 0:
        return (math.nan, math.nan)
    p = successes / n
    z2 = Z95**2
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def mcnemar_exact(only_a: int, only_b: int) -> float:
    """Two-sided exact McNemar p-value from the discordant pairs (a binomial test, p = 1/2).

    p = min(1, 2 * sum_{k=0}^{min(b, c)} C(b + c, k) / 2^(b + c)); 1.0 without discordant pairs.
    """
    if only_a < 0 or only_b < 0:
        raise ValueError("counts of discordant pairs cannot be negative")
    total = only_a + only_b
    if total == 0:
        return 1.0
    tail = sum(math.comb(total, k) for k in range(min(only_a, only_b) + 1))
    # Exact integer arithmetic, one division: no underflow of 0.5**total for large counts.
    return min(1.0, 2 * tail / 2**total)


def paired_bootstrap(
    differences: Sequence[float] | np.ndarray,
    *,
    clusters: Sequence[object] | np.ndarray | None = None,
    resamples: int = 2000,
    seed: int = 0,
) -> tuple[float, float]:
    """95 % percentile interval of the mean paired difference, resampling scenarios (or whole
    clusters, when given) with replacement; seeded, so the same data give the same interval."""
    d = np.asarray(differences, dtype=float)
    if d.size < 2:
        return (math.nan, math.nan)
    rng = np.random.default_rng(seed)
    if clusters is None:
        picks = rng.integers(0, d.size, size=(resamples, d.size))
        means = d[picks].mean(axis=1)
    else:
        _, index = np.unique(np.asarray(clusters, dtype=object).astype(str), return_inverse=True)
        k = int(index.max()) + 1
        sums = np.bincount(index, weights=d, minlength=k)
        sizes = np.bincount(index, minlength=k).astype(float)
        picks = rng.integers(0, k, size=(resamples, k))
        means = sums[picks].sum(axis=1) / sizes[picks].sum(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return (float(low), float(high))


def pass_at_k(n: int, c: int, k: int) -> float:
    """Chance that at least one of k attempts drawn from n (c of them correct) is correct.

    The unbiased estimator of Chen et al. 2021, 1 - C(n - c, k) / C(n, k), computed as the
    product 1 - prod_{i = n - c + 1}^{n} (1 - k / i), which never forms huge binomials.
    """
    _check_counts(n, c, k)
    if n - c < k:
        return 1.0
    return float(1.0 - np.prod(1.0 - k / np.arange(n - c + 1, n + 1)))


def pass_hat_k(n: int, c: int, k: int) -> float:
    """pass^k: chance that all of k attempts drawn from n (c correct) are correct.

    C(c, k) / C(n, k), computed as the product prod_{i=0}^{k-1} (c - i) / (n - i).
    """
    _check_counts(n, c, k)
    if c < k:
        return 0.0
    i = np.arange(k)
    return float(np.prod((c - i) / (n - i)))


def _check_counts(n: int, c: int, k: int) -> None:
    if not 0 <= c <= n:
        raise ValueError(f"correct attempts c={c} must be between 0 and n={n}")
    if not 1 <= k <= n:
        raise ValueError(f"k={k} must be between 1 and the number of attempts n={n}")
