"""Scenario runs (contract §6): a scenario in its own devbox, scored inside that devbox.

State machine (ours where the contract is silent, §6.3):

- ``start_run`` → ``running`` at once, with ``devbox_id`` set (the devbox may still be
  provisioning; clients wait for it with the devbox ``wait_for_status``).
- ``score`` from ``running`` or ``scored`` (a re-score: the previous result is cleared and
  replaced) → ``scoring``, committed before the answer; a background task then moves the run to
  ``scored`` with ``scoring_contract_result``, or to ``failed`` with ``failure_reason`` when the
  scoring cannot run (devbox gone, scorer infrastructure broken). Any other state → 400.
- ``complete`` from ``running`` or ``scored`` → ``completed``; ``cancel`` from ``running``,
  ``scoring`` or ``scored`` → ``canceled``. Both shut the devbox down and set ``duration_ms``.
  Repeating either on a run already in that state answers it unchanged; ``cancel`` of any other
  finished run too. ``complete`` while ``scoring`` is 400 (wait for the score).
- The run's devbox ending on its own: a ``running``/``scoring`` run becomes ``timeout`` (keep-alive
  ran out) or ``failed`` (anything else) with ``failure_reason``; a ``scored`` run becomes
  ``completed`` keeping its score (the score is final; the devbox ending is what complete does).

Every change of state wakes ``wait_for_state``, the hold behind this server's
``POST /v1/scenarios/runs/{id}/wait_for_status`` (an extension: the cloud has none, so clients
poll ``GET`` there; see ``routes.scenario_runs``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from runloop_nb.local._benchmarks import BenchmarkService
from runloop_nb.local._devboxes import DEFAULT_WAIT_SECONDS, MAX_WAIT_SECONDS, DevboxService
from runloop_nb.local._errors import IllegalState, InvalidRequest, NotFound, ServerError
from runloop_nb.local._ids import new_id
from runloop_nb.local._input_limits import check_env
from runloop_nb.local._listing import PageParams, store_page
from runloop_nb.local._run_devbox import devbox_params, require_env
from runloop_nb.local._scenarios import ScenarioService
from runloop_nb.local._scorers import ScorerService
from runloop_nb.local._store import Doc, Store
from runloop_nb.wire import (
    RunProfile,
    ScenarioStartRunParams,
)

log = logging.getLogger(__name__)

KIND = "scenario_run"
BENCHMARK_RUN_KIND = "benchmark_run"
STATES = ("running", "scoring", "scored", "completed", "canceled", "timeout", "failed")
LIVE_STATES = ("running", "scoring", "scored")
DEVBOX_WAIT_SECONDS = 30.0
Spawn = Callable[..., Any]


def now_ms() -> int:
    return int(time.time() * 1000)


class RunService:
    """Scenario runs: start, score, complete, cancel, list; reacts to devboxes ending."""

    def __init__(
        self,
        store: Store,
        devboxes: DevboxService,
        scenarios: ScenarioService,
        benchmarks: BenchmarkService,
        scorers: ScorerService,
        spawn: Spawn,
    ) -> None:
        self._store = store
        self._devboxes = devboxes
        self._scenarios = scenarios
        self._benchmarks = benchmarks
        self._scorers = scorers
        self._spawn = spawn

    # ---- start ---------------------------------------------------------------------------

    async def start(self, params: ScenarioStartRunParams) -> Doc:
        scenario = self._scenarios.get(params.scenario_id)
        if scenario["status"] != "active":
            raise IllegalState(f"Scenario {scenario['id']} is archived; unarchive it to run it.")
        benchmark_run = self._benchmark_run_for(params.benchmark_run_id, scenario["id"])
        profile = params.run_profile or RunProfile()
        check_env(profile.env_vars, "runProfile.envVars")
        env = {
            **((benchmark_run or {}).get("environment_variables") or {}),
            **(profile.env_vars or {}),
        }
        require_env(scenario, env)
        run_id = new_id("scenario_run")
        devbox = await self._devboxes.create(
            devbox_params(scenario, profile, env, run_id),
            initiator_type="scenario",
            initiator_id=run_id,
        )
        doc: Doc = {
            "id": run_id,
            "scenario_id": scenario["id"],
            "devbox_id": devbox["id"],
            "benchmark_run_id": params.benchmark_run_id,
            "name": params.run_name,
            "state": "running",
            "scoring_contract_result": None,
            "start_time_ms": now_ms(),
            "duration_ms": None,
            "metadata": params.metadata or {},
            "purpose": profile.purpose or (benchmark_run or {}).get("purpose"),
            "environment_variables": env,
            "secrets_provided": profile.secrets or {},
        }
        return self.view(self._store.insert(KIND, doc))

    def _benchmark_run_for(self, benchmark_run_id: str | None, scenario_id: str) -> Doc | None:
        if benchmark_run_id is None:
            return None
        run = self._store.get(BENCHMARK_RUN_KIND, benchmark_run_id)
        if run is None:
            raise InvalidRequest(
                f"benchmark_run_id {benchmark_run_id[:80]!r} is not a benchmark run; start one "
                "with POST /v1/benchmarks/start_run, or leave benchmark_run_id out"
            )
        if run["state"] != "running":
            raise InvalidRequest(
                f"Benchmark run {benchmark_run_id} is {run['state']}; scenarios can only be "
                "started in a running benchmark run"
            )
        if scenario_id not in run.get("_scenario_ids", []):
            raise InvalidRequest(
                f"Scenario {scenario_id} is not part of the benchmark of run {benchmark_run_id}; "
                "its pending_scenarios lists the scenarios it runs"
            )
        return run

    # ---- read ----------------------------------------------------------------------------

    def get(self, run_id: str) -> Doc:
        doc = self._store.get(KIND, run_id)
        if doc is None:
            raise NotFound("scenario run", run_id)
        return doc

    async def wait_for_state(
        self, run_id: str, states: list[str], timeout_seconds: float | None
    ) -> Doc | None:
        """Hold until the run is in one of ``states``; its view, or None when the hold (≤30 s,
        the devbox ``wait_for_status``'s) ran out first.

        Raises:
            NotFound: no such run.
        """
        self.get(run_id)
        wanted = set(states)
        hold = min(
            DEFAULT_WAIT_SECONDS if timeout_seconds is None else timeout_seconds, MAX_WAIT_SECONDS
        )
        reached = await self._devboxes.changes.hold_until(
            run_id, lambda: self.get(run_id)["state"] in wanted, hold
        )
        return self.view(self.get(run_id)) if reached else None

    def _put(self, doc: Doc) -> None:
        self._store.put(KIND, doc)
        self._devboxes.changes.notify(doc["id"])  # ids are unique across kinds: one hub

    def view(self, doc: Doc) -> Doc:
        """ScenarioRunView JSON with the scenario embedded under ``scenario``."""
        view = {k: v for k, v in doc.items() if not k.startswith("_")}
        view["scenario"] = self._scenarios.get(doc["scenario_id"])
        return view

    def page(
        self,
        params: PageParams,
        *,
        benchmark_run_id: str | None = None,
        scenario_id: str | None = None,
        state: str | None = None,
        name: str | None = None,
        search: str | None = None,
    ) -> dict[str, Any]:
        """A page of runs, newest first, filtered by any of the given fields."""
        if state is not None and state not in STATES:
            raise InvalidRequest(f"state must be one of {', '.join(STATES)}; got {state[:80]!r}")
        filters = {
            "benchmark_run_id": benchmark_run_id,
            "scenario_id": scenario_id,
            "state": state,
            "name": name,
        }
        where = {k: v for k, v in filters.items() if v}
        return store_page(
            self._store,
            KIND,
            "runs",
            params,
            view=self.view,
            where=where,
            search=search,
            newest_first=True,
        )

    def of_benchmark_run(self, benchmark_run_id: str) -> list[Doc]:
        return self._store.all(KIND, where={"benchmark_run_id": benchmark_run_id})

    # ---- score, complete, cancel ---------------------------------------------------------

    def score(self, run_id: str) -> Doc:
        with self._store.transaction():
            doc = self.get(run_id)
            if doc["state"] not in ("running", "scored"):
                raise IllegalState(
                    f"Scenario run {run_id} is {doc['state']}; only a running (or scored, to "
                    "score again) run can be scored"
                )
            doc.update(state="scoring", scoring_contract_result=None)
            self._put(doc)
        self._spawn(self._score_in_background(run_id), name=f"score {run_id}")
        return self.view(doc)

    async def complete(self, run_id: str) -> Doc:
        doc = self.get(run_id)
        if doc["state"] == "completed":
            return self.view(doc)
        if doc["state"] not in ("running", "scored"):
            hint = "wait until it is scored" if doc["state"] == "scoring" else "it has ended"
            raise IllegalState(
                f"Scenario run {run_id} is {doc['state']}; only a running or scored run can be "
                f"completed ({hint})"
            )
        return await self._end(doc, "completed")

    async def cancel(self, run_id: str) -> Doc:
        doc = self.get(run_id)
        if doc["state"] not in LIVE_STATES:
            return self.view(doc)  # cancel of a finished run answers it unchanged
        return await self._end(doc, "canceled")

    async def _end(self, doc: Doc, state: str, *, reason: str | None = None) -> Doc:
        """Commit the final state first, then shut the devbox down (its end hook sees a
        finished run and leaves it alone)."""
        self._finish(doc, state, reason=reason)
        await self._devboxes.shutdown(doc["devbox_id"], reason="api_shutdown")
        return self.view(doc)

    def _finish(self, doc: Doc, state: str, *, reason: str | None = None) -> None:
        doc["state"] = state
        doc["duration_ms"] = max(0, now_ms() - doc["start_time_ms"])
        if reason is not None:
            doc["failure_reason"] = reason
        self._put(doc)

    async def _score_in_background(self, run_id: str) -> None:
        from runloop_nb.local.scoring import ScoringInfrastructureError, score_scenario

        doc = self.get(run_id)
        scenario = self._scenarios.get(doc["scenario_id"])
        context = {
            "scenario_run_id": run_id,
            "scenario_id": scenario["id"],
            "benchmark_run_id": doc["benchmark_run_id"],
        }
        try:
            await self._devboxes.wait_for_status(
                doc["devbox_id"], ["running", "failure", "shutdown"], DEVBOX_WAIT_SECONDS
            )
            sandbox = self._devboxes.sandbox(doc["devbox_id"])
            result = await score_scenario(
                sandbox, scenario, custom_scorers=self._scorers.scripts(), run_context=context
            )
        except (ScoringInfrastructureError, ServerError) as exc:
            self._scoring_done(run_id, None, f"Scoring could not run: {exc}")
        except Exception as exc:
            log.exception("scoring of run %s crashed", run_id)
            self._scoring_done(run_id, None, f"Scoring crashed ({type(exc).__name__}: {exc})")
        else:
            self._scoring_done(run_id, result, None)

    def _scoring_done(self, run_id: str, result: Doc | None, reason: str | None) -> None:
        with self._store.transaction():
            doc = self.get(run_id)
            if doc["state"] != "scoring":  # canceled, or its devbox ended, while scoring
                return
            if result is None:
                self._finish(doc, "failed", reason=reason)
                return
            doc.update(state="scored", scoring_contract_result=result)
            self._put(doc)

    # ---- devboxes ending, restarts -------------------------------------------------------

    async def on_devbox_end(self, devbox_id: str, devbox: Doc) -> None:
        """Devbox end hook: a live run whose devbox ended on its own ends too (see module doc)."""
        for doc in self._store.all(KIND, where={"devbox_id": devbox_id}):
            self._devbox_ended(doc, devbox)

    def recover(self) -> None:
        """After a restart: runs caught scoring failed; live runs with a dead devbox end."""
        for doc in self._store.all(KIND):
            if doc["state"] == "scoring":
                self._finish(
                    doc,
                    "failed",
                    reason="The local server stopped while scoring "
                    "this run; start a new run to score it.",
                )
                continue
            if doc["state"] in LIVE_STATES:
                try:
                    devbox = self._devboxes.get(doc["devbox_id"])
                except NotFound:
                    devbox = {"status": "failure", "failure_reason": "devbox record missing"}
                if devbox["status"] in ("shutdown", "failure"):
                    self._devbox_ended(doc, devbox)

    def _devbox_ended(self, doc: Doc, devbox: Doc) -> None:
        if doc["state"] == "scored":
            self._finish(doc, "completed")
        elif doc["state"] in ("running", "scoring"):
            reason = devbox.get("shutdown_reason") or devbox.get("failure_reason") or "unknown"
            state = "timeout" if reason == "keep_alive_timeout" else "failed"
            message = devbox.get("failure_message") or ""
            self._finish(
                doc,
                state,
                reason=f"The run's devbox {doc['devbox_id']} ended "
                f"({devbox['status']}: {reason}) before the run finished. {message}".strip(),
            )
