"""The Stepper on the real local server: a failing repo-bugfix scenario (cachetools) stepped by a
scripted agent and a person, with diffs, cwd/env persistence, previews, scoring, trajectories,
ATIF and a fork."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from support.repo_bugfix import BUG, FILE, FIX, SED, scenario_id

from runloop_nb.client import RunloopClient
from runloop_nb.errors import StepperError
from runloop_nb.stepping import (
    Action,
    ReplayAgent,
    ScriptedAgent,
    Stepper,
    fork,
    load_trajectory,
)


async def test_step_take_over_fix_by_hand_score_and_fork(
    client: RunloopClient, tmp_path: Path
) -> None:
    path = tmp_path / "t.jsonl"
    agent = ScriptedAgent(["export GREETING=hi; cd src", "ls cachetools", "rm -rf /nope-not-run"])
    stepper = await Stepper.start(client, await scenario_id(client), agent, trajectory=path)
    try:
        start = await stepper.preview_score()
        assert start.score is not None
        assert start.score < 1.0

        assert (await stepper.propose()) == Action.run("export GREETING=hi; cd src")
        first = await stepper.approve()
        assert (first.who, first.exit_code, first.changes) == ("agent", 0, [])
        assert first.cwd == stepper.working_directory
        assert first.cwd_after == stepper.working_directory + "/src"
        await stepper.propose()
        second = await stepper.edit('ls cachetools && echo "$GREETING" > note.txt')
        assert second.cwd == stepper.working_directory + "/src"  # cwd persisted
        assert second.edited_from == Action.run("ls cachetools")
        assert [(c.path, c.status) for c in second.changes] == [("src/note.txt", "new")]
        assert "+hi" in second.diff()  # the exported variable persisted
        await stepper.propose()
        await stepper.reject("never delete outside the repo")
        assert await stepper.propose() is None  # the script is done

        third = await stepper.run(f"cd .. && {SED} && rm src/note.txt")
        assert third.who == "human"
        assert sorted((c.path, c.status) for c in third.changes) == [
            (FILE, "changed"),
            ("src/note.txt", "deleted"),
        ]
        changed = next(c for c in third.changes if c.path == FILE)
        assert f"-            {BUG}" in (changed.diff or "")
        assert f"+            {FIX}" in (changed.diff or "")
        fixed = await stepper.preview_score()
        assert fixed.score == 1.0
        assert stepper.preview_curve == [(3, 1.0)]

        listing = await stepper.devbox.cmd.exec(f"cd {stepper.working_directory} && ls -A")
        assert ".runloop_nb_stepper" not in await listing.stdout()  # nothing of ours is left

        result = await stepper.score()
        assert result.score == 1.0
        assert (await stepper.complete()).state == "completed"
        with pytest.raises(StepperError, match="fork"):
            await stepper.run("true")
    finally:
        if not stepper.finished:
            await stepper.cancel()

    loaded = load_trajectory(path)
    assert [s["step"] for s in loaded.steps] == [1, 2, 3]
    assert [s["who"] for s in loaded.steps] == ["agent", "agent", "human"]
    assert loaded.steps[2]["preview_score"] == 1.0
    assert loaded.steps[1]["files_changed"] == ["src/note.txt"]
    assert [e["event"] for e in loaded.events] == ["previewed", "rejected", "scored", "completed"]
    atif = loaded.to_atif()
    assert atif["schema_version"] == "ATIF-v1.4"
    assert [s["source"] for s in atif["steps"]] == ["user", "agent", "agent", "user"]
    assert atif["steps"][3]["tool_calls"][0]["arguments"]["command"].startswith("cd ..")
    assert atif["extra"]["score"] == 1.0
    json.dumps(atif)

    # Fork at step 2: the same two steps replay identically, then another ending by hand.
    forked = await fork(client, path, 2)
    try:
        assert [s.replayed_from for s in forked.steps] == [1, 2]
        assert [s.files_changed for s in forked.steps] == [[], ["src/note.txt"]]
        assert forked.terminal.cwd == forked.working_directory + "/src"
        other = await forked.write_file("cachetools/extra.txt", "another ending\n")
        assert other.files_changed == ["src/cachetools/extra.txt"]
        assert (await forked.preview_score()).score == start.score  # the bug is still there
    finally:
        await forked.cancel()
    assert load_trajectory(forked.trajectory_path).header["forked_from"]["at_step"] == 2

    replay = ReplayAgent(path, steps=1)
    assert [a.command for a in replay.actions] == ["export GREETING=hi; cd src"]


async def test_interrupted_step_kills_the_command_and_records_no_step(
    client: RunloopClient, tmp_path: Path
) -> None:
    path = tmp_path / "t.jsonl"
    stepper = await Stepper.start(client, await scenario_id(client), None, trajectory=path)
    try:
        task = asyncio.ensure_future(stepper.run("touch started.txt; sleep 300; touch late.txt"))
        while not any("started.txt" in line for line in (await _ls(stepper)).splitlines()):
            await asyncio.sleep(0.2)  # polling a condition, not sleeping for an outcome
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert stepper.steps == []
        events = load_trajectory(path).events
        assert events[-1]["event"] == "interrupted"
        assert events[-1]["files_changed"] == ["started.txt"]
        after = await stepper.run("ls late.txt started.txt")
        assert after.step == 1
        assert after.exit_code != 0
        assert after.changes == []
    finally:
        await stepper.cancel()


async def _ls(stepper: Stepper) -> str:
    result = await stepper.devbox.cmd.exec(f"ls -A {stepper.working_directory}")
    return await result.stdout()
