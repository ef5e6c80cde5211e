"""Benchmarks (contract §3): named, ordered lists of scenarios.

Stored documents are BenchmarkView JSON (``scenarioIds`` camelCase, as on the wire). ``list``
shows the caller's own benchmarks, ``list_public`` the bundled ones; archived benchmarks are in
neither and cannot be run. Names are unique among active benchmarks. Public benchmarks cannot be
changed (403).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from runloop_nb.local._errors import Forbidden, InvalidRequest, NotFound
from runloop_nb.local._ids import new_id
from runloop_nb.local._listing import PageParams, store_page
from runloop_nb.local._scenarios import ScenarioService
from runloop_nb.local._store import Doc, Store
from runloop_nb.wire import BenchmarkCreateParams, BenchmarkUpdateParams, UpdateScenariosParams

KIND = "benchmark"

_PLAIN_UPDATE_FIELDS = (
    "metadata",
    "required_environment_variables",
    "required_secret_names",
    "attribution",
    "description",
)


class BenchmarkService:
    """Benchmark definitions in the store."""

    def __init__(self, store: Store, scenarios: ScenarioService) -> None:
        self._store = store
        self._scenarios = scenarios

    def create(self, params: BenchmarkCreateParams, *, is_public: bool = False) -> Doc:
        """A new benchmark; public (bundled) ones may share a name with a user's benchmark."""
        with self._store.transaction():
            name = _valid_name(params.name)
            if not is_public:
                self._ensure_name_free(name, None)
            scenario_ids = self._known_scenarios(params.scenario_ids or [])
            doc: Doc = {
                "id": new_id("benchmark"),
                "name": name,
                "scenarioIds": scenario_ids,
                "metadata": params.metadata or {},
                "status": "active",
                "is_public": is_public,
                "attribution": params.attribution,
                "description": params.description,
                "required_environment_variables": params.required_environment_variables or [],
                "required_secret_names": params.required_secret_names or [],
            }
            return self._store.insert(KIND, doc)

    def get(self, benchmark_id: str) -> Doc:
        doc = self._store.get(KIND, benchmark_id)
        if doc is None:
            raise NotFound("benchmark", benchmark_id)
        return doc

    def update(self, benchmark_id: str, params: BenchmarkUpdateParams) -> Doc:
        """null keeps a field; a provided value (even empty) replaces it; a blank name is 400."""
        with self._store.transaction():
            doc = self._editable(benchmark_id)
            if params.name is not None:
                doc["name"] = _valid_name(params.name)
                self._ensure_name_free(doc["name"], benchmark_id)
            if params.scenario_ids is not None:
                doc["scenarioIds"] = self._known_scenarios(params.scenario_ids)
            for name in _PLAIN_UPDATE_FIELDS:
                value = getattr(params, name)
                if value is not None:
                    doc[name] = value
            return self._store.put(KIND, doc)

    def update_scenarios(self, benchmark_id: str, params: UpdateScenariosParams) -> Doc:
        """Append ``scenarios_to_add`` (skipping ones already in), drop ``scenarios_to_remove``."""
        with self._store.transaction():
            doc = self._editable(benchmark_id)
            ids: list[str] = list(doc["scenarioIds"])
            for scenario_id in self._known_scenarios(params.scenarios_to_add or []):
                if scenario_id not in ids:
                    ids.append(scenario_id)
            removed = set(params.scenarios_to_remove or [])
            doc["scenarioIds"] = [i for i in ids if i not in removed]
            return self._store.put(KIND, doc)

    def set_status(self, benchmark_id: str, status: str) -> Doc:
        """Archive or unarchive (403 for public benchmarks)."""
        with self._store.transaction():
            doc = self._editable(benchmark_id)
            if status == "active":
                self._ensure_name_free(doc["name"], benchmark_id)
            doc["status"] = status
            return self._store.put(KIND, doc)

    def page(
        self, params: PageParams, *, public: bool, name: str | None, search: str | None
    ) -> dict[str, Any]:
        where: dict[str, Any] = {"status": "active", "is_public": public}
        if name:
            where["name"] = name
        return store_page(
            self._store, KIND, "benchmarks", params, view=dict, where=where, search=search
        )

    def definitions(self, benchmark_id: str, params: PageParams) -> dict[str, Any]:
        """The benchmark's scenarios as ScenarioViews, paged, in benchmark order."""
        return self._scenarios.list_of(self.get(benchmark_id)["scenarioIds"], params)

    def find_by_name(self, name: str) -> Doc | None:
        """The active, non-public benchmark with this name, if any."""
        where = {"name": name, "status": "active", "is_public": False}
        found = self._store.all(KIND, where=where)
        return found[0] if found else None

    def _editable(self, benchmark_id: str) -> Doc:
        doc = self.get(benchmark_id)
        if doc.get("is_public"):
            raise Forbidden(
                f"Benchmark {benchmark_id} is public (bundled); it cannot be changed. Create your "
                "own benchmark with the scenario ids you want instead."
            )
        return doc

    def _ensure_name_free(self, name: str, own_id: str | None) -> None:
        existing = self.find_by_name(name)
        if existing is not None and existing["id"] != own_id:
            raise InvalidRequest(
                f"A benchmark named {name!r} already exists ({existing['id']}); pick another name"
            )

    def _known_scenarios(self, scenario_ids: Iterable[str]) -> list[str]:
        ids = list(dict.fromkeys(scenario_ids))  # drop repeats, keep order
        unknown = [i for i in ids if not self._scenarios.exists(i)]
        if unknown:
            raise InvalidRequest(
                f"Unknown scenario ids: {', '.join(repr(i[:80]) for i in unknown[:5])}. "
                "Create the scenarios first, or list them to see the ids that exist."
            )
        return ids


def _valid_name(name: str) -> str:
    if not name.strip():
        raise InvalidRequest("name cannot be blank; give the benchmark a name")
    return name
