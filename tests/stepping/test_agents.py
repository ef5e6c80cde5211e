"""Step agents as whole-run agents, auto mode's allow-list, binary diffs, and steps_df reading
the trajectory (real local server)."""

from __future__ import annotations

from pathlib import Path

from support.repo_bugfix import FILE, FIX, SED, scenario_id

from runloop_nb.analysis import steps_df
from runloop_nb.client import RunloopClient
from runloop_nb.running import run_scenario
from runloop_nb.stepping import (
    Action,
    Agent,
    ReferenceAgent,
    ScriptedAgent,
    StepAgent,
    Stepper,
    WholeRunAgent,
)
from runloop_nb.stepping._diff import Tree


def test_built_in_agents_follow_the_protocols() -> None:
    assert isinstance(ScriptedAgent([]), StepAgent)
    assert isinstance(ReferenceAgent(), StepAgent)
    assert isinstance(ReferenceAgent(), Agent)
    assert isinstance(WholeRunAgent(ScriptedAgent([])), Agent)


def test_tree_diffs_text_and_binary_files() -> None:
    tree = Tree()
    tree.advance({"a.txt": (2, "h1"), "b.bin": (3, "h2")}, {"a.txt": b"x\n", "b.bin": b"\0\1\2"})
    changes = tree.advance(
        {"a.txt": (2, "h3"), "c.txt": (2, "h4")}, {"a.txt": b"y\n", "c.txt": b"z\n"}
    )
    by_path = {c.path: c for c in changes}
    assert {p: c.status for p, c in by_path.items()} == {
        "a.txt": "changed",
        "b.bin": "deleted",
        "c.txt": "new",
    }
    assert "-x\n+y\n" in (by_path["a.txt"].diff or "")
    assert by_path["b.bin"].binary
    assert by_path["b.bin"].diff is None
    assert (by_path["b.bin"].size_before, by_path["b.bin"].sha256_before) == (3, "h2")


async def test_a_scripted_step_agent_runs_whole_under_run_scenario(client: RunloopClient) -> None:
    agent = WholeRunAgent(ScriptedAgent(["cd src", "cd ..", SED]))  # cwd carries across steps
    outcome = await run_scenario(client, await scenario_id(client), agent)
    assert outcome.agent_error is None
    assert outcome.score == 1.0


async def test_reference_agent_as_one_step_then_done(client: RunloopClient, tmp_path: Path) -> None:
    stepper = await Stepper.start(
        client,
        await scenario_id(client),
        ReferenceAgent(),
        mode="auto",
        trajectory=tmp_path / "r.jsonl",
    )
    try:
        ran = await stepper.run_agent()
        assert [s.files_changed for s in ran] == [[FILE]]
        assert stepper.agent_done
        assert (await stepper.preview_score()).score == 1.0
    finally:
        await stepper.cancel()


async def test_auto_mode_stops_at_a_command_outside_the_allow_list(
    client: RunloopClient, tmp_path: Path
) -> None:
    path = tmp_path / "a.jsonl"
    script = ScriptedAgent(["ls", "cat setup.cfg | head -1", "rm -rf src", "ls"])
    stepper = await Stepper.start(
        client, await scenario_id(client), script, mode="auto", allow=[r"ls\b", r"cat\b"],
        trajectory=path,
    )  # fmt: skip
    try:
        ran = await stepper.run_agent()
        assert [s.action.command for s in ran] == ["ls", "cat setup.cfg | head -1"]
        assert stepper.pending == Action.run("rm -rf src")  # waits for a person
        await stepper.skip()
        written = await stepper.write_file("notes/a b.txt", f"{FIX}\n")
        assert written.files_changed == ["notes/a b.txt"]
    finally:
        await stepper.cancel()
    frame = steps_df(path)
    assert list(frame["step"]) == [1, 2, 3]
    assert list(frame["who"]) == ["agent", "agent", "human"]
    assert list(frame["n_files_changed"]) == [0, 0, 1]
    assert frame["action"].iloc[2].startswith("write notes/a b.txt")
