"""Agents that work on a scenario in its run's devbox: the `Agent` protocol, `ReferenceAgent`
(the gold solution) and `MutantAgent` (the gold solution with one seeded mutation, for demos
and for finding tests too weak to notice it).

No widgets and no server here: scripts and tests drive agents without a kernel.
"""

from runloop_nb.stepping._agent import Agent
from runloop_nb.stepping._mutant import MutantAgent, Mutation
from runloop_nb.stepping._reference import ReferenceAgent, ReferenceOutputError

__all__ = ["Agent", "MutantAgent", "Mutation", "ReferenceAgent", "ReferenceOutputError"]
