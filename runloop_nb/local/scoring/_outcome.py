"""Results of single scoring functions: score parsing, output trimming, wire shape."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Literal

#: Characters of scorer output kept per function (head and tail, the middle is elided).
OUTPUT_LIMIT_CHARS = 32_000
_HEAD_CHARS = 4_000

_SCORE_LINE = re.compile(r"^(?:score\s*=\s*)?([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)$")

FunctionState = Literal["complete", "error"]


@dataclass(frozen=True)
class FunctionResult:
    """One scoring function's result, before weighting."""

    name: str
    score: float
    output: str
    state: FunctionState

    def to_wire(self) -> dict[str, Any]:
        """The wire ``ScoringFunctionResultView``."""
        return {
            "scoring_function_name": self.name,
            "score": self.score,
            "output": self.output,
            "state": self.state,
        }


def error_result(name: str, message: str, output: str = "") -> FunctionResult:
    """A function that could not produce a score: state ``error``, score 0, reason first."""
    text = f"scoring error: {message}"
    if output:
        text += "\n" + output
    return FunctionResult(name, 0.0, trim_output(text), "error")


def pass_fail_result(name: str, exit_code: int, output: str) -> FunctionResult:
    """Exit 0 scores 1.0, anything else 0.0 (both are completed scorings)."""
    score = 1.0 if exit_code == 0 else 0.0
    return FunctionResult(name, score, trim_output(f"exit code {exit_code}\n{output}"), "complete")


def parse_score(stdout: str) -> tuple[float | None, str]:
    """Read the score from the last non-empty stdout line: ``0.5`` or ``score=0.5``.

    Returns:
        ``(score, "")`` with the score clamped to [0, 1], or ``(None, reason)`` saying why the
        output is not a score (the offending line is quoted).
    """
    lines = [line.strip() for line in stdout.splitlines() if line.strip()]
    if not lines:
        return None, "the scorer printed nothing on stdout; print the score (e.g. score=1.0) last"
    last = lines[-1]
    match = _SCORE_LINE.match(last)
    if match is None:
        return None, (
            f"the last stdout line {last[:200]!r} is not a score; "
            "print a float in [0, 1] or score=<float> as the last line"
        )
    value = float(match.group(1))
    if math.isnan(value):
        return None, f"the last stdout line {last!r} is not a number"
    return min(1.0, max(0.0, value)), ""


def score_from_output(name: str, exit_code: int, stdout: str, output: str) -> FunctionResult:
    """A result for script scorers (bash, python, custom) that print their score."""
    score, reason = parse_score(stdout)
    if score is None:
        return error_result(name, f"{reason} (exit code {exit_code})", output)
    note = "" if exit_code == 0 else f"note: the scorer exited with code {exit_code}\n"
    return FunctionResult(name, score, trim_output(note + output), "complete")


def combine_output(stdout: str, stderr: str) -> str:
    """stdout, then stderr under a marker when there is any."""
    if not stderr:
        return stdout
    return f"{stdout}\n--- stderr ---\n{stderr}" if stdout else stderr


def trim_output(text: str, limit: int = OUTPUT_LIMIT_CHARS) -> str:
    """Keep the head and the tail of long output; the tail usually says why a test failed."""
    if len(text) <= limit:
        return text
    tail = limit - _HEAD_CHARS
    dropped = len(text) - limit
    return f"{text[:_HEAD_CHARS]}\n[... {dropped} characters elided ...]\n{text[-tail:]}"
