"""Gold check of one scenario in a real devbox: untouched scores 0, reference applied scores 1."""

from __future__ import annotations

import shlex
import uuid
from typing import Any

from runloop_nb.local.catalog import BundledScenario
from runloop_nb.local.sandbox._base import Sandbox
from runloop_nb.local.scoring import score_scenario

try:  # the scoring tests' devbox helper (sibling test package)
    from local.scoring._helpers import running_devbox  # type: ignore[import-not-found]
except ImportError:
    from scoring._helpers import running_devbox  # type: ignore[import-not-found,no-redef]


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


Result = dict[str, Any]


async def gold_scores(scenario: BundledScenario) -> tuple[Result, Result]:
    """(untouched result, reference-applied result) of ``scenario`` in a fresh devbox."""
    async with running_devbox(scenario.home_archive()) as devbox:
        untouched = await score_scenario(devbox, wire(scenario), custom_scorers={}, run_context={})
        await apply_reference(devbox, scenario)
        applied = await score_scenario(devbox, wire(scenario), custom_scorers={}, run_context={})
    return untouched, applied
