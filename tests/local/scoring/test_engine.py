"""score_scenario: weights, working directory, timeouts, cleanup and dead devboxes."""

from __future__ import annotations

import time

import pytest

from runloop_nb.local.sandbox._base import Sandbox
from runloop_nb.local.scoring import ScoringInfrastructureError, normalised_weights, score_scenario

from ._helpers import function, scenario


def bash(script: str) -> dict[str, str]:
    return {"type": "bash_script_scorer", "bash_script": script}


async def test_total_uses_weights_normalised_to_one(devbox: Sandbox) -> None:
    contract = scenario(
        function("half", bash("echo 1"), weight=2),
        function("zero", bash("echo 0"), weight=1),
        function("broken", bash("echo nonsense"), weight=1),
    )
    result = await score_scenario(devbox, contract, custom_scorers={}, run_context={})
    assert result["score"] == pytest.approx(0.5)
    states = [r["state"] for r in result["scoring_function_results"]]
    assert states == ["complete", "complete", "error"]


def test_invalid_weights_fall_back_to_equal_ones() -> None:
    assert normalised_weights([{"weight": 0.7}, {"weight": 0.7}]) == [0.5, 0.5]
    assert normalised_weights([{"weight": -1}, {"weight": 1}]) == [0.5, 0.5]
    assert normalised_weights([{}, {"weight": 0}]) == [0.5, 0.5]
    assert normalised_weights([]) == []


async def test_scorers_run_in_the_working_directory(devbox: Sandbox) -> None:
    await devbox.write_file("project/here.txt", b"")
    env = {"working_directory": "/home/user/project"}
    contract = scenario(function("cwd", bash("test -f here.txt && echo 1")), environment=env)
    result = await score_scenario(devbox, contract, custom_scorers={}, run_context={})
    assert result["score"] == 1.0


async def test_missing_working_directory_errors_every_function(devbox: Sandbox) -> None:
    env = {"working_directory": "/home/user/nowhere"}
    contract = scenario(function("a", bash("echo 1")), environment=env)
    result = await score_scenario(devbox, contract, custom_scorers={}, run_context={})
    (only,) = result["scoring_function_results"]
    assert (result["score"], only["state"]) == (0.0, "error")
    assert "/home/user/nowhere does not exist" in only["output"]


async def test_a_slow_scorer_is_killed_after_the_timeout(devbox: Sandbox) -> None:
    contract = scenario(
        function("slow", bash("echo started; sleep 30; echo 1")),
        function("fast", bash("echo 1")),
        scorer_timeout_sec=1,
    )
    started = time.monotonic()
    result = await score_scenario(devbox, contract, custom_scorers={}, run_context={})
    slow, fast = result["scoring_function_results"]
    assert time.monotonic() - started < 10
    assert (slow["state"], slow["score"]) == ("error", 0.0)
    assert "timed out after 1 s" in slow["output"]
    assert "started" in slow["output"]
    assert (fast["state"], result["score"]) == ("complete", 0.5)


async def listing(devbox: Sandbox) -> str:
    """Every path under the devbox home (hidden ones included), as the agent would see it."""
    execution_id = f"ls_{time.monotonic_ns()}"
    await devbox.exec(execution_id, "cd && find . | sort")
    assert await devbox.wait(execution_id, 30) == 0
    return (devbox.exec_dir(execution_id) / "stdout").read_text()


async def test_scorer_files_exist_only_while_scoring(devbox: Sandbox) -> None:
    await devbox.write_file("work/solution.py", b"x = 1\n")
    during = "find \"$HOME\" -name '.rl_scoring_*' | grep -q . && echo 1 || echo 0"
    contract = scenario(
        function("bash", bash(during)),
        function("python", {"type": "python_script_scorer", "python_script": "print(1)"}),
        function(
            "tests",
            {
                "type": "test_based_scorer",
                "test_command": "bash tests/t.sh",
                "test_files": [{"file_path": "tests/t.sh", "file_contents": "exit 0"}],
            },
        ),
        function("grep", {"type": "ast_grep_scorer", "pattern": "x = 1", "search_directory": "."}),
        environment={"working_directory": "/home/user/work"},
    )
    before = await listing(devbox)
    result = await score_scenario(devbox, contract, custom_scorers={}, run_context={})
    assert await listing(devbox) == before
    assert "rl_scoring" not in before
    assert [r["score"] for r in result["scoring_function_results"]] == [1.0] * 4


async def test_dead_devbox_is_an_infrastructure_error(devbox: Sandbox) -> None:
    await devbox.shutdown(keep_disk=True)
    with pytest.raises(ScoringInfrastructureError, match="not running"):
        await score_scenario(
            devbox, scenario(function("a", bash("echo 1"))), custom_scorers={}, run_context={}
        )


async def test_a_scorer_that_stages_no_file_removes_no_scratch_dir(
    devbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    commands: list[str] = []
    real_exec = devbox.exec

    async def recording_exec(execution_id: str, command: str, **kwargs: object) -> None:
        commands.append(command)
        await real_exec(execution_id, command, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(devbox, "exec", recording_exec)
    contract = scenario(function("cmd", {"type": "command_scorer", "command": "true"}))
    result = await score_scenario(devbox, contract, custom_scorers={}, run_context={})
    assert result["score"] == 1.0
    assert not [c for c in commands if ".rl_scoring_" in c]
    assert any(c.endswith("true") for c in commands)
