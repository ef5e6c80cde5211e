"""MutantAgent: the reference solution with one seeded mutation. A deliberately wrong agent.

It is for demos and for testing the tests: it applies a scenario's `reference_output` after
flipping exactly one operator, boolean or integer constant in the Python code the reference
writes (a heredoc body, or the added lines of a patch), so its runs are real code, really
scored. A mutant that still passes shows a scenario whose tests are too weak to notice it.
"""

from __future__ import annotations

import io
import random
import re
import tokenize
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from runloop_nb.errors import ReferenceOutputError
from runloop_nb.stepping._reference import ReferenceAgent

if TYPE_CHECKING:
    import pandas as pd

    from runloop_nb.client import Devbox
    from runloop_nb.wire import ScenarioView

# What each mutable token becomes: comparisons, arithmetic, boolean operators and constants.
_SWAPS = {
    "==": "!=", "!=": "==", "<": "<=", "<=": "<", ">": ">=", ">=": ">",
    "+": "-", "-": "+", "+=": "-=", "-=": "+=", "and": "or", "or": "and",
    "True": "False", "False": "True",
}  # fmt: skip
# A quoted heredoc (`<<'MARK'` ... `MARK`): its body is written verbatim, so it is the code.
_HEREDOC = re.compile(r"<<'(?P<mark>[A-Za-z_][A-Za-z0-9_]*)'\n(?P<body>.*?\n)(?P=mark)\n", re.S)


@dataclass(frozen=True)
class Mutation:
    """One mutation applied to one scenario's reference solution.

    Attributes:
        scenario_id, scenario_name: the scenario.
        attempt: which time this agent ran that scenario (1 for the first).
        line: the line of the reference script that was changed (1-based).
        before, after: that line before and after (stripped).
        change: the token change, e.g. "'<' -> '<='".
    """

    scenario_id: str
    scenario_name: str
    attempt: int
    line: int
    before: str
    after: str
    change: str


class MutantAgent:
    """A deliberately wrong agent: the reference solution with one seeded mutation (label its
    runs "mutant"; they are not a model's work).

    Each run of a scenario picks one mutation site at random, seeded by `seed`, the scenario
    name and how many times this agent has run that scenario, so attempts differ and a rerun
    with the same seed repeats them. Every mutation applied is in `mutations`.

    Raises (from `run`):
        ReferenceOutputError: the scenario has no reference, its reference writes no Python
            code this agent can mutate, or the mutated script exited non-zero.
    """

    name = "mutant"

    def __init__(self, seed: int = 0, *, timeout_seconds: float = 600.0) -> None:
        self.seed = seed
        self.mutations: list[Mutation] = []
        self._runs: Counter[str] = Counter()
        self._reference = ReferenceAgent(timeout_seconds=timeout_seconds)

    async def run(self, devbox: Devbox, scenario: ScenarioView) -> None:
        """Apply the mutated reference solution in `devbox`."""
        self._runs[scenario.id] += 1
        attempt = self._runs[scenario.id]
        script = scenario.reference_output or ""
        mutated, mutation = mutate_script(
            script, random.Random(f"{self.seed}:{scenario.name}:{attempt}")
        )
        if mutation is None:
            raise ReferenceOutputError(
                f"Scenario {scenario.name!r} ({scenario.id}): its reference_output writes no "
                "Python code with an operator or constant to mutate; MutantAgent needs one.",
                scenario_id=scenario.id,
                exit_code=None,
            )
        line, before, after, change = mutation
        self.mutations.append(
            Mutation(scenario.id, scenario.name, attempt, line, before, after, change)
        )
        await self._reference.run(devbox, scenario.model_copy(update={"reference_output": mutated}))

    def mutations_df(self) -> pd.DataFrame:
        """The mutations applied so far, one row each (columns: the fields of `Mutation`)."""
        import pandas as pd

        columns = ["scenario_id", "scenario_name", "attempt", "line", "before", "after", "change"]
        return pd.DataFrame([m.__dict__ for m in self.mutations], columns=columns)

    def __repr__(self) -> str:
        return f"MutantAgent(seed={self.seed})"


def mutate_script(script: str, rng: random.Random) -> tuple[str, tuple[int, str, str, str] | None]:
    """`script` with one mutable token of its Python code changed, chosen by `rng`.

    Returns:
        (the mutated script, (line number, line before, line after, change)), or
        (`script`, None) when it writes no Python code with a mutable token.
    """
    sites = list(_sites(script))
    if not sites:
        return script, None
    offset, old, new = rng.choice(sites)
    mutated = script[:offset] + new + script[offset + len(old) :]
    line = script.count("\n", 0, offset) + 1
    before = script.splitlines()[line - 1].strip()
    after = mutated.splitlines()[line - 1].strip()
    return mutated, (line, before, after, f"{old!r} -> {new!r}")


def _sites(script: str) -> list[tuple[int, str, str]]:
    """(offset in script, token, replacement) of every mutable token of the script's code."""
    found: list[tuple[int, str, str]] = []
    for match in _HEREDOC.finditer(script):
        start = match.start("body")
        body = match.group("body")
        if _is_patch(body):
            found += _patch_sites(body, start)
        else:
            found += _code_sites(body, start)
    return found


def _is_patch(body: str) -> bool:
    return body.startswith(("--- ", "diff ")) and "\n+++ " in body


def _patch_sites(body: str, start: int) -> list[tuple[int, str, str]]:
    # Only the added lines: they are the fix; context and removed lines must stay as they are
    # or the patch no longer applies.
    found: list[tuple[int, str, str]] = []
    offset = start
    for line in body.splitlines(keepends=True):
        if line.startswith("+") and not line.startswith("+++"):
            found += _code_sites(line[1:], offset + 1)
        offset += len(line)
    return found


def _code_sites(code: str, start: int) -> list[tuple[int, str, str]]:
    """Mutable tokens of Python `code` (strings, comments and docstrings are skipped by the
    tokenizer); code that stops tokenizing midway keeps the sites found before."""
    line_starts = [0]
    for line in code.splitlines(keepends=True):
        line_starts.append(line_starts[-1] + len(line))
    found: list[tuple[int, str, str]] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            row, col = token.start
            if token.type in (tokenize.OP, tokenize.NAME) and token.string in _SWAPS:
                found.append(
                    (start + line_starts[row - 1] + col, token.string, _SWAPS[token.string])
                )
            elif token.type == tokenize.NUMBER and token.string.isdigit():
                bumped = str(int(token.string) + 1)
                found.append((start + line_starts[row - 1] + col, token.string, bumped))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass  # a fragment (one added line of a patch): the sites before the error stand
    return found
