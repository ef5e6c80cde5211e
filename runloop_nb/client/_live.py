"""`await client.live()`: what is still running on the server, and one call to end it all.

An interrupted cell leaves scenario runs, benchmark runs and devboxes alive (each costs a
sandbox, and on the cloud, money). `live()` lists them by state/status filters (a few paged
GETs, not a walk over history); `cleanup()` cancels the runs and shuts the devboxes down.
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, get_args

from runloop_nb.errors import APIError
from runloop_nb.wire import BenchmarkRunView, DevboxView, ScenarioRunView
from runloop_nb.wire._devboxes import DevboxStatus

if TYPE_CHECKING:
    from runloop_nb.client._client import Api

# Not ended: `scored` runs still hold their devbox until complete or cancel.
LIVE_RUN_STATES = ("running", "scoring", "scored")
# Every devbox status but the terminal `failure` and `shutdown` (`scheduled` included).
LIVE_DEVBOX_STATUSES = tuple(
    status for status in get_args(DevboxStatus) if status not in ("failure", "shutdown")
)


@dataclass
class Live:
    """What is still live on the server: scenario runs not ended, benchmark runs running,
    devboxes not shut down. `await live.cleanup()` ends them all.

    The local server's reaper is the backstop for what nobody cleans up: it shuts down a devbox
    idle for its `keep_alive_time_seconds` (one hour unless launched otherwise) and times out
    its scenario run. Running benchmark runs have no such timer; cancel them here.
    """

    scenario_runs: list[ScenarioRunView]
    benchmark_runs: list[BenchmarkRunView]
    devboxes: list[DevboxView]
    _api: Api = field(repr=False, compare=False)

    def __bool__(self) -> bool:
        return bool(self.scenario_runs or self.benchmark_runs or self.devboxes)

    async def cleanup(self) -> Cleanup:
        """Cancel every listed run and shut every listed devbox down; say what was done.

        Scenario runs first (cancelling one shuts its devbox), then benchmark runs, then the
        devboxes no run took with it. Every item is tried even when one fails.

        Raises:
            ExceptionGroup: of the APIErrors of the items that could not be ended, after all
                the others were ended (`Cleanup` of what worked is the group's note).
        """
        done = Cleanup()
        for run in self.scenario_runs:
            await _end(done, f"scenario run {run.id}", self._api.scenarios.runs.cancel(run.id))
        for bench in self.benchmark_runs:
            await _end(done, f"benchmark run {bench.id}", self._api.benchmark_runs.cancel(bench.id))
        taken = {run.devbox_id for run in self.scenario_runs}
        for box in self.devboxes:
            if box.id not in taken:
                await _end(done, f"devbox {box.id}", self._api.devboxes.shutdown(box.id))
        if done.failed:
            group = ExceptionGroup(f"could not end {len(done.failed)} item(s)", done.failed)
            group.add_note(repr(done))
            raise group
        return done

    def __repr__(self) -> str:
        if not self:
            return "Live(nothing running)"
        lines = [
            f"Live({len(self.scenario_runs)} scenario runs, {len(self.benchmark_runs)} "
            f"benchmark runs, {len(self.devboxes)} devboxes; `await ....cleanup()` ends them)"
        ]
        lines += [
            f"  scenario run {r.id} {r.state} devbox={r.devbox_id}" for r in self.scenario_runs
        ]
        lines += [f"  benchmark run {b.id} {b.state} name={b.name!r}" for b in self.benchmark_runs]
        lines += [f"  devbox {d.id} {d.status} name={d.name!r}" for d in self.devboxes]
        return "\n".join(lines)


@dataclass
class Cleanup:
    """What `Live.cleanup()` ended, and the errors of what it could not."""

    ended: list[str] = field(default_factory=list)
    failed: list[APIError] = field(default_factory=list)

    def __repr__(self) -> str:
        text = f"Cleanup(ended {len(self.ended)}: {', '.join(self.ended) or 'nothing'}"
        return text + (f"; {len(self.failed)} failed)" if self.failed else ")")


async def find_live(api: Api) -> Live:
    """List what is live (see `Live`)."""
    runs: dict[str, ScenarioRunView] = {}
    for state in LIVE_RUN_STATES:
        async for run in api.scenarios.runs.list(state=state, limit=100):
            runs.setdefault(run.id, run)
    benches = [b async for b in api.benchmark_runs.list(state="running", limit=100)]
    boxes: dict[str, DevboxView] = {}
    for status in LIVE_DEVBOX_STATUSES:
        async for box in api.devboxes.list(status=status, limit=100):
            boxes.setdefault(box.id, box)
    return Live(list(runs.values()), benches, list(boxes.values()), api)


async def _end(done: Cleanup, what: str, call: Awaitable[object]) -> None:
    try:
        await call
    except APIError as exc:
        exc.add_note(f"while ending {what}")
        done.failed.append(exc)
    else:
        done.ended.append(what)
