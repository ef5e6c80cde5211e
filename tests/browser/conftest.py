"""A real JupyterLab on a free port over a private RUNLOOP_NB_HOME, for Chromium via Playwright.

The embedded server is started here first, so the notebook's `connect()` reuses it and the test
can ask the same server what it saw. Nothing is downloaded: Chromium is Debian's /usr/bin/chromium.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright
from support.browser_lab import CHROME_ARGS, CHROMIUM, Lab, running_lab


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    if not CHROMIUM.exists():
        pytest.skip(
            "the browser tests need Debian's chromium at /usr/bin/chromium (.ci/run installs it)"
        )
    with running_lab(tmp_path_factory.mktemp("lab")) as running:
        yield running


@pytest.fixture
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROME_ARGS)
        yield launched
        launched.close()
