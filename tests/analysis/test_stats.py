"""The statistics against hand-worked values and seeded simulations."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from runloop_nb.analysis._stats import (
    clustered_standard_error,
    mcnemar_exact,
    normal_interval,
    paired_bootstrap,
    pass_at_k,
    pass_hat_k,
    standard_error,
    wilson_interval,
)


def test_standard_error_by_hand() -> None:
    # mean .75; squared deviations .0625 * 3 + .5625 = .75; .75 / (4 * 3) = .0625
    assert standard_error([1, 0, 1, 1]) == pytest.approx(0.25)
    assert math.isnan(standard_error([1.0]))


def test_clustered_standard_error_by_hand() -> None:
    # deviations .25, -.75 | .25, .25; within-cluster cross sums: x: (-.5)^2 - .625 = -.375,
    # y: .5^2 - .125 = .125; variance = .0625 + (-.25) / 16 = .046875
    se = clustered_standard_error([1, 0, 1, 1], ["x", "x", "y", "y"])
    assert se == pytest.approx(math.sqrt(0.046875))


def test_clustered_equals_plain_for_singleton_clusters() -> None:
    values = np.random.default_rng(3).random(25)
    assert clustered_standard_error(values, list(range(25))) == pytest.approx(
        standard_error(values)
    )


def test_clustered_is_larger_when_clusters_move_together() -> None:
    values = [1, 1, 1, 0, 0, 0, 1, 1, 0, 0]
    clusters = ["a", "a", "a", "b", "b", "b", "c", "c", "d", "d"]
    assert clustered_standard_error(values, clusters) > standard_error(values) * 1.3


def test_clustered_refuses_mismatched_labels() -> None:
    with pytest.raises(ValueError, match="one per value"):
        clustered_standard_error([1, 0, 1], ["a"])


def test_normal_and_wilson_intervals() -> None:
    assert normal_interval(0.5, 0.1) == pytest.approx((0.5 - 0.196, 0.5 + 0.196), abs=1e-4)
    low, high = wilson_interval(0, 3)
    assert low == pytest.approx(0.0, abs=1e-12)
    assert high == pytest.approx(0.5615, abs=1e-4)
    low, high = wilson_interval(3, 3)
    assert high == pytest.approx(1.0, abs=1e-12)
    assert low == pytest.approx(1 - 0.5615, abs=1e-4)
    assert wilson_interval(5, 10) == pytest.approx((0.2366, 0.7634), abs=1e-4)


@pytest.mark.parametrize(
    ("only_a", "only_b", "p"),
    [(0, 0, 1.0), (1, 5, 14 / 64), (5, 1, 14 / 64), (0, 6, 2 / 64), (3, 3, 1.0), (2, 3, 1.0)],
)
def test_mcnemar_exact_by_hand(only_a: int, only_b: int, p: float) -> None:
    assert mcnemar_exact(only_a, only_b) == pytest.approx(p)


def test_mcnemar_exact_large_counts_do_not_underflow() -> None:
    p = mcnemar_exact(400, 600)
    exact = Fraction(2 * sum(math.comb(1000, k) for k in range(401)), 2**1000)
    assert p == pytest.approx(float(exact), rel=1e-9)
    assert 0 < p < 1e-9


def test_paired_bootstrap_is_seeded_and_sensible() -> None:
    d = np.random.default_rng(1).normal(0.2, 0.5, size=60)
    first = paired_bootstrap(d, seed=7)
    assert first == paired_bootstrap(d, seed=7)
    assert first != paired_bootstrap(d, seed=8)
    low, high = first
    assert low < d.mean() < high
    # the percentile interval is about as wide as the normal one
    se = standard_error(d)
    assert (high - low) == pytest.approx(2 * 1.96 * se, rel=0.2)
    assert paired_bootstrap([0.5] * 10, seed=1) == (0.5, 0.5)


def test_paired_bootstrap_over_clusters_is_wider_when_clusters_move_together() -> None:
    d = np.repeat([1.0, -1.0, 1.0, 0.0, 1.0, -1.0, 0.0, 1.0], 5)
    clusters = np.repeat(list("abcdefgh"), 5)
    plain = paired_bootstrap(d, seed=2)
    clustered = paired_bootstrap(d, clusters=clusters, seed=2)
    assert clustered[1] - clustered[0] > 1.5 * (plain[1] - plain[0])


@pytest.mark.parametrize(
    ("n", "c", "k", "expected"),
    [(5, 2, 1, 0.4), (5, 2, 2, 0.7), (5, 0, 3, 0.0), (10, 8, 3, 1.0), (4, 4, 4, 1.0)],
)
def test_pass_at_k_by_hand(n: int, c: int, k: int, expected: float) -> None:
    # (5, 2, 2): 1 - C(3, 2) / C(5, 2) = 1 - 3 / 10
    assert pass_at_k(n, c, k) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("n", "c", "k", "expected"), [(5, 2, 2, 0.1), (5, 2, 3, 0.0), (5, 5, 3, 1.0), (4, 3, 2, 0.5)]
)
def test_pass_hat_k_by_hand(n: int, c: int, k: int, expected: float) -> None:
    # (4, 3, 2): C(3, 2) / C(4, 2) = 3 / 6
    assert pass_hat_k(n, c, k) == pytest.approx(expected)


def test_pass_at_k_is_stable_for_large_n() -> None:
    n, c, k = 200, 37, 50
    exact = 1 - Fraction(math.comb(n - c, k), math.comb(n, k))
    assert pass_at_k(n, c, k) == pytest.approx(float(exact), rel=1e-12)
    hat = Fraction(math.comb(c, 10), math.comb(n, 10))
    assert pass_hat_k(n, c, 10) == pytest.approx(float(hat), rel=1e-12)


def test_pass_at_k_refuses_impossible_counts() -> None:
    with pytest.raises(ValueError, match="between 0 and n"):
        pass_at_k(3, 4, 1)
    with pytest.raises(ValueError, match="k=5"):
        pass_hat_k(3, 1, 5)


def test_pass_at_k_and_pass_hat_k_are_unbiased_in_a_seeded_simulation() -> None:
    # Problems with success chance p; n attempts each. The estimators, averaged over many
    # problems, match the true 1 - (1 - p)^k and p^k.
    rng = np.random.default_rng(2024)
    n, k, problems = 10, 3, 20_000
    p = rng.uniform(0.05, 0.95, size=problems)
    c = rng.binomial(n, p)
    at_k = np.mean([pass_at_k(n, int(ci), k) for ci in c])
    hat_k = np.mean([pass_hat_k(n, int(ci), k) for ci in c])
    assert at_k == pytest.approx(np.mean(1 - (1 - p) ** k), abs=0.005)
    assert hat_k == pytest.approx(np.mean(p**k), abs=0.005)
    # and the naive estimate (did any of the first k attempts pass) agrees in expectation
    first_k = rng.binomial(k, p) > 0
    assert first_k.mean() == pytest.approx(at_k, abs=0.02)
