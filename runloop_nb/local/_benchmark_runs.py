"""Benchmark runs (contract §4): interactive runs in which the client starts scenario runs.

Our rules where the contract is silent:

- ``start_run`` records the benchmark's scenario list at that moment; later edits of the
  benchmark do not change a run that already started.
- ``pending_scenarios`` (every view): the run's scenarios, in benchmark order, that have no
  *finished* scenario run in this benchmark run yet. Finished = ``scored`` or any terminal state
  (``completed``, ``canceled``, ``timeout``, ``failed``); ``running``/``scoring`` ones are pending.
- ``score`` (set by ``complete`` and ``cancel``) = sum of the scenario runs' scores / number of
  scenario runs started in this benchmark run; a run without a score counts as 0. No scenario
  runs: ``null``.
- ``complete`` (from ``running``) first completes the scenario runs still live (``running`` ones
  end without a score, ``scored`` ones keep theirs) and is 400 while one is ``scoring``.
  ``cancel`` cancels every live scenario run and shuts their devboxes. Repeating either on a
  run already in that state answers it unchanged; ``cancel`` of any finished run too.
"""

from __future__ import annotations

from typing import Any

from runloop_nb.local._benchmarks import BenchmarkService
from runloop_nb.local._errors import IllegalState, InvalidRequest, NotFound
from runloop_nb.local._ids import new_id
from runloop_nb.local._input_limits import check_env
from runloop_nb.local._listing import PageParams, store_page
from runloop_nb.local._runs import BENCHMARK_RUN_KIND, LIVE_STATES, RunService, now_ms
from runloop_nb.local._store import Doc, Store
from runloop_nb.wire import BenchmarkStartRunParams, RunProfile

KIND = BENCHMARK_RUN_KIND
STATES = ("running", "canceled", "completed", "failed")
_NOT_FINISHED = ("running", "scoring")


class BenchmarkRunService:
    """Benchmark runs: start, complete, cancel, list; views carry ``pending_scenarios``."""

    def __init__(self, store: Store, benchmarks: BenchmarkService, runs: RunService) -> None:
        self._store = store
        self._benchmarks = benchmarks
        self._runs = runs

    def start(self, params: BenchmarkStartRunParams) -> Doc:
        benchmark = self._benchmarks.get(params.benchmark_id)
        if benchmark["status"] != "active":
            raise IllegalState(f"Benchmark {benchmark['id']} is archived; it cannot be run.")
        profile = params.run_profile or RunProfile()
        check_env(profile.env_vars, "runProfile.envVars")
        env = profile.env_vars or {}
        missing = [v for v in benchmark.get("required_environment_variables") or [] if v not in env]
        if missing:
            raise InvalidRequest(
                f"Benchmark {benchmark['id']} requires environment variables "
                f"{', '.join(missing)}; pass them in runProfile.envVars"
            )
        doc: Doc = {
            "id": new_id("benchmark_run"),
            "benchmark_id": benchmark["id"],
            "name": params.run_name,
            "start_time_ms": now_ms(),
            "duration_ms": None,
            "state": "running",
            "score": None,
            "metadata": params.metadata or {},
            "purpose": profile.purpose,
            "environment_variables": env,
            "secrets_provided": profile.secrets or {},
            "_scenario_ids": list(benchmark["scenarioIds"]),
        }
        return self.view(self._store.insert(KIND, doc))

    def get(self, run_id: str) -> Doc:
        doc = self._store.get(KIND, run_id)
        if doc is None:
            raise NotFound("benchmark run", run_id)
        return doc

    def view(self, doc: Doc) -> Doc:
        """BenchmarkRunView JSON with ``pending_scenarios``."""
        view = {k: v for k, v in doc.items() if not k.startswith("_")}
        finished = {
            run["scenario_id"]
            for run in self._runs.of_benchmark_run(doc["id"])
            if run["state"] not in _NOT_FINISHED
        }
        view["pending_scenarios"] = [i for i in doc["_scenario_ids"] if i not in finished]
        return view

    def page(
        self,
        params: PageParams,
        *,
        benchmark_id: str | None,
        state: str | None,
        name: str | None,
        search: str | None,
    ) -> dict[str, Any]:
        if state is not None and state not in STATES:
            raise InvalidRequest(f"state must be one of {', '.join(STATES)}; got {state[:80]!r}")
        filters = {"benchmark_id": benchmark_id, "state": state, "name": name}
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

    def scenario_runs(
        self, run_id: str, params: PageParams, *, state: str | None, search: str | None
    ) -> dict[str, Any]:
        self.get(run_id)
        return self._runs.page(params, benchmark_run_id=run_id, state=state, search=search)

    async def complete(self, run_id: str) -> Doc:
        doc = self.get(run_id)
        if doc["state"] == "completed":
            return self.view(doc)
        if doc["state"] != "running":
            raise IllegalState(
                f"Benchmark run {run_id} is {doc['state']}; only a running run can be completed"
            )
        live = [r for r in self._runs.of_benchmark_run(run_id) if r["state"] in LIVE_STATES]
        scoring = [r["id"] for r in live if r["state"] == "scoring"]
        if scoring:
            raise IllegalState(
                f"Scenario runs {', '.join(scoring)} are still scoring; wait until they are "
                "scored, then complete the benchmark run"
            )
        for run in live:
            await self._runs.complete(run["id"])
        return self._finish(doc, "completed")

    async def cancel(self, run_id: str) -> Doc:
        doc = self.get(run_id)
        if doc["state"] != "running":
            return self.view(doc)
        for run in self._runs.of_benchmark_run(run_id):
            if run["state"] in LIVE_STATES:
                await self._runs.cancel(run["id"])
        return self._finish(doc, "canceled")

    def _finish(self, doc: Doc, state: str) -> Doc:
        runs = self._runs.of_benchmark_run(doc["id"])
        scores = [(r.get("scoring_contract_result") or {}).get("score") or 0.0 for r in runs]
        doc.update(
            state=state,
            score=sum(scores) / len(scores) if scores else None,
            duration_ms=max(0, now_ms() - doc["start_time_ms"]),
        )
        return self.view(self._store.put(KIND, doc))
