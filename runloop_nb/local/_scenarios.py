"""Scenarios (contract §5): definitions with a problem statement, environment and scoring contract.

Stored documents are ScenarioView JSON. ``list`` shows the caller's own (non-public) scenarios,
``list_public`` the bundled ones; with ``benchmark_id`` the list is that benchmark's scenarios in
benchmark order, public or not. Archived scenarios drop out of lists but can still be fetched,
and can no longer be updated or run. Public (bundled) scenarios cannot be updated or archived (403).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from runloop_nb.local._errors import Forbidden, IllegalState, InvalidRequest, NotFound
from runloop_nb.local._ids import new_id
from runloop_nb.local._listing import PageParams, list_page, store_page
from runloop_nb.local._scorers import ScorerService
from runloop_nb.local._store import Doc, Store
from runloop_nb.wire import (
    DEFAULT_SCORER_TIMEOUT_SEC,
    ScenarioCreateParams,
    ScenarioUpdateParams,
    ScoringFunction,
)

KIND = "scenario"

# Update fields copied as they come (null keeps the stored value, anything else replaces it).
_PLAIN_UPDATE_FIELDS = (
    "name",
    "metadata",
    "reference_output",
    "required_environment_variables",
    "required_secret_names",
    "scorer_timeout_sec",
    "validation_type",
)


class ScenarioService:
    """Scenario definitions in the store."""

    def __init__(self, store: Store, scorers: ScorerService) -> None:
        self._store = store
        self._scorers = scorers

    def create(self, params: ScenarioCreateParams, *, is_public: bool = False) -> Doc:
        return self._store.insert(KIND, self.create_doc(params, is_public=is_public))

    def create_doc(self, params: ScenarioCreateParams, *, is_public: bool = False) -> Doc:
        """The document ``create`` would store (validated, with a fresh id), not stored."""
        functions = params.scoring_contract.scoring_function_parameters
        self.validate_scoring(functions)
        environment = params.environment_parameters
        doc: Doc = {
            "id": new_id("scenario"),
            "name": params.name,
            "input_context": params.input_context.to_wire(exclude_unset=False),
            "scoring_contract": params.scoring_contract.to_wire(),
            "environment": None if environment is None else environment.to_wire(),
            "metadata": params.metadata or {},
            "status": "active",
            "reference_output": params.reference_output,
            "required_environment_variables": params.required_environment_variables or [],
            "required_secret_names": params.required_secret_names or [],
            "is_public": is_public,
            "scorer_timeout_sec": params.scorer_timeout_sec or DEFAULT_SCORER_TIMEOUT_SEC,
            "validation_type": params.validation_type,
        }
        return doc

    def get(self, scenario_id: str) -> Doc:
        doc = self._store.get(KIND, scenario_id)
        if doc is None:
            raise NotFound("scenario", scenario_id)
        return doc

    def exists(self, scenario_id: str) -> bool:
        return self._store.get(KIND, scenario_id) is not None

    def update(self, scenario_id: str, params: ScenarioUpdateParams) -> Doc:
        with self._store.transaction():
            doc = self._editable(scenario_id, "updated")
            for name in _PLAIN_UPDATE_FIELDS:
                value = getattr(params, name)
                if value is not None:
                    doc[name] = value
            self._apply_input_context(doc, params)
            self._apply_scoring_contract(doc, params)
            if params.environment_parameters is not None:
                doc["environment"] = params.environment_parameters.to_wire()
            return self._store.put(KIND, doc)

    def set_status(self, scenario_id: str, status: str) -> Doc:
        """Archive or unarchive (403 for public scenarios)."""
        with self._store.transaction():
            doc = self.get(scenario_id)
            if doc.get("is_public"):
                raise Forbidden(
                    f"Scenario {scenario_id} is public (bundled); it cannot be changed."
                )
            doc["status"] = status
            return self._store.put(KIND, doc)

    def page(
        self,
        params: PageParams,
        *,
        public: bool,
        name: str | None = None,
        search: str | None = None,
        validation_type: str | None = None,
    ) -> dict[str, Any]:
        where: dict[str, Any] = {"status": "active", "is_public": public}
        if name:
            where["name"] = name
        if validation_type:
            where["validation_type"] = validation_type
        return store_page(
            self._store, KIND, "scenarios", params, view=dict, where=where, search=search
        )

    def list_of(
        self,
        scenario_ids: Sequence[str],
        params: PageParams,
        *,
        name: str | None = None,
        search: str | None = None,
        items_key: str = "scenarios",
    ) -> dict[str, Any]:
        """A page of the given scenarios, in the given order (active ones only, filters applied)."""
        docs = [d for d in (self._store.get(KIND, i) for i in scenario_ids) if d is not None]
        docs = [d for d in docs if d["status"] == "active" and _matches(d, name, search)]
        return list_page(docs, items_key, params)

    def validate_scoring(self, functions: Sequence[ScoringFunction]) -> None:
        """400 unless function names are unique and every custom scorer type is registered."""
        seen: set[str] = set()
        for function in functions:
            if function.name in seen:
                raise InvalidRequest(
                    f"scoring_contract has two scoring functions named {function.name!r}; "
                    "give each one its own name"
                )
            seen.add(function.name)
            scorer_type = getattr(function.scorer, "custom_scorer_type", None)
            if scorer_type is not None and self._scorers.by_type(scorer_type) is None:
                raise InvalidRequest(
                    f"scoring function {function.name!r} uses custom_scorer_type "
                    f"{scorer_type!r}, which is not registered; create it first with "
                    "POST /v1/scenarios/scorers"
                )

    def _editable(self, scenario_id: str, verb: str) -> Doc:
        doc = self.get(scenario_id)
        if doc.get("is_public"):
            raise Forbidden(f"Scenario {scenario_id} is public (bundled); it cannot be {verb}.")
        if doc["status"] == "archived":
            raise IllegalState(
                f"Scenario {scenario_id} is archived; unarchive it before it can be {verb}."
            )
        return doc

    def _apply_input_context(self, doc: Doc, params: ScenarioUpdateParams) -> None:
        update = params.input_context
        if update is None:
            return
        if update.problem_statement is not None:
            doc["input_context"]["problem_statement"] = update.problem_statement
        if update.additional_context is not None:
            doc["input_context"]["additional_context"] = update.additional_context

    def _apply_scoring_contract(self, doc: Doc, params: ScenarioUpdateParams) -> None:
        update = params.scoring_contract
        if update is None or update.scoring_function_parameters is None:
            return
        if not update.scoring_function_parameters:
            raise InvalidRequest(
                "scoring_contract.scoring_function_parameters is empty: a scenario needs at "
                "least one scoring function (leave scoring_contract out to keep the current one)"
            )
        self.validate_scoring(update.scoring_function_parameters)
        doc["scoring_contract"] = update.to_wire()


def _matches(doc: Doc, name: str | None, search: str | None) -> bool:
    if name and doc["name"] != name:
        return False
    return not search or doc["id"] == search or search.lower() in doc["name"].lower()
