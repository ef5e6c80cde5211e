"""Real scoring for the local server: each scoring function runs inside the run's devbox.

Rules (the cloud leaves most of them undocumented; these are ours, see runloop-api.md §5.4):

- Each function runs from the scenario's working directory (default /home/user), bounded by
  ``scorer_timeout_sec`` (default 1800); a timed-out function is killed and recorded as ``error``.
- Total = Σ weightᵢ·scoreᵢ with the weights normalised to sum 1.
- ``bash_script_scorer``, ``python_script_scorer`` and ``custom_scorer`` print their score as
  the last non-empty stdout line (``0.7`` or ``score=0.7``), clamped to [0, 1]; anything else is
  an error.
- ``command_scorer`` and ``test_based_scorer`` score 1.0 on exit 0, else 0.0.
- ``ast_grep_scorer`` scores 1.0 when the pattern matches at least once under ``search_directory``.
- Scorer files (scripts, test files, the ast-grep binary) exist in the devbox only while scoring.
"""

from ._engine import DEFAULT_SCORER_TIMEOUT_SEC, normalised_weights, score_scenario
from ._errors import ScoringInfrastructureError
from ._python import DEFAULT_PYTHON_CONSTRAINT

__all__ = [
    "DEFAULT_PYTHON_CONSTRAINT",
    "DEFAULT_SCORER_TIMEOUT_SEC",
    "ScoringInfrastructureError",
    "normalised_weights",
    "score_scenario",
]
