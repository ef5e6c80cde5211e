"""Each shell-level scorer type: a pass, a fail and an error case, in a real devbox."""

from __future__ import annotations

from typing import Any

from runloop_nb.local.sandbox._base import Sandbox
from runloop_nb.local.scoring import score_scenario

from ._helpers import function, scenario


async def score_one(
    devbox: Sandbox, scorer: dict[str, Any], custom: dict[str, str] | None = None
) -> dict[str, Any]:
    """Score a one-function scenario and return that function's result."""
    result = await score_scenario(
        devbox,
        scenario(function("only", scorer)),
        custom_scorers=custom or {},
        run_context={"id": "scr_1"},
    )
    (single,) = result["scoring_function_results"]
    assert result["score"] == single["score"]
    return dict(single)


def bash(script: str) -> dict[str, Any]:
    return {"type": "bash_script_scorer", "bash_script": script}


async def test_bash_scorer_reads_the_last_line_in_either_form(devbox: Sandbox) -> None:
    bare = await score_one(devbox, bash("echo checking\necho 0.25\n"))
    keyed = await score_one(devbox, bash("echo score=1.0\necho\n"))
    assert (bare["score"], bare["state"]) == (0.25, "complete")
    assert "checking" in bare["output"]
    assert (keyed["score"], keyed["state"]) == (1.0, "complete")
    assert keyed["scoring_function_name"] == "only"


async def test_bash_scorer_clamps_and_fails(devbox: Sandbox) -> None:
    assert (await score_one(devbox, bash("echo 7")))["score"] == 1.0
    assert (await score_one(devbox, bash("echo score=0")))["score"] == 0.0


async def test_bash_scorer_without_a_score_is_an_error_quoting_the_line(devbox: Sandbox) -> None:
    result = await score_one(devbox, bash("echo all good"))
    assert (result["score"], result["state"]) == (0.0, "error")
    assert "'all good'" in result["output"]


async def test_command_scorer_passes_on_exit_zero_only(devbox: Sandbox) -> None:
    await devbox.write_file("marker.txt", b"x")
    passed = await score_one(devbox, {"type": "command_scorer", "command": "test -f marker.txt"})
    failed = await score_one(devbox, {"type": "command_scorer", "command": "test -f nothing"})
    broken = await score_one(devbox, {"type": "command_scorer"})
    assert (passed["score"], passed["state"]) == (1.0, "complete")
    assert (failed["score"], failed["state"]) == (0.0, "complete")
    assert (broken["state"], "command" in broken["output"]) == ("error", True)


def check_scorer(check: str) -> dict[str, Any]:
    files = [{"file_path": "tests/check.sh", "file_contents": check}]
    return {"type": "test_based_scorer", "test_command": "bash tests/check.sh", "test_files": files}


async def test_test_based_scorer_writes_files_then_runs_the_command(devbox: Sandbox) -> None:
    await devbox.write_file("answer.txt", b"42\n")
    passed = await score_one(devbox, check_scorer('test "$(cat answer.txt)" = 42'))
    failed = await score_one(devbox, check_scorer('test "$(cat answer.txt)" = 41'))
    assert (passed["score"], passed["state"]) == (1.0, "complete")
    assert (failed["score"], failed["state"]) == (0.0, "complete")


async def test_test_based_scorer_restores_a_file_it_replaced(devbox: Sandbox) -> None:
    await devbox.write_file("tests/check.sh", b"exit 1  # the agent's own version\n")
    await score_one(devbox, check_scorer("exit 0"))
    assert await devbox.read_file("tests/check.sh") == b"exit 1  # the agent's own version\n"


async def test_test_based_scorer_removes_the_directories_it_made_and_nothing_else(
    devbox: Sandbox,
) -> None:
    await devbox.write_file("keep/mine.txt", b"agent's")
    await score_one(devbox, check_scorer("exit 0"))  # made tests/ for check.sh
    assert await devbox.path_kind("tests") is None
    blocked = check_scorer("exit 0")
    blocked["test_files"][0]["file_path"] = "keep/mine.txt/check.sh"  # below a file
    result = await score_one(devbox, blocked)
    assert result["state"] == "error"
    assert await devbox.read_file("keep/mine.txt") == b"agent's"


async def test_test_based_scorer_rejects_paths_outside_the_home(devbox: Sandbox) -> None:
    scorer = check_scorer("exit 0")
    scorer["test_files"][0]["file_path"] = "../../etc/evil"
    result = await score_one(devbox, scorer)
    assert result["state"] == "error"
    assert "outside /home/user" in result["output"]


async def test_custom_scorer_gets_params_and_run_in_its_context(devbox: Sandbox) -> None:
    script = (
        'python3 -c \'import json,os; c=json.loads(os.environ["RL_SCORER_CONTEXT"]);'
        ' print(c["scorer_params"]["want"] if c["run"]["id"] == "scr_1" else 0)\''
    )
    spec = {"type": "custom_scorer", "custom_scorer_type": "mine", "scorer_params": {"want": 0.5}}
    result = await score_one(devbox, spec, {"mine": script})
    assert (result["score"], result["state"]) == (0.5, "complete")
    spec["scorer_params"] = {"want": 0}
    assert (await score_one(devbox, spec, {"mine": script}))["score"] == 0.0


async def test_custom_scorer_of_unknown_type_names_it(devbox: Sandbox) -> None:
    spec = {"type": "custom_scorer", "custom_scorer_type": "nope"}
    result = await score_one(devbox, spec, {"mine": "echo 1"})
    assert result["state"] == "error"
    assert "'nope'" in result["output"]
    assert "mine" in result["output"]


def grep(pattern: str, lang: str = "python", directory: str = "src") -> dict[str, Any]:
    return {
        "type": "ast_grep_scorer",
        "pattern": pattern,
        "search_directory": directory,
        "lang": lang,
    }


async def test_ast_grep_scores_one_when_the_pattern_matches(devbox: Sandbox) -> None:
    await devbox.write_file("src/app.py", b"def f(x):\n    return x + 1\n")
    matched = await score_one(devbox, grep("return $A + 1"))
    missed = await score_one(devbox, grep("return $A + 2"))
    assert (matched["score"], matched["state"]) == (1.0, "complete")
    assert "1 match(es) in" in matched["output"]
    assert (missed["score"], missed["state"]) == (0.0, "complete")


async def test_ast_grep_failures_are_errors(devbox: Sandbox) -> None:
    await devbox.write_file("src/app.py", b"x = 1\n")
    bad_lang = await score_one(devbox, grep("x = 1", lang="klingon"))
    no_dir = await score_one(devbox, grep("x = 1", directory="missing"))
    assert bad_lang["state"] == "error"
    assert "klingon" in bad_lang["output"]
    assert no_dir["state"] == "error"
    assert "missing does not exist" in no_dir["output"]


async def test_unknown_scorer_type_is_an_error_listing_the_valid_ones(devbox: Sandbox) -> None:
    result = await score_one(devbox, {"type": "swebench"})
    assert result["state"] == "error"
    assert "'swebench'" in result["output"]
    assert "bash_script_scorer" in result["output"]
