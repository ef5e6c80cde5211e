"""``python_script_scorer``: python3 in the devbox runs the script; requirements are only checked.

Devboxes are offline, so ``requirements_contents`` cannot be installed: each requirement is checked
against the distributions the devbox's python3 already has (``importlib.metadata`` inside the
devbox), and anything missing or at the wrong version makes the function an ``error`` that says
so, never a silent 0.

``python_version_constraint`` defaults to ``==3.12.10`` on the wire whether or not the scenario's
author cared, so that exact default (or an empty value) is treated as "any python3" and only noted
in the output; any other constraint is enforced against the devbox's python3 version.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet

from ._context import ScorerContext
from ._devbox import shell_path
from ._outcome import FunctionResult, combine_output, score_from_output

#: The wire default of ``python_version_constraint`` (not enforced, see the module docstring).
DEFAULT_PYTHON_CONSTRAINT = "==3.12.10"

# Runs inside the devbox (stdlib only): the python version, then the installed version of each name.
_PROBE = """
import importlib.metadata as md, json, platform, sys
found = {}
for name in sys.argv[1:]:
    try:
        found[name] = md.version(name)
    except md.PackageNotFoundError:
        found[name] = None
print(json.dumps({"python": platform.python_version(), "found": found}))
"""


async def python_script_scorer(spec: Mapping[str, Any], ctx: ScorerContext) -> FunctionResult:
    """Checks the interpreter and requirements, then runs ``python_script`` with python3."""
    script = spec.get("python_script")
    if not isinstance(script, str) or not script.strip():
        return ctx.error("python_script_scorer needs a non-empty 'python_script'")
    try:
        requirements = parse_requirements(str(spec.get("requirements_contents") or ""))
    except ValueError as exc:
        return ctx.error(str(exc))
    probe = await _probe(ctx, [req.name for req in requirements])
    if isinstance(probe, FunctionResult):
        return probe
    constraint = str(spec.get("python_version_constraint") or "").strip()
    problem = check_python_version(constraint, probe["python"])
    problem = problem or check_requirements(requirements, probe["found"])
    if problem:
        return ctx.error(problem)
    outcome = await ctx.run_script("scorer.py", script, "python3")
    if isinstance(outcome, FunctionResult):
        return outcome
    note = f"python3 {probe['python']}"
    if constraint in ("", DEFAULT_PYTHON_CONSTRAINT):
        note += f" (python_version_constraint {constraint or 'unset'} not enforced: API default)"
    output = note + "\n" + combine_output(outcome.stdout, outcome.stderr)
    return score_from_output(ctx.function_name, outcome.exit_code or 0, outcome.stdout, output)


def parse_requirements(text: str) -> list[Requirement]:
    """Requirements of a requirements.txt text (comments and blank lines ignored).

    Raises:
        ValueError: a line is an option (``-r``, ``--index-url``…) or not a requirement.
    """
    requirements = []
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("-"):
            raise ValueError(f"requirements option {line!r} is not supported offline")
        try:
            requirement = Requirement(line)
        except InvalidRequirement as exc:
            raise ValueError(f"invalid requirement {line!r}: {exc}") from exc
        if requirement.marker is None or requirement.marker.evaluate():
            requirements.append(requirement)
    return requirements


def check_python_version(constraint: str, version: str) -> str:
    """Empty when ``version`` satisfies ``constraint`` (the API default always does), else why."""
    if constraint in ("", DEFAULT_PYTHON_CONSTRAINT):
        return ""
    try:
        specifier = SpecifierSet(constraint)
    except InvalidSpecifier:
        return f"python_version_constraint {constraint!r} is not a version specifier (e.g. >=3.10)"
    if specifier.contains(version, prereleases=True):
        return ""
    return (
        f"python_version_constraint {constraint!r} is not satisfied: the devbox's python3 is "
        f"{version}, the only interpreter available offline; relax the constraint"
    )


def check_requirements(requirements: list[Requirement], found: Mapping[str, str | None]) -> str:
    """Empty when every requirement is installed at an allowed version, else what is missing."""
    problems = []
    for requirement in requirements:
        version = found.get(requirement.name)
        if version is None:
            problems.append(f"{requirement.name} is not installed")
        elif not requirement.specifier.contains(version, prereleases=True):
            problems.append(f"{requirement.name} {version} does not satisfy {requirement}")
    if not problems:
        return ""
    return (
        "requirements cannot be installed offline in the devbox: "
        + "; ".join(problems)
        + ". Use only packages the devbox's python3 already has."
    )


async def _probe(ctx: ScorerContext, names: list[str]) -> dict[str, Any] | FunctionResult:
    path = await ctx.session.write_scratch("probe.py", _PROBE.encode())
    args = " ".join(shlex.quote(name) for name in names)
    outcome = await ctx.run(f"python3 {shell_path(path)} {args}")
    if isinstance(outcome, FunctionResult):
        return outcome
    try:
        result: dict[str, Any] = json.loads(outcome.stdout.strip().splitlines()[-1])
    except (json.JSONDecodeError, IndexError):
        return ctx.error(
            f"python3 is not usable in the devbox (exit code {outcome.exit_code})",
            combine_output(outcome.stdout, outcome.stderr),
        )
    return result
