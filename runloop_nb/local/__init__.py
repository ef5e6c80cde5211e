"""The embedded Runloop-compatible server: run it, find it, stop it.

``serve()`` runs it in the foreground (``runloop-nb serve``); ``ensure_server()`` reuses or starts
a detached one and returns its ``ServerInfo`` (url and token); ``stop_server()`` stops it.
``create_app`` and ``ServerState`` (the ASGI app and its state) load lazily: importing this
package stays cheap and does not pull in FastAPI.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from runloop_nb.local._launcher import (
    ensure_server,
    log_path,
    server_alive,
    starting_server,
    stop_server,
)
from runloop_nb.local._server import LocalServerError, ServerInfo, read_server_file, serve

if TYPE_CHECKING:
    from runloop_nb.local._app import create_app
    from runloop_nb.local._state import ServerState

__all__ = [
    "LocalServerError",
    "ServerInfo",
    "ServerState",
    "create_app",
    "ensure_server",
    "log_path",
    "read_server_file",
    "serve",
    "server_alive",
    "starting_server",
    "stop_server",
]

_LAZY = {"create_app": "runloop_nb.local._app", "ServerState": "runloop_nb.local._state"}


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(module_name), name)
