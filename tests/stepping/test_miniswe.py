"""MiniSweAgent: mini-swe-agent's DeterministicModel stepped on the real repo-bugfix scenario."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.repo_bugfix import FILE, SED, scenario_id

from runloop_nb.client import RunloopClient
from runloop_nb.stepping import Action, MiniSweAgent, Stepper


@pytest.fixture
def quiet_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "mswea"
    monkeypatch.setenv("MSWEA_GLOBAL_CONFIG_DIR", str(home))
    monkeypatch.setenv("MSWEA_SILENT_STARTUP", "1")
    return home


async def test_a_deterministic_mini_swe_agent_model_steps_to_a_score_of_one(
    client: RunloopClient, tmp_path: Path, quiet_config: Path
) -> None:
    from minisweagent.models.test_models import DeterministicModel, make_output

    model = DeterministicModel(outputs=[
        make_output("List first.", [{"command": "ls src/cachetools"}]),
        make_output("Fix the eviction.", [{"command": SED}]),
        make_output("Done.", [{"command": "echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT"}]),
    ])  # fmt: skip
    agent = MiniSweAgent(model)
    stepper = await Stepper.start(
        client, await scenario_id(client), agent, trajectory=tmp_path / "m.jsonl"
    )
    try:
        assert (await stepper.propose()) == Action.run("ls src/cachetools", "List first.")
        listed = await stepper.approve()
        assert listed.exit_code == 0
        assert (await stepper.propose()) == Action.run(SED, "Fix the eviction.")
        assert (await stepper.approve()).files_changed == [FILE]
        assert await stepper.propose() is None
        assert (await stepper.score()).score == 1.0
    finally:
        if not stepper.finished:
            await stepper.cancel()
    roles = [m["role"] for m in agent.messages]
    assert roles == ["system", "user", "assistant", "user", "assistant", "user", "assistant"]
    assert "__init__.py" in agent.messages[3]["content"]
    assert "<returncode>0</returncode>" in agent.messages[5]["content"]
    assert stepper.steps[0].stdout in agent.messages[3]["content"]
    import minisweagent

    # its config dir is a test's tmp dir (the first to import it), never the user's home
    assert minisweagent.global_config_dir.name == "mswea"
    assert minisweagent.global_config_dir.parent.parent == quiet_config.parent.parent


async def test_a_rejection_reaches_the_mini_swe_agent_model(
    client: RunloopClient, tmp_path: Path, quiet_config: Path
) -> None:
    from minisweagent.models.test_models import DeterministicModel, make_output

    model = DeterministicModel(outputs=[
        make_output("Delete it.", [{"command": "rm -rf src"}]),
        make_output("Fix instead.", [{"command": SED}]),
    ])  # fmt: skip
    agent = MiniSweAgent(model)
    stepper = await Stepper.start(
        client, await scenario_id(client), agent, trajectory=tmp_path / "r.jsonl"
    )
    try:
        await stepper.propose()
        await stepper.reject("Never delete the sources.")
        assert (await stepper.propose()) == Action.run(SED, "Fix instead.")
        assert "Never delete the sources." in agent.messages[-2]["content"]
        assert (await stepper.approve()).files_changed == [FILE]
        assert (await stepper.preview_score()).score == 1.0
    finally:
        await stepper.cancel()
