"""One outcome per scenario run, from its state and its scoring result.

=============  =========================================================================
outcome        when
=============  =========================================================================
passed         scored (or completed after scoring), total score 1, no scorer error
partial        scored, score strictly between 0 and 1, no scorer error
failed         scored, score 0, no scorer error
scorer_error   a scoring function ended in state ``error`` (the total is not trusted)
timeout        the run's state is ``timeout`` (time limit or devbox lifetime ran out)
infra_failed   the run's state is ``failed`` (its devbox failed, or scoring could not run)
canceled       canceled (also when the agent raised: run_scenario cancels), or completed
               without ever being scored
in_progress    still ``running`` or ``scoring``: the run has not ended
not_started    (outcome tables only) a scenario of the benchmark with no run at all
=============  =========================================================================
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from runloop_nb.wire import ScenarioRunView

# Outcomes whose score is the agent's work; every other outcome counts 0 in a mean score.
SCORED_OUTCOMES = frozenset({"passed", "partial", "failed"})


def classify(run: ScenarioRunView) -> str:
    """The outcome of one scenario run (see the module's table)."""
    result = run.scoring_contract_result
    if result is not None and any(f.state == "error" for f in result.scoring_function_results):
        return "scorer_error"
    state = run.state
    if state in ("running", "scoring"):
        return "in_progress"
    if state == "timeout":
        return "timeout"
    if state == "failed":
        return "infra_failed"
    if state == "canceled" or result is None:
        return "canceled"
    if result.score >= 1.0:
        return "passed"
    return "failed" if result.score <= 0.0 else "partial"
