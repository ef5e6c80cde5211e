"""Agents and the step engine.

- `Agent`: the whole-run protocol (`async run(devbox, scenario)`); `StepAgent`: the step protocol
  (`async next_action(observation) -> Action | None`); `WholeRunAgent` runs a step agent as an
  `Agent`.
- Built in: `ReferenceAgent` (both protocols), `MutantAgent`, `ScriptedAgent`, `ReplayAgent`,
  `ChatAgent` (an OpenAI-compatible chat model over httpx),
  `MiniSweAgent` (a mini-swe-agent model, imported lazily).
- `Stepper`: one scenario run, one step at a time (propose, approve/edit/skip/reject, a person's
  steps, per-step file diffs, score previews, score, complete), written to a JSONL trajectory
  (`load_trajectory`, `Trajectory.to_atif()`); `fork(client, source, at_step, agent)`.

No widgets and no server here: scripts and tests drive agents without a kernel.
"""

from runloop_nb.stepping._agent import Agent
from runloop_nb.stepping._agents import ReplayAgent, ScriptedAgent, WholeRunAgent
from runloop_nb.stepping._chat import ChatAgent
from runloop_nb.stepping._diff import FileChange
from runloop_nb.stepping._fork import fork
from runloop_nb.stepping._miniswe import MiniSweAgent
from runloop_nb.stepping._mutant import MutantAgent, Mutation
from runloop_nb.stepping._preview import FunctionPreview, ScorePreview
from runloop_nb.stepping._protocol import Action, Observation, StepAgent
from runloop_nb.stepping._reference import ReferenceAgent, ReferenceOutputError
from runloop_nb.stepping._step import Step
from runloop_nb.stepping._stepper import Stepper
from runloop_nb.stepping._trajectory import Trajectory, to_atif
from runloop_nb.stepping._trajectory import load as load_trajectory

__all__ = [
    "Action",
    "Agent",
    "ChatAgent",
    "FileChange",
    "FunctionPreview",
    "MiniSweAgent",
    "MutantAgent",
    "Mutation",
    "Observation",
    "ReferenceAgent",
    "ReferenceOutputError",
    "ReplayAgent",
    "ScorePreview",
    "ScriptedAgent",
    "Step",
    "StepAgent",
    "Stepper",
    "Trajectory",
    "WholeRunAgent",
    "fork",
    "load_trajectory",
    "to_atif",
]
