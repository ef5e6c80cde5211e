"""Frames for the chart tests: two agents on three scenarios, built by the real analysis."""

from __future__ import annotations

import pandas as pd
import pytest
from support.analysis_views import benchmark, benchmark_run, run_set, scenario, scenario_run

from runloop_nb import analysis


@pytest.fixture
def data():
    scenarios = [scenario("s1", "alpha"), scenario("s2", "beta"), scenario("s3", "gamma")]
    runs = [
        scenario_run("g1", "s1", "bmr_g", score=1.0, agent="gold", attempt=1, duration_ms=1000),
        scenario_run("g2", "s2", "bmr_g", score=1.0, agent="gold", attempt=1, duration_ms=2000),
        scenario_run("g3", "s3", "bmr_g", score=0.5, agent="gold", attempt=1, duration_ms=3000),
        scenario_run("m1", "s1", "bmr_m", score=0.0, agent="mutant", attempt=1, duration_ms=500),
        scenario_run("m2", "s2", "bmr_m", score=1.0, agent="mutant", attempt=1, errors=("lint",)),
    ]
    return run_set(
        scenarios,
        [benchmark("bmd", ["s1", "s2", "s3"])],
        [benchmark_run("bmr_g", "bmd"), benchmark_run("bmr_m", "bmd")],
        runs,
    )


@pytest.fixture
def runs(data) -> pd.DataFrame:
    return analysis.runs_frame(data)


@pytest.fixture
def outcomes(data, runs) -> pd.DataFrame:
    return analysis.outcomes_frame(data, runs)


@pytest.fixture
def summary(outcomes) -> pd.DataFrame:
    return analysis.summarize(outcomes)
