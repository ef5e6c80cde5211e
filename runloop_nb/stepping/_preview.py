"""A score preview: the scenario's scorers, run by us in a throwaway copy of the working tree.

Why not the service: the contract has no preview endpoint, and `POST /score` is final on the
cloud (a `scored` run can only be completed or cancelled, runloop-api.md §6.3). A snapshot fork
(snapshot the disk, start a second run from it, score that) would be exact but costs a devbox and
a scenario per preview. So the preview reads the scoring contract from the scenario view and runs
each function itself with `exec`: the working tree is copied to a fresh temp directory, test
files are written into the copy, the scorer runs there, and the copy is removed. Nothing lands in
the real working tree, so the official score later sees exactly what the agent left.

Differences from official scoring, stated where the result is shown: scorers run in a login
shell of the devbox (the service uses its own environment), in the copy's path (a scorer that
hard-codes the working directory's absolute path sees the real tree), python requirements are not
checked, and `ast_grep_scorer` / `custom_scorer` functions are not previewed (their score is None
and so is the total).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from runloop_nb.errors import CommandTimeoutError
from runloop_nb.stepping._shell import b64
from runloop_nb.wire import (
    DEFAULT_SCORER_TIMEOUT_SEC,
    BashScriptScorer,
    CommandScorer,
    PythonScriptScorer,
    TestBasedScorer,
)

if TYPE_CHECKING:
    from runloop_nb.client import Devbox
    from runloop_nb.wire import ScenarioView, ScoringFunction

_SCORE_LINE = re.compile(r"^(?:score\s*=\s*)?([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)$")
_OUTPUT_TAIL = 40


@dataclass(frozen=True)
class FunctionPreview:
    """One scoring function's preview: its score (None: not previewed or no score printed)."""

    name: str
    weight: float
    score: float | None
    detail: str


@dataclass(frozen=True)
class ScorePreview:
    """The preview of a whole contract: the weighted total (None if any function has none)."""

    score: float | None
    functions: tuple[FunctionPreview, ...]

    def to_dict(self) -> dict[str, Any]:
        """The JSON form kept in trajectories."""
        return {
            "score": self.score,
            "functions": [function.__dict__ for function in self.functions],
        }


async def preview_score(
    devbox: Devbox, scenario: ScenarioView, working_directory: str
) -> ScorePreview:
    """Run every scoring function of `scenario` against a copy of `working_directory`."""
    timeout = float(scenario.scorer_timeout_sec or DEFAULT_SCORER_TIMEOUT_SEC)
    functions = scenario.scoring_contract.scoring_function_parameters
    results = [await _one(devbox, function, working_directory, timeout) for function in functions]
    total_weight = sum(function.weight for function in functions)
    scores = [result.score for result in results]
    total = (
        None
        if not results or any(score is None for score in scores) or total_weight <= 0
        else sum(r.weight * (r.score or 0.0) for r in results) / total_weight
    )
    return ScorePreview(total, tuple(results))


async def _one(
    devbox: Devbox, function: ScoringFunction, working_directory: str, timeout: float
) -> FunctionPreview:
    scorer = function.scorer
    files: list[tuple[str, str]] = []
    if isinstance(scorer, CommandScorer) and scorer.command:
        run, by_exit = f"eval {shlex.quote(scorer.command)}", True
    elif isinstance(scorer, TestBasedScorer) and scorer.test_command:
        files = [(f.file_path or "", f.file_contents or "") for f in scorer.test_files or []]
        run, by_exit = f"eval {shlex.quote(scorer.test_command)}", True
    elif isinstance(scorer, BashScriptScorer) and scorer.bash_script:
        run, by_exit = _script("bash", scorer.bash_script), False
    elif isinstance(scorer, PythonScriptScorer):
        run, by_exit = _script("python3", scorer.python_script), False
    else:
        return FunctionPreview(
            function.name, function.weight, None, f"{scorer.type}: not previewed"
        )
    command = _in_a_copy(working_directory, files, run)
    try:
        result = await devbox.cmd.exec(command, timeout=timeout)
    except CommandTimeoutError:
        return FunctionPreview(function.name, function.weight, None, f"timed out after {timeout}s")
    stdout = await result.stdout()
    stderr = await result.stderr(num_lines=_OUTPUT_TAIL)
    detail = _tail(stdout) + stderr
    if result.exit_code == 96:
        return FunctionPreview(function.name, function.weight, None, "could not copy: " + detail)
    if by_exit:
        return FunctionPreview(
            function.name, function.weight, 1.0 if result.success else 0.0, detail
        )
    return FunctionPreview(function.name, function.weight, _parse(stdout), detail)


def _script(interpreter: str, script: str) -> str:
    fetch = f'printf %s {shlex.quote(b64(script))} | base64 -d > "$__p/scorer"'
    return f'{fetch}\n{interpreter} "$__p/scorer"'


def _in_a_copy(working_directory: str, files: list[tuple[str, str]], run: str) -> str:
    writes = [
        f'mkdir -p -- "$(dirname -- {shlex.quote(path)})" && '
        f"printf %s {shlex.quote(b64(contents))} | base64 -d > {shlex.quote(path)}"
        for path, contents in files
    ]
    body = "\n".join(['cd -- "$__p/w" || exit 96', *writes, run])
    return "\n".join(
        [
            "__p=$(mktemp -d) || exit 96",
            f'cp -a -- {shlex.quote(working_directory)} "$__p/w" '
            '|| { rm -rf -- "$__p"; exit 96; }',
            f"( {body}\n)",
            '__s=$?; rm -rf -- "$__p"; exit $__s',
        ]
    )


def _parse(stdout: str) -> float | None:
    lines = [line.strip() for line in stdout.splitlines() if line.strip()]
    match = _SCORE_LINE.match(lines[-1]) if lines else None
    if match is None:
        return None
    return min(1.0, max(0.0, float(match.group(1))))


def _tail(text: str) -> str:
    return "".join(text.splitlines(keepends=True)[-_OUTPUT_TAIL:])
