"""Routers built when first needed: the first requests' at once, the others on demand.

Building FastAPI routes costs about 1.5 ms each; of the ~65, only the benchmarks router's serve
what every client asks first (``connect()``'s health check, ``list_public``). ``install_routers``
includes those (``routes.FIRST``) before the server answers; ``LazyRoutersMiddleware`` imports
and includes the others on the first authorised request for another path, and
``app.openapi()`` does before it describes them. Every answer is the one the full app gives:
no later router has a path under a first router's prefix (a test checks it), so those paths are
matched by the same router either way.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from runloop_nb.local import routes


class LaterRouters:
    """The routers not in ``routes.FIRST``: imported and included once, when first needed."""

    def __init__(self, app: FastAPI) -> None:
        self._app = app
        self.included = False

    def include(self) -> None:
        if self.included:
            return
        for router in routes.routers(routes.other_modules()):
            self._app.include_router(router)
        self.included = True


class LazyRoutersMiddleware:
    """Include the later routers before the first request for a path outside ``routes.FIRST``."""

    def __init__(self, app: ASGIApp, later: LaterRouters) -> None:
        self.app = app
        self._later = later
        self._prefixes = tuple(router.prefix for router in routes.routers(routes.FIRST))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._later.included and scope["type"] != "lifespan":
            path = scope["path"]
            if not any(path == p or path.startswith(p + "/") for p in self._prefixes):
                self._later.include()
        await self.app(scope, receive, send)


def install_routers(app: FastAPI) -> LaterRouters:
    """Include the first routers and arrange for the others; call before any other middleware
    is added (this one must be innermost: routers are added only for requests that passed the
    token check). ``app.state.later_routers`` is the returned ``LaterRouters``."""
    for router in routes.routers(routes.FIRST):
        app.include_router(router)
    later = app.state.later_routers = LaterRouters(app)
    schema = app.openapi

    def schema_of_every_route() -> dict[str, Any]:
        later.include()
        return schema()

    app.openapi = schema_of_every_route  # type: ignore[method-assign]
    app.add_middleware(LazyRoutersMiddleware, later=later)
    return later
