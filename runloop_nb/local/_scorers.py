"""Custom scorers (contract §7): registered bash scripts that scenarios refer to by ``type``."""

from __future__ import annotations

from runloop_nb.local._errors import InvalidRequest, NotFound
from runloop_nb.local._ids import new_id
from runloop_nb.local._listing import PageParams, list_page, store_page
from runloop_nb.local._store import Doc, Store
from runloop_nb.wire import ScorerCreateParams, ScorerUpdateParams

KIND = "scorer"


class ScorerService:
    """Create, replace, fetch and list custom scorers; a scorer type name is unique."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def create(self, params: ScorerCreateParams) -> Doc:
        with self._store.transaction():
            self._ensure_type_free(params.type, None)
            doc = {"id": new_id("scorer"), "type": params.type, "bash_script": params.bash_script}
            return self._store.insert(KIND, doc)

    def get(self, scorer_id: str) -> Doc:
        doc = self._store.get(KIND, scorer_id)
        if doc is None:
            raise NotFound("scorer", scorer_id)
        return doc

    def update(self, scorer_id: str, params: ScorerUpdateParams) -> Doc:
        """Full replace of ``type`` and ``bash_script`` (the contract requires both)."""
        with self._store.transaction():
            doc = self.get(scorer_id)
            self._ensure_type_free(params.type, scorer_id)
            doc.update(type=params.type, bash_script=params.bash_script)
            return self._store.put(KIND, doc)

    def page(self, params: PageParams, *, search: str | None) -> dict[str, object]:
        if not search:
            return store_page(self._store, KIND, "scorers", params, view=dict)
        # Search matches the id or the type name (scorers have no `name`, which the store searches).
        matching = [s for s in self._store.all(KIND) if s["id"] == search or search in s["type"]]
        return list_page(matching, "scorers", params)

    def by_type(self, scorer_type: str) -> Doc | None:
        found = self._store.all(KIND, where={"type": scorer_type})
        return found[0] if found else None

    def scripts(self) -> dict[str, str]:
        """Every registered type with its bash script, as the scoring engine wants them."""
        return {s["type"]: s["bash_script"] for s in self._store.all(KIND)}

    def _ensure_type_free(self, scorer_type: str, own_id: str | None) -> None:
        existing = self.by_type(scorer_type)
        if existing is not None and existing["id"] != own_id:
            raise InvalidRequest(
                f"A custom scorer of type {scorer_type!r} already exists ({existing['id']}); "
                "update that one, or pick another type name"
            )
