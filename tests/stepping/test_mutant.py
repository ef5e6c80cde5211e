"""MutantAgent: one seeded mutation of the reference's Python code, really applied and scored."""

from __future__ import annotations

import random

import pytest

from runloop_nb.client import RunloopClient
from runloop_nb.stepping import MutantAgent, ReferenceOutputError
from runloop_nb.stepping._mutant import mutate_script
from runloop_nb.wire import ScenarioView

CODE = """cat > solution.py <<'RL_EOF'
def f(xs):
    \"\"\"Return True if a == b; 1 + 1.\"\"\"
    total = 0  # a comment: x < y
    for x in xs:
        if x > 2 and x != 7:
            total += x
    return total
RL_EOF
"""
PATCH = """patch -p1 <<'RL_FIX_PATCH'
--- a/m.py
+++ b/m.py
@@ -1,3 +1,3 @@
 def g(n):
-    return n - 1
+    return n + 1
 # context: a < b
RL_FIX_PATCH
"""


def _changed(before: str, after: str) -> list[tuple[str, str]]:
    return [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]


def test_exactly_one_token_of_the_code_changes() -> None:
    seen = set()
    for seed in range(40):
        mutated, info = mutate_script(CODE, random.Random(seed))
        assert info is not None
        [(old, new)] = _changed(CODE, mutated)
        _line, before, after, change = info
        assert (before, after) == (old.strip(), new.strip())
        assert "RL_EOF" not in (old, new)
        if "#" in old:  # the comment itself stays as it was
            assert old.split("#")[1] == new.split("#")[1]
        assert '"""' not in old
        body = mutated.split("<<'RL_EOF'\n")[1].split("RL_EOF\n")[0]
        compile(body, "solution.py", "exec")  # still Python: a wrong program, not a broken one
        seen.add(change)
    # every site of the code is reachable: 0, >, 2, and, !=, 7, +=
    assert seen == {
        "'0' -> '1'", "'>' -> '>='", "'2' -> '3'", "'and' -> 'or'", "'!=' -> '=='",
        "'7' -> '8'", "'+=' -> '-='",
    }  # fmt: skip


def test_the_same_seed_gives_the_same_mutant() -> None:
    assert mutate_script(CODE, random.Random("s")) == mutate_script(CODE, random.Random("s"))


def test_only_the_added_lines_of_a_patch_change() -> None:
    for seed in range(10):
        mutated, _info = mutate_script(PATCH, random.Random(seed))
        [(old, new)] = _changed(PATCH, mutated)
        assert old == "+    return n + 1"
        assert new in ("+    return n - 1", "+    return n + 2")


def test_a_script_without_python_code_has_no_site() -> None:
    for script in ("printf 'hello\\n' > greeting.txt\n", "chmod +x run.sh\n", ""):
        assert mutate_script(script, random.Random(0)) == (script, None)


async def test_no_site_is_an_error_that_says_so() -> None:
    scenario = ScenarioView.model_validate(
        {
            "id": "scn_x", "name": "plain", "input_context": {"problem_statement": "p"},
            "scoring_contract": {"scoring_function_parameters": []}, "metadata": {},
            "status": "active", "reference_output": "chmod +x run.sh\n",
        }
    )  # fmt: skip
    agent = MutantAgent()
    with pytest.raises(ReferenceOutputError, match="no Python code with an operator or constant"):
        await agent.run(None, scenario)  # type: ignore[arg-type]
    assert agent.mutations == []


async def test_the_mutant_really_runs_and_is_really_scored(client: RunloopClient) -> None:
    page = await client.api.benchmarks.list_public(name="humaneval")
    humaneval = next(b for b in page if b.name == "humaneval")
    scenario = await client.api.scenarios.retrieve(humaneval.scenario_ids[0])
    assert scenario.name == "humaneval-000"
    agent = MutantAgent(seed=0)
    expected, info = mutate_script(
        scenario.reference_output or "", random.Random(f"0:{scenario.name}:1")
    )
    assert info is not None
    run = await client.api.scenarios.start_run(scenario_id=scenario.id)
    try:
        devbox = client.devbox.from_id(run.devbox_id)
        await devbox.await_running()
        await agent.run(devbox, scenario)
        workdir = scenario.environment.working_directory  # type: ignore[union-attr]
        written = await (await devbox.cmd.exec(f"cat {workdir}/solution.py")).stdout()
        scored = await client.api.scenarios.runs.score_and_await(run.id)
    finally:
        await client.api.scenarios.runs.cancel(run.id)
    body = expected.split("<<'RL_REFERENCE_EOF'\n")[1].split("RL_REFERENCE_EOF\n")[0]
    assert written == body  # exactly the mutated reference, in the working directory
    [mutation] = agent.mutations
    assert (mutation.attempt, mutation.line, mutation.change) == (1, info[0], info[3])
    assert mutation.before != mutation.after
    # has_close_elements with `abs(elem + elem2)`: the task's tests notice
    assert mutation.after == "distance = abs(elem + elem2)"
    assert scored.scoring_contract_result is not None
    assert scored.scoring_contract_result.score == 0.0
    frame = agent.mutations_df()
    assert list(frame.columns) == [
        "scenario_id", "scenario_name", "attempt", "line", "before", "after", "change",
    ]  # fmt: skip
    assert frame.loc[0, "scenario_name"] == "humaneval-000"
