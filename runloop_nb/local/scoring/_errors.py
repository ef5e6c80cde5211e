"""The one exception scoring raises: the devbox cannot run scorers at all."""

from __future__ import annotations


class ScoringInfrastructureError(RuntimeError):
    """Scoring could not run (the devbox is dead or stopped answering).

    A scorer that fails, times out or prints nonsense is *not* this error: it is recorded as a
    scoring function in state ``error``. The server turns this exception into run state ``failed``
    with the message as the reason.
    """
