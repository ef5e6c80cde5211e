"""Notebook 01 in a real JupyterLab and Chromium: page, pick, launch, watch the scores.

Every wait is on a condition (Playwright's expect / wait_for_function with a deadline), never a
sleep. Screenshots go to test-artifacts/ (gitignored) for a human to look at after a failure.
"""

from __future__ import annotations

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from support.browser_lab import ARTIFACTS, Lab, open_notebook, run_cell

from runloop_nb.client import RunloopClient
from runloop_nb.wire import ScenarioRunView

pytestmark = pytest.mark.slow


def _visible(page: Page, selector: str, text: str) -> Locator:
    """The one shown widget of that kind with exactly that text (hidden tabs hold twins)."""
    pattern = re.compile(rf"^\s*{re.escape(text)}\s*$")
    return page.locator(selector).filter(has_text=pattern).filter(visible=True)


def _tab(page: Page, title: str) -> None:
    _visible(page, ".widget-tab .lm-TabBar-tab", title).click()


def _button(page: Page, text: str) -> Locator:
    return _visible(page, "button.widget-button", text)


def test_page_pick_launch_and_watch_the_scores(lab: Lab, browser: Browser) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    errors: list[str] = []
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_default_timeout(60_000)
    try:
        open_notebook(page, lab, "01_explore_benchmarks.ipynb")
        run_cell(page, "01_explore_benchmarks.ipynb", 1)  # app = runloop_nb.explore(); app

        # Benchmarks: the first page is there; open humaneval and flip to its second page.
        table = page.locator(".rnb-table").filter(visible=True)
        row = table.locator("tr", has_text="humaneval")
        row.click()
        _button(page, "Open scenarios").click()
        label = page.locator(".widget-label").filter(has_text=re.compile(r"\(164 scenarios\)"))
        expect(label.filter(visible=True)).to_have_text(re.compile(r"^page 1 of \d+"))
        _button(page, "Next").click()
        expect(label.filter(visible=True)).to_have_text(re.compile(r"^page 2 of \d+"))
        page.screenshot(path=ARTIFACTS / "browser_humaneval_page2.png")

        # Pick two smoke scenarios.
        _tab(page, "Benchmarks")
        table.locator("tr", has_text="smoke").first.click()
        _button(page, "Open scenarios").click()
        boxes = page.locator(".rnb-table input[type=checkbox]").filter(visible=True)
        boxes.nth(0).check()
        boxes.nth(1).check()
        chosen = page.get_by_text(re.compile(r"2 scenario\(s\) of smoke"))

        # Launch them with the reference agent; progress reaches done; both score.
        _tab(page, "Run")
        expect(chosen).to_be_visible()
        _button(page, "Launch").click()
        expect(page.get_by_text("2/2 done")).to_be_visible(timeout=120_000)
        _tab(page, "Scores")
        expect(page.get_by_text(re.compile(r"2 of 2 scored"))).to_be_visible()
        scores = page.locator(".rnb-table").filter(visible=True).locator("tbody tr")
        expect(scores).to_have_count(2)
        page.screenshot(path=ARTIFACTS / "browser_scores.png")

        # A second launch that cannot end before the click: all 164 humaneval scenarios.
        _tab(page, "Benchmarks")
        table.locator("tr", has_text="humaneval").first.click()
        _button(page, "Open scenarios").click()
        _button(page, "select all 164").click()
        _tab(page, "Run")
        expect(page.get_by_text(re.compile(r"164 scenario\(s\) of humaneval"))).to_be_visible()
        page.get_by_placeholder("run name (optional)").fill(CANCELLED_RUN)
        _button(page, "Launch").click()
        counts = page.locator(".widget-html").filter(
            has_text=re.compile(r"queued \d+ · running \d+")
        )
        expect(counts.filter(visible=True)).to_be_visible()
        _button(page, "Cancel").click()
        # The widget shows the final states: every row ended, none left 'running'.
        expect(page.get_by_text("164/164 done")).to_be_visible()
        status = page.get_by_text("running 164 scenario run(s): cancelled")
        expect(status.filter(visible=True)).to_be_visible()
        run_table = page.locator(".rnb-table").filter(visible=True)
        expect(run_table.locator("td", has_text=re.compile(r"^running$"))).to_have_count(0)
        page.screenshot(path=ARTIFACTS / "browser_cancelled.png")

        # What the server says, asked by a client of its own.
        bench_state, runs, devboxes = _on_server(lab)
        assert bench_state == "canceled"
        assert runs, "the cancelled launch started no scenario run"
        # Runs that finished before the click stay completed; every other one was cancelled.
        states = [run.state for run in runs]
        assert "canceled" in states
        assert set(states) <= {"canceled", "completed"}
        assert set(devboxes) == {"shutdown"}
        # The widget agrees: the cancelled runs plus the attempts that never started.
        shown = run_table.locator("td", has_text=re.compile(r"^canceled$"))
        expect(shown).to_have_count(states.count("canceled") + 164 - len(runs))

        expect(page.get_by_text("Loading widget...")).to_have_count(0)
    finally:
        page.screenshot(path=ARTIFACTS / "browser_last.png")
    assert errors == []


CANCELLED_RUN = "browser-cancel"


def _on_server(lab: Lab) -> tuple[str, list[ScenarioRunView], list[str]]:
    """(benchmark run state, its scenario runs, their devboxes' statuses) of the cancel."""

    async def ask() -> tuple[str, list[ScenarioRunView], list[str]]:
        async with RunloopClient(api_key=lab.server.token, base_url=lab.server.url) as client:
            [bench] = [b async for b in client.api.benchmark_runs.list(name=CANCELLED_RUN)]
            runs = [r async for r in client.api.benchmark_runs.list_scenario_runs(bench.id)]
            boxes: list[str] = [
                (await client.api.devboxes.retrieve(r.devbox_id)).status for r in runs
            ]
            return bench.state, runs, boxes

    # Playwright's sync API owns this thread's loop; the client gets a thread (and loop) of its own.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, ask()).result()
