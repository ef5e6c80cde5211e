"""The report's HTML from views (no server): sections, numbers, escaping, provenance."""

from __future__ import annotations

import re

import pytest
from support.analysis_views import benchmark, benchmark_run, run_set, scenario, scenario_run

from runloop_nb.report import render_report
from runloop_nb.report._model import server_label


def _data():
    scenarios = [scenario("s1", "<script>alert(1)</script>"), scenario("s2", "beta")]
    runs = []
    for attempt, bmr in ((1, "bmr_g1"), (2, "bmr_g2")):
        runs += [
            scenario_run(f"g{attempt}a", "s1", bmr, score=1.0, agent="gold", attempt=attempt),
            scenario_run(f"g{attempt}b", "s2", bmr, score=1.0, agent="gold", attempt=attempt),
        ]
    for attempt, bmr in ((1, "bmr_m1"), (2, "bmr_m2")):
        runs += [
            scenario_run(f"m{attempt}a", "s1", bmr, score=float(attempt == 2), agent="mutant",
                         attempt=attempt),
            scenario_run(f"m{attempt}b", "s2", bmr, "failed", agent="mutant", attempt=attempt),
        ]  # fmt: skip
    parents = [benchmark_run(i, "bmd") for i in ("bmr_g1", "bmr_g2", "bmr_m1", "bmr_m2")]
    return run_set(scenarios, [benchmark("bmd", ["s1", "s2"])], parents, runs)


def _row(page: str, key: str, after: str = "") -> dict[str, str]:
    start = page.index(after) if after else 0
    match = re.search(rf"<tr data-key='{re.escape(key)}'>(.*?)</tr>", page[start:], re.S)
    assert match, key
    return dict(re.findall(r"<td data-col='([^']+)'>([^<]*)</td>", match.group(1)))


def test_sections_and_numbers() -> None:
    page = render_report(_data(), title="T")
    assert "<h2>Summary per agent (all its runs)</h2>" in page
    gold, mutant = _row(page, "gold"), _row(page, "mutant")
    assert (gold["n"], gold["passed"]) == ("4", "4")
    assert (mutant["n"], mutant["passed"], mutant["infra_failed"]) == ("4", "1", "2")
    # each mutant benchmark run lost 1 of its 2 scenario runs to an infrastructure failure
    warning = "1 of 2 runs ended in scorer errors, timeouts or infrastructure failures"
    assert page.count(warning) == 2
    # pass@k over the 2 attempts: the mutant passed s1 once in 2, s2 never
    passk = _row(page, "mutant", after="pass@k and pass^k")
    assert passk["pass@1"] == "0.250"  # (1/2 + 0) / 2
    assert passk["pass@2"] == "0.500"  # s1: 1 - C(1,2)/C(2,2) = 1; s2: 0
    assert passk["pass^2"] == "0.000"
    pair = _row(page, "gold vs mutant")
    assert (pair["both"], pair["only_a"], pair["only_b"], pair["neither"]) == ("1", "1", "0", "0")


def test_names_are_escaped() -> None:
    page = render_report(_data())
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_no_pass_at_k_for_single_attempts() -> None:
    data = _data()
    data.scenario_runs = [r for r in data.scenario_runs if r.metadata["runloop_nb.attempt"] == "1"]
    data.benchmark_runs = {k: v for k, v in data.benchmark_runs.items() if k.endswith("1")}
    assert "pass@k and pass^k" not in render_report(data)


def test_nothing_to_report_is_an_error() -> None:
    with pytest.raises(ValueError, match="nothing to report"):
        render_report(run_set([], [], [], []))


@pytest.mark.parametrize(
    ("url", "label"),
    [
        ("http://127.0.0.1:8000/", "local (http://127.0.0.1:8000/)"),
        ("http://localhost:1/", "local (http://localhost:1/)"),
        ("https://api.runloop.ai/", "https://api.runloop.ai/"),
    ],
)
def test_server_label(url: str, label: str) -> None:
    assert server_label(url) == label
