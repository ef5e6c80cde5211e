"""The shell-level scorer types: bash script, command, test based, custom, ast-grep."""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping
from typing import Any

from ._astgrep import ast_grep_binary
from ._context import ScorerContext
from ._devbox import CommandOutcome, resolve_in_home, shell_path
from ._outcome import FunctionResult, combine_output, pass_fail_result, score_from_output

Spec = Mapping[str, Any]


async def bash_script_scorer(spec: Spec, ctx: ScorerContext) -> FunctionResult:
    """Runs ``bash_script``; its last stdout line is the score."""
    script = _required_text(spec, "bash_script")
    if script is None:
        return ctx.error("bash_script_scorer needs a non-empty 'bash_script'")
    outcome = await ctx.run_script("scorer.sh", script, "bash")
    if isinstance(outcome, FunctionResult):
        return outcome
    output = combine_output(outcome.stdout, outcome.stderr)
    return score_from_output(ctx.function_name, outcome.exit_code or 0, outcome.stdout, output)


async def command_scorer(spec: Spec, ctx: ScorerContext) -> FunctionResult:
    """Runs ``command``: exit 0 scores 1.0, anything else 0.0."""
    command = _required_text(spec, "command")
    if command is None:
        return ctx.error("command_scorer needs a non-empty 'command'")
    return _pass_fail(ctx, await ctx.run(command))


async def test_based_scorer(spec: Spec, ctx: ScorerContext) -> FunctionResult:
    """Writes ``test_files`` (relative to the working directory), then runs ``test_command``.

    The files are restored to what the agent left (or removed) right after the command, so they
    neither leak to the agent nor destroy its work.
    """
    command = _required_text(spec, "test_command")
    if command is None:
        return ctx.error("test_based_scorer needs a non-empty 'test_command'")
    try:
        for test_file in spec.get("test_files") or []:
            path = resolve_in_home(ctx.working_directory, str(test_file["file_path"]))
            await ctx.session.put(path, str(test_file.get("file_contents") or "").encode())
        return _pass_fail(ctx, await ctx.run(command))
    except (KeyError, TypeError, ValueError, PermissionError, IsADirectoryError) as exc:
        return ctx.error(f"cannot write test_files: {exc}")
    finally:
        await ctx.session.restore()


async def custom_scorer(spec: Spec, ctx: ScorerContext) -> FunctionResult:
    """Runs the registered scorer's bash script with ``$RL_SCORER_CONTEXT`` set."""
    scorer_type = spec.get("custom_scorer_type")
    script = ctx.custom_scorers.get(str(scorer_type))
    if script is None:
        known = ", ".join(sorted(ctx.custom_scorers)) or "none"
        return ctx.error(
            f"no custom scorer of type {scorer_type!r} is registered (registered: {known}); "
            "create it with POST /v1/scenarios/scorers first"
        )
    context = {"scorer_params": spec.get("scorer_params"), "run": dict(ctx.run_context)}
    env = {"RL_SCORER_CONTEXT": json.dumps(context)}
    outcome = await ctx.run_script("custom_scorer.sh", script, "bash", env=env)
    if isinstance(outcome, FunctionResult):
        return outcome
    output = combine_output(outcome.stdout, outcome.stderr)
    return score_from_output(ctx.function_name, outcome.exit_code or 0, outcome.stdout, output)


async def ast_grep_scorer(spec: Spec, ctx: ScorerContext) -> FunctionResult:
    """1.0 when ``pattern`` matches at least once under ``search_directory``, else 0.0.

    The pattern is passed as one literal argument (no shell expansion), so metavariables such as
    ``$A`` need no escaping. The ast-grep binary is copied into the scoring directory for the
    duration of the scoring and removed with it.
    """
    pattern = _required_text(spec, "pattern")
    directory = spec.get("search_directory")
    if pattern is None or not isinstance(directory, str):
        return ctx.error("ast_grep_scorer needs 'pattern' and 'search_directory'")
    executable = ast_grep_binary().read_bytes()
    binary = await ctx.session.write_scratch("ast-grep", executable, executable=True)
    command = (
        f"test -d {shlex.quote(directory)} || "
        f"{{ echo 'search_directory {directory} does not exist' >&2; exit 3; }}\n"
        f"{shell_path(binary)} run --json=compact --pattern {shlex.quote(pattern)}"
    )
    if spec.get("lang"):
        command += f" --lang {shlex.quote(str(spec['lang']))}"
    outcome = await ctx.run(command + f" {shlex.quote(directory)}")
    if isinstance(outcome, FunctionResult):
        return outcome
    return _ast_grep_result(ctx, outcome.exit_code or 0, outcome.stdout, outcome.stderr)


def _ast_grep_result(
    ctx: ScorerContext, exit_code: int, stdout: str, stderr: str
) -> FunctionResult:
    # ast-grep exits 1 both for "no match" and for some errors; the JSON on stdout tells them apart.
    try:
        matches = json.loads(stdout) if exit_code in (0, 1) else None
    except json.JSONDecodeError:
        matches = None
    if not isinstance(matches, list) or (not matches and "ERROR" in stderr):
        return ctx.error(f"ast-grep failed (exit code {exit_code})", stderr or stdout)
    files = sorted({str(match.get("file")) for match in matches})
    summary = f"{len(matches)} match(es)" + (f" in {', '.join(files[:20])}" if files else "")
    score = 1.0 if matches else 0.0
    return FunctionResult(ctx.function_name, score, summary + "\n" + stderr, "complete")


def _pass_fail(ctx: ScorerContext, outcome: CommandOutcome | FunctionResult) -> FunctionResult:
    if isinstance(outcome, FunctionResult):
        return outcome
    output = combine_output(outcome.stdout, outcome.stderr)
    return pass_fail_result(ctx.function_name, outcome.exit_code or 0, output)


def _required_text(spec: Spec, key: str) -> str | None:
    value = spec.get(key)
    return value if isinstance(value, str) and value.strip() else None
