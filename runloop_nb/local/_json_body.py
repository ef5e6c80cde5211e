"""Request bodies are Unicode text: JSON that decodes to a lone UTF-16 surrogate is refused.

``json.loads`` accepts ``"\\ud800"`` and hands back a ``str`` that cannot be encoded as UTF-8:
stored, it made every later answer that shows it fail (500, and a reset connection). Every
router uses ``JSONRoute``, whose request refuses such a body as invalid JSON (400) before any
handler runs. A top-level ``metadata`` over the bounds of ``_input_limits`` is refused (400)
here too, for every route that takes one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import HTTPException, Request, Response
from fastapi.routing import APIRoute

from runloop_nb.local._input_limits import metadata_problem

SURROGATE_MESSAGE = (
    "a string holds a lone UTF-16 surrogate (\\ud800-\\udfff), which is not Unicode text; "
    "send valid UTF-8"
)


def refuse_surrogates(value: Any, doc: str | bytes) -> None:
    """Raise ``json.JSONDecodeError`` if any string (key or value) in ``value`` is not UTF-8."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            _check(item, doc)
        elif isinstance(item, dict):
            for key, nested in item.items():
                _check(key, doc)
                pending.append(nested)
        elif isinstance(item, list):
            pending.extend(item)


def _check(text: str, doc: str | bytes) -> None:
    if text.isascii():
        return
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        shown = doc if isinstance(doc, str) else doc.decode("utf-8", "replace")
        raise json.JSONDecodeError(SURROGATE_MESSAGE, shown, 0) from None


class StrictJSONRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            value = json.loads(body)
            refuse_surrogates(value, body)
            metadata = value.get("metadata") if isinstance(value, dict) else None
            if isinstance(metadata, dict) and (problem := metadata_problem(metadata)):
                # FastAPI passes an HTTPException raised while reading the body on as it is.
                raise HTTPException(status_code=400, detail=problem)
            self._json = value
        return self._json


class JSONRoute(APIRoute):
    """An ``APIRoute`` whose handler parses the body with ``StrictJSONRequest``."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict(request: Request) -> Response:
            return await handler(StrictJSONRequest(request.scope, request.receive))

        return strict
