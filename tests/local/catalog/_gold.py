"""Gold check of one scenario in a real devbox: untouched scores 0, reference applied scores 1."""

from __future__ import annotations

import shlex
import uuid
from pathlib import Path
from typing import Any

from runloop_nb.local.catalog import BundledScenario
from runloop_nb.local.sandbox._base import Sandbox
from runloop_nb.local.scoring import score_scenario

try:  # the scoring tests' devbox helper (sibling test package)
    from local.scoring._helpers import start_devbox  # type: ignore[import-not-found]
except ImportError:
    from scoring._helpers import start_devbox  # type: ignore[import-not-found,no-redef]


def wire(scenario: BundledScenario) -> dict[str, Any]:
    return {
        "scoring_contract": scenario.scoring_contract,
        "environment": {"working_directory": scenario.working_directory},
        "scorer_timeout_sec": scenario.scorer_timeout_sec,
    }


async def apply_reference(devbox: Sandbox, scenario: BundledScenario) -> None:
    """Run ``reference_output`` in the working directory, as the ReferenceAgent does."""
    relative = scenario.working_directory.removeprefix("/home/user/")
    execution_id = f"reference_{uuid.uuid4().hex}"
    await devbox.exec(
        execution_id, f'cd "$HOME"/{shlex.quote(relative)}\n' + scenario.reference_output
    )
    status = await devbox.wait(execution_id, 60)
    stderr = (devbox.exec_dir(execution_id) / "stderr").read_text()
    assert status == 0, f"{scenario.name}: reference_output failed: {stderr}"


async def gold_scores(
    scenario: BundledScenario, root: Path
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(untouched result, reference-applied result) of ``scenario`` in a fresh devbox."""
    archive = root / "home.tar.gz"
    archive.write_bytes(scenario.home_archive())
    devbox: Sandbox = await start_devbox(root / "devbox", archive)
    try:
        untouched = await score_scenario(devbox, wire(scenario), custom_scorers={}, run_context={})
        await apply_reference(devbox, scenario)
        applied = await score_scenario(devbox, wire(scenario), custom_scorers={}, run_context={})
    finally:
        await devbox.shutdown()
    return untouched, applied
