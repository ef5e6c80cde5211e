"""What every scorer needs to know about the run it scores."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ._devbox import CommandOutcome, DevboxSession, shell_path
from ._outcome import FunctionResult, combine_output, error_result


@dataclass(frozen=True)
class ScorerContext:
    """The run-wide facts one scoring function runs with."""

    session: DevboxSession
    function_name: str
    working_directory: str
    timeout_sec: float
    custom_scorers: Mapping[str, str] = field(default_factory=dict)
    run_context: Mapping[str, Any] = field(default_factory=dict)

    async def run(
        self, command: str, *, env: Mapping[str, str] | None = None
    ) -> CommandOutcome | FunctionResult:
        """Run ``command`` in the working directory, bounded by the scorer timeout.

        Returns:
            The outcome, or an ``error`` result when the command was killed on timeout.
        """
        outcome = await self.session.run(
            command, timeout=self.timeout_sec, cwd=self.working_directory, env=env
        )
        if outcome.exit_code is None:
            seconds = f"{self.timeout_sec:g}"
            return self.error(
                f"timed out after {seconds} s (scorer_timeout_sec) and was killed",
                combine_output(outcome.stdout, outcome.stderr),
            )
        return outcome

    async def run_script(
        self, filename: str, source: str, interpreter: str, *, env: Mapping[str, str] | None = None
    ) -> CommandOutcome | FunctionResult:
        """Stage ``source`` in the scoring directory and run it with ``interpreter``."""
        path = await self.session.write_scratch(filename, source.encode())
        return await self.run(f"{interpreter} {shell_path(path)}", env=env)

    def error(self, message: str, output: str = "") -> FunctionResult:
        """An ``error`` result for this function."""
        return error_result(self.function_name, message, output)
