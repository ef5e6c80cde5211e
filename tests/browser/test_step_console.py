"""The StepConsole in a real JupyterLab and Chromium: a scripted agent on the failing cachetools
repo-bugfix scenario -- approve two steps, edit one, fix the bug by hand, see its diff, preview the
score, score -- and the server says the run is scored 1.0.

The notebook is written into Lab's root through Lab's contents API. Every wait is on a condition
(Playwright's expect / wait_for_function with a deadline), never a sleep. Screenshots go to
test-artifacts/.
"""

from __future__ import annotations

import json
import re

import httpx
import nbformat
import pytest
from playwright.sync_api import Browser, Locator, expect
from support.browser_lab import ARTIFACTS, Lab, open_notebook, run_cell
from support.repo_bugfix import FIX, SCENARIO, SED

pytestmark = pytest.mark.slow

NOTEBOOK = "step_console_test.ipynb"
CELL = f"""import runloop_nb
from runloop_nb.stepping import ScriptedAgent

agent = ScriptedAgent(["cd src && ls", "pwd", "ls cachetools", "echo never"])
console = runloop_nb.step({SCENARIO!r}, agent)
console"""


def _put_notebook(lab: Lab) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(CELL)]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    response = httpx.put(
        f"{lab.url}/api/contents/{NOTEBOOK}",
        headers={"Authorization": f"token {lab.token}"},
        json={
            "type": "notebook",
            "format": "json",
            "content": json.loads(nbformat.writes(notebook)),
        },
        timeout=30,
    )
    assert response.status_code in (200, 201), response.text


def _option(start: str) -> re.Pattern[str]:
    """A Select option's label from its start (ipywidgets draws its spaces as no-break spaces)."""
    return re.compile("^" + r"\s".join(re.escape(part) for part in start.split(" ")))


def _button(console: Locator, text: str) -> Locator:
    return console.locator("button.widget-button").filter(
        has_text=re.compile(rf"^\s*{re.escape(text)}\s*$")
    )


def test_approve_edit_fix_by_hand_preview_and_score(lab: Lab, browser: Browser) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    _put_notebook(lab)
    errors: list[str] = []
    page = browser.new_page(viewport={"width": 1400, "height": 1400})
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_default_timeout(60_000)
    try:
        open_notebook(page, lab, NOTEBOOK)
        run_cell(page, NOTEBOOK, 0)
        console = page.locator(".rnb-step-console")
        expect(console.get_by_text(re.compile(r"step console · cachetools"))).to_be_visible(
            timeout=120_000
        )
        header = console.get_by_text(re.compile(r"run scr_\w+")).inner_text()
        run_id = re.search(r"run (scr_\w+)", header).group(1)  # type: ignore[union-attr]
        proposal = console.locator(".rnb-proposal textarea")
        steps = console.locator(".rnb-steps select option")
        diff = console.locator("pre.rnb-diff")

        # Approve the first proposal.
        _button(console, "Propose").click()
        expect(proposal).to_have_value("cd src && ls")
        _button(console, "Approve").click()
        expect(steps).to_have_count(1)
        expect(steps.nth(0)).to_have_text(_option("1. agent: cd src && ls"))
        expect(console.locator("pre.rnb-output")).to_contain_text("cachetools")

        # Approve the second: the working directory carried over from step 1.
        _button(console, "Propose").click()
        expect(proposal).to_have_value("pwd")
        _button(console, "Approve").click()
        expect(steps).to_have_count(2)
        expect(steps.nth(1)).to_have_text(_option("2. agent: pwd"))
        expect(console.locator("pre.rnb-output")).to_contain_text("/src")

        # Edit the third, then run it.
        _button(console, "Propose").click()
        expect(proposal).to_have_value("ls cachetools")
        proposal.fill("ls cachetools > listing.txt")
        _button(console, "Run edited").click()
        expect(steps.nth(2)).to_have_text(_option("3. agent (edited): ls cachetools > listing.txt"))
        expect(diff).to_contain_text("src/listing.txt")

        # Fix the bug by hand; its diff shows the change.
        console.locator(".rnb-command input").fill(f"cd .. && {SED}")
        _button(console, "Run").click()
        expect(steps.nth(3)).to_have_text(_option("4. human: cd .."))
        expect(diff).to_contain_text(f"+            {FIX}")
        page.screenshot(path=ARTIFACTS / "step_console_diff.png")

        # Jump back to step 3: its diff again.
        console.locator(".rnb-steps select").select_option(value=None, index=2)
        expect(diff).to_contain_text("src/listing.txt")

        # Preview, then score.
        _button(console, "Preview score").click()
        expect(console.get_by_text("preview after step 4: score 1.0")).to_be_visible()
        _button(console, "Score").click()
        expect(console.get_by_text("scored: 1.0")).to_be_visible(timeout=120_000)
        expect(_button(console, "Score")).to_be_disabled()
        expect(_button(console, "Run")).to_be_disabled()
        expect(_button(console, "Complete")).to_be_enabled()
        page.screenshot(path=ARTIFACTS / "step_console_scored.png")
        expect(page.get_by_text("Loading widget...")).to_have_count(0)
    finally:
        page.screenshot(path=ARTIFACTS / "step_console_last.png")
    assert errors == []

    run = httpx.get(
        f"{lab.server.url.rstrip('/')}/v1/scenarios/runs/{run_id}",
        headers={"Authorization": f"Bearer {lab.server.token}"},
        timeout=30,
    ).json()
    assert run["state"] == "scored"
    assert run["scoring_contract_result"]["score"] == 1.0
