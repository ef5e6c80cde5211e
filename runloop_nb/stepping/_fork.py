"""fork(): a new run of the same scenario whose first N steps replay a trajectory, checked.

The replay re-runs each recorded action in a fresh devbox of the scenario and checks that it
gives the same exit code and the same file changes (path, what happened, the new contents'
hash); the first difference cancels the new run and raises `ReplayMismatchError`, because a fork
whose past differs from the original would compare nothing. After the replay the fork goes on
with another agent or by hand.

What a snapshot fork would add (the local server and the cloud can snapshot a devbox's disk):
the fork would start from the disk as it was after step N, so steps with side effects that do not
replay (network fetches, clocks, randomness, long builds) would not have to run again, and the
fork would take no time for long histories. It would lose the check that the history replays,
and it needs a scenario whose environment is that snapshot (a new scenario per fork), which is
why this fork replays instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from runloop_nb._shield import shielded
from runloop_nb.errors import ReplayMismatchError
from runloop_nb.stepping._step import Step
from runloop_nb.stepping._stepper import Stepper
from runloop_nb.stepping._trajectory import Trajectory, load

if TYPE_CHECKING:
    from runloop_nb.client import RunloopClient
    from runloop_nb.stepping._protocol import StepAgent

_CANCEL_SECONDS = 15.0


async def fork(
    client: RunloopClient,
    source: Stepper | Trajectory | str | Path,
    at_step: int,
    agent: StepAgent | None = None,
    **options: Any,
) -> Stepper:
    """Start a new run of `source`'s scenario, replay its first `at_step` steps, and return the
    new Stepper with `agent` (None: go on by hand).

    `source` is a Stepper, a loaded trajectory or a trajectory file. `options` go to
    `Stepper.start` (`mode`, `allow`, `trajectory`, ...; the default trajectory file is
    `<source's name>.fork<at_step>-<run id>.jsonl` next to the source's).

    Raises:
        ValueError: `at_step` is not between 0 and the number of recorded steps.
        ReplayMismatchError: a replayed step gave another exit code or other file changes (the
            new run is cancelled).
    """
    trajectory = _trajectory_of(source)
    steps = [Step.from_dict(record) for record in trajectory.steps]
    if not 0 <= at_step <= len(steps):
        raise ValueError(f"at_step must be between 0 and {len(steps)} (got {at_step})")
    origin = {"trajectory": str(trajectory.path) if trajectory.path else None, "at_step": at_step}
    if "trajectory" not in options and trajectory.path is not None:
        stem = trajectory.path.with_suffix("")
        options["trajectory"] = f"{stem}.fork{at_step}.jsonl"
    stepper = await Stepper.start(
        client, trajectory.header["scenario_id"], None, **options, forked_from=origin
    )
    try:
        for original in steps[:at_step]:
            await _replay(stepper, original)
    except BaseException:
        await shielded(stepper.cancel(), what=f"cancelling fork {stepper.run_view.id}",
                       timeout=_CANCEL_SECONDS)  # fmt: skip
        raise
    stepper.agent = agent
    return stepper


async def _replay(stepper: Stepper, original: Step) -> None:
    step = await stepper._record(
        original.action,
        original.who,
        edited_from=original.edited_from,
        replayed_from=original.step,
    )
    expected = (original.exit_code, sorted(c.key() for c in original.changes))
    got = (step.exit_code, sorted(c.key() for c in step.changes))
    if expected != got:
        raise ReplayMismatchError(
            f"Step {original.step} ({original.action.describe()[:60]!r}) did not replay: it "
            f"exited {original.exit_code} changing {original.files_changed} the first time, and "
            f"{step.exit_code} changing {step.files_changed} now. Fork at an earlier step, or "
            "make the step deterministic.",
            step=original.step,
            expected=expected,
            got=got,
        )


def _trajectory_of(source: Stepper | Trajectory | str | Path) -> Trajectory:
    if isinstance(source, Stepper):
        return load(source.trajectory_path)
    if isinstance(source, Trajectory):
        return source
    return load(source)
