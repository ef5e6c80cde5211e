"""The report of real runs: its numbers match a hand count of runs_df, and it renders offline
in headless Chromium with no console errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from runloop_nb import analysis
from runloop_nb.cli import main
from runloop_nb.client import RunloopClient
from runloop_nb.report import report
from runloop_nb.running import run_scenario
from runloop_nb.stepping import ReferenceAgent

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROME_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


async def _run(client: RunloopClient, agent_name: str, agent: object | None) -> str:
    page = await client.api.benchmarks.list_public(name="smoke")
    smoke = next(b for b in page if b.name == "smoke")
    parent = await client.api.benchmarks.start_run(benchmark_id=smoke.id, run_name=agent_name)
    for scenario_id in smoke.scenario_ids:
        await run_scenario(
            client, scenario_id, agent, benchmark_run_id=parent.id,  # type: ignore[arg-type]
            metadata=analysis.run_metadata(agent_name, 1),
        )  # fmt: skip
    await client.api.benchmark_runs.complete(parent.id)
    return parent.id


def _cells(page: str, key: str) -> dict[str, str]:
    row = re.search(rf"<tr data-key='{re.escape(key)}'>(.*?)</tr>", page, re.S)
    assert row, f"no row {key} in the report"
    return dict(re.findall(r"<td data-col='([^']+)'>([^<]*)</td>", row.group(1)))


@pytest.fixture
def chromium() -> Path:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (the report test needs it)")
    ARTIFACTS.mkdir(exist_ok=True)
    return CHROMIUM


async def test_report_matches_a_hand_count_and_renders_offline(
    client: RunloopClient, tmp_path: Path, chromium: Path
) -> None:
    gold = await _run(client, "reference", ReferenceAgent())
    untouched = await _run(client, "untouched", None)
    path = await report(client, [gold, untouched], tmp_path / "report.html")
    page = path.read_text()

    # The numbers in the report, against a hand count of the runs frame.
    runs = await analysis.runs_df(client, [gold, untouched])
    for run_id in (gold, untouched):
        mine = runs[runs.benchmark_run_id == run_id]
        cells = _cells(page, run_id)
        passed = int((mine.score == 1.0).sum())
        assert int(cells["passed"]) == passed
        assert int(cells["n"]) == 3 == len(mine)
        assert float(cells["pass_rate"]) == pytest.approx(passed / 3, abs=5e-4)
        assert float(cells["mean_score"]) == pytest.approx(mine.score.fillna(0).mean(), abs=5e-4)
    assert _cells(page, gold)["passed"] == "3"
    assert _cells(page, untouched)["passed"] == "0"
    pair = _cells(page, "reference vs untouched")
    assert (pair["only_a"], pair["only_b"], pair["both"], pair["neither"]) == ("3", "0", "0", "0")
    assert float(pair["mcnemar_p"]) == pytest.approx(0.25)  # 2 * (1/2)^3

    # Provenance and one copy of plotly.js.
    for needle in (
        gold,
        untouched,
        "local (http://127.0.0.1:",
        "runloop-nb",
        "reference, untouched",
    ):
        assert needle in page
    assert page.count("Plotly.newPlot") == 5
    assert len(re.findall(r"\* plotly\.js v\d", page)) == 1

    await _render_in_chromium(path, tmp_path)


async def _render_in_chromium(path: Path, tmp_path: Path) -> None:
    from playwright.async_api import async_playwright

    errors: list[str] = []
    remote: list[str] = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROME_ARGS)
        page = await browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))

        async def offline(route):  # type: ignore[no-untyped-def]
            if not route.request.url.startswith("file:"):
                remote.append(route.request.url)
                await route.abort()
            else:
                await route.continue_()

        await page.route("**/*", offline)
        await page.goto(path.as_uri())
        await page.wait_for_function(
            "document.querySelectorAll('.js-plotly-plot .main-svg').length >= 5"
        )
        charts = await page.locator(".js-plotly-plot").count()
        bars = await page.locator(".js-plotly-plot .bars path, .js-plotly-plot .hm image").count()
        for target in (tmp_path / "report.png", ARTIFACTS / "report.png"):
            await page.screenshot(path=str(target), full_page=True)
        await browser.close()
    assert errors == []
    assert remote == []  # it asked for nothing off the file: it opens offline
    assert charts == 5
    assert bars > 0  # the charts drew their marks, not only empty axes


def test_the_cli_writes_the_report(local_server, tmp_path: Path, monkeypatch, capsys) -> None:
    home, info = local_server
    monkeypatch.setenv("RUNLOOP_NB_HOME", str(home))
    monkeypatch.delenv("RUNLOOP_API_KEY", raising=False)
    monkeypatch.delenv("RUNLOOP_BASE_URL", raising=False)

    import asyncio

    async def one_run() -> str:
        async with RunloopClient(api_key=info.token, base_url=info.url) as client:
            return await _run(client, "untouched", None)

    run_id = asyncio.run(one_run())
    target = tmp_path / "out.html"
    assert main(["report", run_id, "-o", str(target), "--title", "CLI report"]) == 0
    assert f"report written: {target}" in capsys.readouterr().out
    page = target.read_text()
    assert "<title>CLI report</title>" in page
    assert _cells(page, run_id)["failed"] == "3"
