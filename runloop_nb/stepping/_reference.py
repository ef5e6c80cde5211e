"""ReferenceAgent: applies a scenario's `reference_output` (a bash script) in the run's devbox,
as a whole-run agent (`run`) or as one step (`next_action`)."""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING

from runloop_nb.client import PollingConfig
from runloop_nb.errors import ReferenceOutputError
from runloop_nb.stepping._protocol import Action

if TYPE_CHECKING:
    from runloop_nb.client import Devbox
    from runloop_nb.stepping._protocol import Observation
    from runloop_nb.wire import ScenarioView

# A command is one argv string of the devbox shell; Linux caps one argument at 128 KiB, so
# longer commands (the quoted script) upload the script as a file instead.
_INLINE_LIMIT = 64 * 1024
_UPLOAD_NAME = ".runloop_nb_reference.sh"
_TAIL_LINES = 30


class ReferenceAgent:
    """The gold agent: runs `scenario.reference_output` as a bash script in the scenario's
    working directory (the devbox home when it has none).

    The script travels as one shell-quoted argument of `bash -c`, so no quote, heredoc marker or
    `$` in it can clash with the command that runs it.

    Args:
        timeout_seconds: how long the script may run before the wait gives up.
    """

    name = "reference"

    def __init__(self, *, timeout_seconds: float = 600.0) -> None:
        self._polling = PollingConfig(timeout_seconds=timeout_seconds)

    async def run(self, devbox: Devbox, scenario: ScenarioView) -> None:
        """Apply the reference solution.

        Raises:
            ReferenceOutputError: the scenario has no reference, or the script exited non-zero
                (the message carries its exit status and the end of its stderr).
        """
        script = scenario.reference_output
        if script is None or not script.strip():
            raise ReferenceOutputError(
                f"Scenario {scenario.name!r} ({scenario.id}) has no reference_output to apply; "
                "set one with ScenarioBuilder.with_reference_output() or scenarios.update().",
                scenario_id=scenario.id,
                exit_code=None,
            )
        command = await _command_for(devbox, script, _working_directory(scenario))
        result = await devbox.cmd.exec(command, polling=self._polling)
        if not result.success:
            stderr = (await result.stderr(num_lines=_TAIL_LINES)).strip()
            if not stderr:
                stderr = (await result.stdout(num_lines=_TAIL_LINES)).strip()
            raise ReferenceOutputError(
                f"The reference solution of scenario {scenario.name!r} ({scenario.id}) exited "
                f"with status {result.exit_code} in devbox {devbox.id}: {stderr or '(no output)'}",
                scenario_id=scenario.id,
                exit_code=result.exit_code,
                stderr=stderr,
            )

    async def next_action(self, observation: Observation) -> Action | None:
        """Step form: one step that runs the reference script in the working directory, then
        done (also done when that step was already proposed and rejected or skipped).

        Raises:
            ReferenceOutputError: the scenario has no reference.
        """
        scenario = observation.scenario
        script = None if scenario is None else scenario.reference_output
        if scenario is None or script is None or not script.strip():
            raise ReferenceOutputError(
                "The scenario has no reference_output to apply; set one with "
                "ScenarioBuilder.with_reference_output() or scenarios.update().",
                scenario_id=getattr(scenario, "id", ""),
                exit_code=None,
            )
        ran = [s for s in observation.steps if s.action.command == script]
        if ran or observation.feedback:
            return None
        return Action.run(script, thought="Apply the scenario's reference solution.")

    def __repr__(self) -> str:
        return "ReferenceAgent()"


def _working_directory(scenario: ScenarioView) -> str | None:
    environment = scenario.environment
    return environment.working_directory if environment is not None else None


async def _command_for(devbox: Devbox, script: str, working_directory: str | None) -> str:
    """The shell command that runs `script` with bash in `working_directory`."""
    inline = reference_command(working_directory, script=script)
    if len(inline.encode()) <= _INLINE_LIMIT:
        return inline
    await devbox.file.upload(path=_UPLOAD_NAME, file=script.encode())
    return reference_command(working_directory, uploaded=_UPLOAD_NAME)


def reference_command(
    working_directory: str | None, *, script: str | None = None, uploaded: str | None = None
) -> str:
    """A command that cds, then runs the script with bash (as its exit status).

    Give the script either inline (`script`: one shell-quoted argument of `bash -c`, so no quote,
    heredoc marker or `$` in it can clash with the command, and no process is spent on temp
    files) or as `uploaded` (a path relative to the home directory, where commands start; it is
    moved to a temp file first and removed after).
    """
    enter = f"cd -- {shlex.quote(working_directory)}" if working_directory else "true"
    if script is not None:
        return f"{enter} || exit\nexec bash -c {shlex.quote(script)} reference"
    if uploaded is None:
        raise ValueError("reference_command needs script= or uploaded=")
    return (
        f'ref="$(mktemp)" || exit 1; {{ mv -- {shlex.quote(uploaded)} "$ref" && {enter} && '
        'bash "$ref"; }; status=$?; rm -f -- "$ref"; exit "$status"'
    )
