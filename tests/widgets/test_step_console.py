"""StepConsole on the real local server: the failing cachetools repo-bugfix scenario stepped by a
scripted agent and a person through the widget's buttons, headless (no kernel)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from support.repo_bugfix import BUG, FILE, FIX, SED, scenario_id

import runloop_nb
from runloop_nb.client import RunloopClient
from runloop_nb.errors import APIError, StepperError
from runloop_nb.local import ServerInfo
from runloop_nb.stepping import Action, ScriptedAgent, Stepper
from runloop_nb.widgets import StepConsole


async def test_step_a_scripted_agent_take_over_score_and_finish(
    client: RunloopClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the trajectory file lands here
    agent = ScriptedAgent(["cd src && ls", "ls cachetools", "rm -rf /not-run", "echo four"])
    stepper = await Stepper.start(client, await scenario_id(client), agent, mode="manual")
    console = StepConsole(stepper)
    try:
        await console.wait_idle()  # it lists the working directory on its own
        assert "src/" in console.entries.options
        assert "cachetools" in console.problem.value.lower()
        assert console.approve_button.disabled  # nothing proposed yet
        console.preview_button.click()  # the curve's first point: failing
        await console.wait_idle()
        assert len(console.figure.data[0].y) == 1
        assert console.figure.data[0].y[0] < 1.0

        # Approve two proposals (the second after an edit), reject one, skip one.
        console.propose_button.click()
        await console.wait_idle()
        assert console.proposal.value == "cd src && ls"
        assert not console.approve_button.disabled
        console.approve_button.click()
        await console.wait_idle()
        assert [s.exit_code for s in stepper.steps] == [0]
        assert "cachetools" in console.output.value
        console.propose_button.click()
        await console.wait_idle()
        console.proposal.value = "ls cachetools > listing.txt"
        console.edit_button.click()
        await console.wait_idle()
        assert stepper.steps[1].edited_from is not None
        assert "listing.txt" in console.diff.value  # the selected (last) step's diff
        console.propose_button.click()
        await console.wait_idle()
        console.reject_message.value = "never delete outside the repo"
        console.reject_button.click()
        await console.wait_idle()
        assert len(stepper.steps) == 2
        console.propose_button.click()
        await console.wait_idle()
        assert console.proposal.value == "echo four"
        console.skip_button.click()
        await console.wait_idle()
        assert len(stepper.steps) == 2
        assert "skipped" in console.thought.value
        console.propose_button.click()
        await console.wait_idle()
        assert "the agent is done" in console.thought.value
        assert console.approve_button.disabled
        assert not console.propose_button.disabled

        # A person's step fixes the bug; its diff shows the change.
        console.command.value = f"cd .. && {SED}"
        console.run_button.click()
        await console.wait_idle()
        assert stepper.steps[2].who == "human"
        assert f"+            {FIX}" in console.diff.value.replace("&#x27;", "'")
        assert [label for label, _ in console.steps.options][2].startswith("3. human")

        # Jump back to step 2: its diff and output.
        console.steps.value = 2
        assert "src/listing.txt" in console.diff.value
        assert "step 2 · exit code 0" in console.output.value
        assert BUG not in console.diff.value

        # Files: list the repo, open the module, edit it, save it as a step.
        console.path.value = "src/cachetools"
        console.list_button.click()
        await console.wait_idle()
        assert "__init__.py" in console.entries.options
        console.entries.value = "__init__.py"
        await console.wait_idle()
        assert console.model is not None
        assert console.model.file_path == f"{stepper.working_directory}/{FILE}"
        assert FIX in console.file_text.value
        console.file_text.value = console.file_text.value + "\n# checked by hand\n"
        console.save_button.click()
        await console.wait_idle()
        assert stepper.steps[3].action.kind == "write"
        assert "+# checked by hand" in console.diff.value

        # An error shows inline and the widget stays usable: a file the server cannot read.
        console.entries.value = ".."
        await console.wait_idle()
        console.path.value = "no/such/dir"
        console.list_button.click()
        with pytest.raises(StepperError, match="Cannot list"):
            await console.wait_idle()
        assert console.status.state == "error"
        assert "Cannot list" in console.status.text
        assert not console.run_button.disabled
        # A file that went away after the listing: the server refuses to read it.
        console.model.entries = [*console.model.entries, "missing.py"]
        console.refresh()
        console.entries.value = "missing.py"
        with pytest.raises(APIError):
            await console.wait_idle()
        assert console.status.state == "error"
        assert "opening missing.py failed" in console.status.text
        console.command.value = "echo still-usable"
        console.run_button.click()
        await console.wait_idle()
        assert console.status.state == "idle"
        assert "still-usable" in console.output.value

        # A long output shows its end; Show all reads the whole of it from the devbox.
        console.command.value = "seq 1 3000"
        console.run_button.click()
        await console.wait_idle()
        assert "last 4000 characters" in console.output.value
        assert "\n1\n" not in console.output.value
        assert not console.show_all_button.disabled
        console.show_all_button.click()
        await console.wait_idle()
        assert "stdout:\n1\n2\n" in console.output.value
        assert "3000" in console.output.value
        assert console.show_all_button.disabled

        # Cancel stops a running step; the console goes on.
        console.command.value = "sleep 60"
        console.run_button.click()
        await asyncio.sleep(0)  # one loop turn: the step task starts and sends its command
        assert console.busy
        assert console.cancel_button.disabled is False
        console.cancel_button.click()
        await console.wait_idle()
        assert "cancelled" in console.status.text
        events = [json.loads(line) for line in stepper.trajectory_path.read_text().splitlines()]
        assert [e["action"]["command"] for e in events if e.get("event") == "interrupted"] == [
            "sleep 60"
        ]
        assert not console.run_button.disabled

        # Preview: a second point, at 1.0. Score: the step buttons go off, Complete stays.
        console.preview_button.click()
        await console.wait_idle()
        assert list(console.figure.data[0].y)[-1] == 1.0
        assert len(console.figure.data[0].y) == 2
        console.score_button.click()
        await console.wait_idle()
        assert stepper.run_view.state == "scored"
        for button in (console.score_button, console.run_button, console.preview_button,
                       console.propose_button, console.save_button):  # fmt: skip
            assert button.disabled, button.description
        assert not console.complete_button.disabled
        console.complete_button.click()
        await console.wait_idle()
        assert console.complete_button.disabled
        run = await client.api.scenarios.runs.retrieve(stepper.run_view.id)
        assert run.state == "completed"
        assert run.scoring_contract_result is not None
        assert run.scoring_contract_result.score == 1.0

        # Fork at step 2: a new run replays steps 1-2 (not the fix); go on by hand there.
        console.steps.value = 2
        assert not console.fork_button.disabled
        console.fork_button.click()
        forked = console.fork
        assert forked is not None
        assert console.fork_box.children[-1] is forked
        await forked.wait_idle()
        assert forked.model is not None
        assert [s.replayed_from for s in forked.model.steps] == [1, 2]
        assert forked.model.stepper.run_view.id != stepper.run_view.id
        forked.command.value = "git diff --stat"
        forked.run_button.click()
        await forked.wait_idle()
        assert [s.who for s in forked.model.steps] == ["agent", "agent", "human"]
    finally:
        if not stepper.finished:
            await stepper.cancel()
        if console.fork is not None and console.fork.model is not None:
            await console.fork.model.stepper.cancel()


async def test_step_opens_a_new_run_by_scenario_name_and_binds_to_a_run_id(
    local_server: tuple[Path, ServerInfo],
    client: RunloopClient,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    console = runloop_nb.step("cachetools-lru-evicts-newest", client=client)
    assert console.model is None
    assert console.run_button.disabled
    await console.wait_idle()
    assert console.model is not None
    stepper = console.model.stepper
    try:
        assert stepper.run_view.id.startswith("scr_")
        assert stepper.agent is None
        assert console.propose_button.disabled
        assert not console.run_button.disabled

        again = runloop_nb.step(stepper.run_view.id, client=client)
        await again.wait_idle()
        assert again.model is not None
        assert again.model.stepper.run_view.id == stepper.run_view.id
        again.command.value = "true"
        again.run_button.click()
        await again.wait_idle()
        assert [s.exit_code for s in again.model.steps] == [0]
    finally:
        await stepper.cancel()

    unknown = runloop_nb.step("no-such-scenario", client=client)
    with pytest.raises(StepperError, match="No scenario has the id or name"):
        await unknown.wait_idle()
    assert "No scenario has the id or name" in unknown.status.text
    with pytest.raises(ValueError, match="mode"):
        runloop_nb.step("x", client=client, mode="fast")  # type: ignore[arg-type]


async def test_a_proposed_file_write_is_edited_as_contents(
    client: RunloopClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    agent = ScriptedAgent([Action.write("notes.txt", "draft\n", "keep notes")])
    stepper = await Stepper.start(client, await scenario_id(client), agent)
    console = StepConsole(stepper)
    try:
        await console.wait_idle()
        console.propose_button.click()
        await console.wait_idle()
        assert "write notes.txt" in console.thought.value
        assert "keep notes" in console.thought.value
        assert console.proposal.value == "draft\n"
        console.proposal.value = "final\n"
        console.edit_button.click()
        await console.wait_idle()
        step = stepper.steps[0]
        assert step.action == Action.write("notes.txt", "final\n", "keep notes")
        assert step.edited_from == Action.write("notes.txt", "draft\n", "keep notes")
        assert "+final" in console.diff.value
    finally:
        await stepper.cancel()
