"""Agents that work on a scenario in its run's devbox: the `Agent` protocol and `ReferenceAgent`.

No widgets and no server here: scripts and tests drive agents without a kernel.
"""

from runloop_nb.stepping._agent import Agent
from runloop_nb.stepping._reference import ReferenceAgent, ReferenceOutputError

__all__ = ["Agent", "ReferenceAgent", "ReferenceOutputError"]
