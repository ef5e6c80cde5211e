"""What ``/openapi.json`` says beyond what FastAPI infers from the handlers.

* The error answers of each kind of route (``responses=`` of the route decorators), all with the
  body ``_app`` sends: ``{"error": <code>, "message": <what to do>}`` (``ErrorBody``). Every
  route can answer 401 (the token is checked first) and every POST 413 (the body limit applies to
  any body); the rest depends on the kind of route.
* No 422: FastAPI declares one for every route with parameters, but this server answers 400 for
  every invalid request (``_app``'s handler of ``RequestValidationError``), as Runloop does.
* The bearer token as the security scheme of every operation.
* The wire types of query parameters the server parses itself (``limit``, ``include_total_count``,
  ``last_n``...): they stay ``str`` in the handlers, so that a bad value gets this server's own
  400 message (and an empty value its default), and say their real type here (``WithJsonSchema``).
  Optional string parameters are plain strings (a query cannot carry null).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, WithJsonSchema


class ErrorBody(BaseModel):
    """The body of every error answer."""

    error: str
    message: str


#: Why each error status is answered, as the schema tells it.
_REASONS = {
    400: "Invalid request: a malformed or wrong value, or a call the resource's state does not "
    "allow (retrying will not help).",
    401: "Missing or wrong 'Authorization: Bearer <token>'.",
    403: "The resource is bundled with the server (public) and cannot be changed.",
    404: "No resource with that id.",
    408: "The hold ran out before the awaited status was reached; ask again.",
    409: "A transient conflict (an operation still in progress); retry later.",
    413: "The request body is larger than this endpoint accepts.",
    503: "No real sandbox can be made on this host; the message says why and how to fix it.",
}

Responses = dict[int | str, dict[str, Any]]
_ERROR_SCHEMA = {"schema": {"$ref": "#/components/schemas/ErrorBody"}}


def errors(*statuses: int) -> Responses:
    """``responses=`` for a route answering ``statuses`` (401 is always added)."""
    # The content is given (not ``model=``): FastAPI would file the error body under the
    # route's own media type, which is not JSON for file and stream routes.
    return {
        status: {"description": _REASONS[status], "content": {"application/json": _ERROR_SCHEMA}}
        for status in sorted({401, *statuses})
    }


# One per kind of route; each route's code paths were checked against its kind.
#: GET a list: a bad paging or filter value is 400.
LIST = errors(400)
#: GET one resource by id.
RETRIEVE = errors(404)
#: GET a list under one resource, or a view of one resource with query options.
RETRIEVE_WITH_QUERY = errors(400, 404)
#: POST a new resource (its body is validated; ids it names must exist: 400).
CREATE = errors(400, 413)
#: POST a change or action on one resource: bad body or wrong state is 400.
CHANGE = errors(400, 404, 413)
#: POST without input that every state accepts (cancel, download_logs).
END = errors(404, 413)
#: POST a change of a benchmark or scenario: the bundled (public) ones are read-only.
EDIT_CATALOG = errors(400, 403, 404, 413)
#: POST archive or unarchive of a scenario (no input; the bundled ones are read-only).
ARCHIVE_SCENARIO = errors(403, 404, 413)
#: POST a long-poll: 408 when the hold runs out.
HOLD = errors(400, 404, 408, 413)
#: POST that creates a devbox: 503 when no real sandbox can be made.
NEW_DEVBOX = errors(400, 413, 503)
#: POST a scenario run: it names a scenario (404) and creates the run's devbox (503).
START_SCENARIO_RUN = errors(400, 404, 413, 503)
#: POST shutdown of a devbox: 409 while a snapshot is in progress and force is false.
SHUTDOWN = errors(400, 404, 409, 413)
#: POST delete of a snapshot: 409 while it is being made.
DELETE_SNAPSHOT = errors(404, 409, 413)


def media(media_type: str, *, binary: bool = False) -> Responses:
    """``responses=`` declaring the media type of the 200 answer of a route whose
    ``response_class`` has none (``Response``, ``StreamingResponse``)."""
    schema: dict[str, Any] = {"type": "string", **({"format": "binary"} if binary else {})}
    return {
        200: {"description": "Successful Response", "content": {media_type: {"schema": schema}}}
    }


#: SSE of a command's output (GET with an ``offset`` query).
STREAM = {**RETRIEVE_WITH_QUERY, **media("text/event-stream")}


def integer_param(minimum: int, maximum: int | None = None) -> WithJsonSchema:
    """Annotates a ``str | None`` query parameter the handler parses as a bounded integer."""
    schema: dict[str, Any] = {"type": "integer", "minimum": minimum}
    if maximum is not None:
        schema["maximum"] = maximum
    return WithJsonSchema(schema)


#: Annotates a ``str | None`` query parameter the handler parses as a boolean.
BOOLEAN_PARAM = WithJsonSchema({"type": "boolean"})


def one_of_param(values: Iterable[str]) -> WithJsonSchema:
    """Annotates a ``str | None`` query parameter the handler checks against ``values``."""
    return WithJsonSchema({"type": "string", "enum": sorted(values)})


def install_openapi(app: FastAPI) -> None:
    """Make ``app.openapi()`` (and ``/openapi.json``) the schema described above."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title, version=app.version, routes=app.routes, description=app.description
            )
            _drop_422(schema)
            _no_null_queries(schema)
            components = schema.setdefault("components", {})
            components.setdefault("schemas", {})["ErrorBody"] = ErrorBody.model_json_schema()
            components.setdefault("securitySchemes", {})["bearer"] = {
                "type": "http",
                "scheme": "bearer",
                "description": "The token in server.json in the server's data directory.",
            }
            schema["security"] = [{"bearer": []}]
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _drop_422(schema: dict[str, Any]) -> None:
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            operation.get("responses", {}).pop("422", None)
    models = schema.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        models.pop(name, None)


def _no_null_queries(schema: dict[str, Any]) -> None:
    """An optional ``str | None`` query parameter is a plain string: a query cannot carry null
    (leaving the parameter out is how it is not given)."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for param in operation.get("parameters", []):
                options = param.get("schema", {}).get("anyOf")
                if param.get("in") != "query" or not options:
                    continue
                kept = [option for option in options if option.get("type") != "null"]
                if len(kept) == 1:
                    title = param["schema"].get("title")
                    param["schema"] = {**kept[0], **({"title": title} if title else {})}
