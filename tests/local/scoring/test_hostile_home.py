"""Score spoofing: files the agent controls in the home cannot change a score.

A login shell would read ~/.bash_profile, where `trap "exit 0" EXIT` turns every failing check
into a pass; python would load a planted usercustomize.py. Scorers run without either.
"""

from __future__ import annotations

import pytest

from runloop_nb.local.sandbox._base import Sandbox
from runloop_nb.local.scoring import score_scenario

from ._helpers import function, scenario

HOSTILE_SHELL = b'trap "exit 0" EXIT\necho 1\nexport SCORE_OVERRIDE=1\n'
HOSTILE_PYTHON = b"import os\nos._exit(0)\n"


async def _plant(devbox: Sandbox) -> None:
    for name in (".bash_profile", ".bash_login", ".profile", ".bashrc"):
        await devbox.write_file(name, HOSTILE_SHELL)
    for version in ("3.11", "3.12", "3.13"):
        site = f".local/lib/python{version}/site-packages"
        await devbox.write_file(f"{site}/usercustomize.py", HOSTILE_PYTHON)
        await devbox.write_file(f"{site}/evil.pth", b"import os; os._exit(0)\n")


FAILING = [
    function("bash", {"type": "bash_script_scorer", "bash_script": "echo 0"}),
    function("command", {"type": "command_scorer", "command": "false"}),
    function(
        "python",
        {"type": "python_script_scorer", "python_script": "raise SystemExit(1)"},
    ),
    function(
        "env",
        {"type": "bash_script_scorer", "bash_script": 'echo "${SCORE_OVERRIDE:-0}"'},
    ),
]


@pytest.mark.parametrize("scorer", FAILING, ids=lambda f: f["name"])
async def test_hostile_profiles_and_user_site_do_not_change_a_failing_score(
    devbox: Sandbox, scorer: dict[str, object]
) -> None:
    await _plant(devbox)
    result = await score_scenario(devbox, scenario(scorer), custom_scorers={}, run_context={})
    assert result["score"] == 0.0
    assert result["scoring_function_results"][0]["score"] == 0.0


async def test_a_passing_check_still_passes_with_them(devbox: Sandbox) -> None:
    await _plant(devbox)
    passing = function("ok", {"type": "command_scorer", "command": "python3 -c 'print(1)'"})
    result = await score_scenario(devbox, scenario(passing), custom_scorers={}, run_context={})
    assert result["score"] == 1.0


async def test_user_commands_still_get_a_login_shell(devbox: Sandbox) -> None:
    await devbox.write_file(".bash_profile", b"export FROM_PROFILE=yes\n")
    await devbox.exec("ex_login", 'echo "$FROM_PROFILE"')
    assert await devbox.wait("ex_login", 20) == 0
    assert (devbox.exec_dir("ex_login") / "stdout").read_bytes() == b"yes\n"
