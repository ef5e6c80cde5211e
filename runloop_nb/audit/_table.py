"""The audit table: one row per scenario from the outcomes of its gold and untouched runs."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import fmean
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import pandas as pd

RunKind = Literal["gold", "untouched"]

COLUMNS = (
    "scenario_id",
    "scenario_name",
    "gold_score",
    "untouched_score",
    "gold_scores",
    "untouched_scores",
    "flaky",
    "ok",
    "error",
)

# Scores are floats computed by the scorers; a perfect score may arrive as 0.9999999999.
_TOLERANCE = 1e-9


@dataclass(frozen=True)
class RunOutcome:
    """What one audit run of a scenario ended with.

    Attributes:
        scenario_id: the scenario that ran.
        kind: `gold` (reference applied) or `untouched` (nothing done before scoring).
        score: the contract score, or None when the run did not get scored.
        error: why the run failed (start, reference, scoring or completion), else None.
    """

    scenario_id: str
    kind: RunKind
    score: float | None
    error: str | None = None


def is_perfect(score: float | None) -> bool:
    """True for a score of 1 (within float noise)."""
    return score is not None and score >= 1.0 - _TOLERANCE


def scenario_row(
    scenario_id: str, scenario_name: str, outcomes: Sequence[RunOutcome]
) -> dict[str, Any]:
    """Summarise one scenario's runs into a table row (columns as in `COLUMNS`)."""
    gold = [o.score for o in outcomes if o.kind == "gold"]
    untouched = [o.score for o in outcomes if o.kind == "untouched"]
    errors = [f"{o.kind} run: {o.error}" for o in outcomes if o.error]
    flaky = _disagree(gold) or _disagree(untouched)
    ok = (
        not errors
        and bool(gold)
        and all(is_perfect(s) for s in gold)
        and bool(untouched)
        and not any(is_perfect(s) for s in untouched)
        and not flaky
    )
    return {
        "scenario_id": scenario_id,
        "scenario_name": scenario_name,
        "gold_score": _mean(gold),
        "untouched_score": _mean(untouched),
        "gold_scores": gold,
        "untouched_scores": untouched,
        "flaky": flaky,
        "ok": ok,
        "error": "; ".join(errors) if errors else None,
    }


def _disagree(scores: Sequence[float | None]) -> bool:
    known = [s for s in scores if s is not None]
    return len(known) > 1 and max(known) - min(known) > _TOLERANCE


def _mean(scores: Sequence[float | None]) -> float | None:
    known = [s for s in scores if s is not None]
    return fmean(known) if known else None


def audit_frame(
    scenarios: Sequence[tuple[str, str]], outcomes: Sequence[RunOutcome]
) -> pd.DataFrame:
    """Build the audit DataFrame: one row per `(id, name)` scenario, in the given order."""
    import pandas as pd

    rows = [
        scenario_row(sid, name, [o for o in outcomes if o.scenario_id == sid])
        for sid, name in scenarios
    ]
    return pd.DataFrame(rows, columns=list(COLUMNS))


def gold_passed(row: Any) -> bool:
    """Every gold run of the row scored 1."""
    return bool(row["gold_scores"]) and all(is_perfect(s) for s in row["gold_scores"])


def untouched_passed(row: Any) -> bool:
    """Some untouched run of the row scored 1 (the scenario is solved without any work)."""
    return any(is_perfect(s) for s in row["untouched_scores"])


def summary_line(frame: pd.DataFrame) -> str:
    """`"N scenarios: gold 100%, untouched 0%, flaky 0"` (plus `errors K` when runs failed)."""
    total = len(frame)
    rows = [row for _, row in frame.iterrows()]
    gold = sum(gold_passed(row) for row in rows)
    untouched = sum(untouched_passed(row) for row in rows)
    flaky = int(frame["flaky"].sum()) if total else 0
    errors = int(frame["error"].notna().sum()) if total else 0
    text = (
        f"{total} scenarios: gold {_percent(gold, total)}, "
        f"untouched {_percent(untouched, total)}, flaky {flaky}"
    )
    return text + (f", errors {errors}" if errors else "")


def _percent(part: int, total: int) -> str:
    if not total:
        return "n/a"
    value = 100 * part / total
    text = f"{value:.0f}"
    # Never round a miss up to 100% or a hit down to 0%: those two numbers are the verdict.
    if text == "100" and part < total:
        text = f"{math.floor(value * 100) / 100:.2f}"
    elif text == "0" and part > 0:
        text = f"{math.ceil(value * 100) / 100:.2f}"
    return f"{text}%"


def audit_passed(frame: pd.DataFrame) -> bool:
    """True when every scenario is ok (and there is at least one scenario)."""
    return len(frame) > 0 and bool(frame["ok"].all())
