"""Notebook 01 in a real JupyterLab and Chromium: page, pick, launch, watch the scores.

Every wait is on a condition (Playwright's expect / wait_for_function with a deadline), never a
sleep. Screenshots go to test-artifacts/ (gitignored) for a human to look at after a failure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright
from support.browser_lab import ARTIFACTS, CHROME_ARGS, CHROMIUM, Lab

pytestmark = pytest.mark.slow

KERNEL_IDLE = """() => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!k && k.status === 'idle';
}"""
RUN_CELL = """(index) => {
  const nb = window.jupyterapp.shell.currentWidget.content;
  nb.activeCellIndex = index;
  window.jupyterapp.commands.execute('notebook:run-cell');
}"""


@pytest.fixture
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROME_ARGS)
        yield launched
        launched.close()


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
        page.goto(f"{lab.url}/lab/tree/01_explore_benchmarks.ipynb?token={lab.token}")
        page.wait_for_selector(".jp-Notebook")
        page.wait_for_function(KERNEL_IDLE)
        page.evaluate(RUN_CELL, 1)  # app = runloop_nb.explore(); app

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

        expect(page.get_by_text("Loading widget...")).to_have_count(0)
    finally:
        page.screenshot(path=ARTIFACTS / "browser_last.png")
    assert errors == []
