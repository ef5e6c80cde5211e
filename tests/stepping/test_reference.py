"""ReferenceAgent: the script reaches bash intact, runs in the working directory, fails loudly."""

from __future__ import annotations

import os
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from runloop_nb.authoring import ScenarioBuilder
from runloop_nb.client import Devbox, RunloopClient
from runloop_nb.stepping import Agent, ReferenceAgent, ReferenceOutputError
from runloop_nb.stepping._reference import reference_command
from runloop_nb.wire import ScenarioView

# Quotes, a heredoc with the usual marker, `$`, backticks: nothing here may clash with the
# command that carries the script.
AWKWARD = """set -e
cat > out.txt <<'EOF'
it's "$HOME" `whoami`
EOF
printf '%s\\n' "$PWD" >> out.txt
"""


def run_locally(
    command: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", command], cwd=cwd, capture_output=True, text=True, env=env)


def test_command_runs_the_script_verbatim_in_the_working_directory(tmp_path: Path) -> None:
    work = tmp_path / "work dir"
    work.mkdir()
    done = run_locally(reference_command(str(work), script=AWKWARD), tmp_path)
    assert done.returncode == 0, done.stderr
    assert (work / "out.txt").read_text() == f'it\'s "$HOME" `whoami`\n{work}\n'


def test_command_keeps_the_script_exit_status_and_makes_no_temp_file(tmp_path: Path) -> None:
    scratch = tmp_path / "tmp"  # the command's temp dir: a private one, so nothing else writes it
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch)}
    saw = 'ls "$TMPDIR" > seen.txt; echo oops >&2; exit 7'
    done = run_locally(reference_command(None, script=saw), tmp_path, env)
    assert (done.returncode, done.stderr) == (7, "oops\n")
    assert (tmp_path / "seen.txt").read_text() == ""  # the script is an argument, not a file
    assert list(scratch.iterdir()) == []


def test_command_fails_when_the_working_directory_is_missing(tmp_path: Path) -> None:
    done = run_locally(reference_command("/no/such/dir", script="true"), tmp_path)
    assert done.returncode != 0
    assert "/no/such/dir" in done.stderr


def test_command_can_run_an_uploaded_script(tmp_path: Path) -> None:
    (tmp_path / "ref.sh").write_text("echo from-upload > result.txt\n")
    done = run_locally(reference_command(str(tmp_path), uploaded="ref.sh"), tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "result.txt").read_text() == "from-upload\n"
    assert not (tmp_path / "ref.sh").exists()


def test_reference_agent_is_an_agent() -> None:
    assert isinstance(ReferenceAgent(), Agent)


async def make_scenario(client: RunloopClient, reference: str | None) -> ScenarioView:
    builder = (
        ScenarioBuilder(client, "reference-agent")
        .with_problem_statement("write done.txt")
        .with_working_directory("/home/user")
        .add_shell_command_scorer("done", command="test -f work/done.txt")
    )
    if reference is not None:
        builder.with_reference_output(reference)
    return await builder.push()


@pytest.fixture
async def devbox(client: RunloopClient) -> AsyncIterator[Devbox]:
    made = await client.devbox.create(name="reference-agent-test")
    await made.cmd.exec("mkdir -p work")
    yield made
    await made.shutdown()


async def test_agent_applies_the_script_in_the_devbox(
    client: RunloopClient, devbox: Devbox
) -> None:
    scenario = await make_scenario(client, "cd work && " + AWKWARD)
    await ReferenceAgent().run(devbox, scenario)
    written = await devbox.cmd.exec("cat work/out.txt")
    assert await written.stdout() == 'it\'s "$HOME" `whoami`\n/home/user/work\n'


async def test_agent_uploads_a_script_too_long_to_inline(
    client: RunloopClient, devbox: Devbox
) -> None:
    padding = "# " + "x" * 100 + "\n"
    script = padding * 1000 + "touch work/done.txt\n"  # ~100 KB
    scenario = await make_scenario(client, script)
    await ReferenceAgent().run(devbox, scenario)
    listing = await devbox.cmd.exec("ls -A work; ls -A | grep -c runloop_nb || true")
    assert await listing.stdout() == "done.txt\n0\n"


async def test_failing_reference_raises_with_its_exit_status_and_stderr(
    client: RunloopClient, devbox: Devbox
) -> None:
    scenario = await make_scenario(client, "echo 'patch does not apply' >&2\nexit 3\n")
    with pytest.raises(ReferenceOutputError, match="patch does not apply") as caught:
        await ReferenceAgent().run(devbox, scenario)
    assert caught.value.exit_code == 3
    assert caught.value.scenario_id == scenario.id
    assert "status 3" in str(caught.value)


async def test_missing_reference_says_how_to_add_one(client: RunloopClient, devbox: Devbox) -> None:
    scenario = await make_scenario(client, None)
    with pytest.raises(ReferenceOutputError, match=r"with_reference_output\(\)"):
        await ReferenceAgent().run(devbox, scenario)
