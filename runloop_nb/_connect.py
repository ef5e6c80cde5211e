"""The composition root: ``connect()`` picks the Runloop cloud or the embedded local server.

This is the only module that knows both ``runloop_nb.client`` and ``runloop_nb.local``; both are
imported inside ``connect()`` so that ``import runloop_nb`` stays cheap.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from runloop_nb.errors import ConfigurationError

if TYPE_CHECKING:
    from runloop_nb.client import RunloopClient

API_KEY_ENV = "RUNLOOP_API_KEY"
BASE_URL_ENV = "RUNLOOP_BASE_URL"


def connect(
    api_key: str | None = None,
    base_url: str | None = None,
    *,
    data_dir: Path | str | None = None,
    start_timeout: float = 10.0,
    **client_kwargs: Any,
) -> RunloopClient:
    """A client for the Runloop cloud if an API key is known, else for the local server.

    With ``api_key`` (or ``RUNLOOP_API_KEY``) the client targets ``base_url`` (or
    ``RUNLOOP_BASE_URL``, default the Runloop cloud). Without a key, the local server of the data
    directory is reused or started in the background (it outlives the kernel; stop it with
    ``runloop-nb serve --stop``), and the client is bound to its url and token.

    Args:
        api_key: Runloop API key; default ``RUNLOOP_API_KEY``.
        base_url: API root; default ``RUNLOOP_BASE_URL`` or ``https://api.runloop.ai``.
        data_dir: local server state; default ``RUNLOOP_NB_HOME`` or the platform data dir.
        start_timeout: seconds to wait for a local server to answer.
        **client_kwargs: passed on to ``RunloopClient`` (timeouts, retries, ...).

    Raises:
        ConfigurationError: a base URL was given without an API key (the local server picks its
            own URL and token; a remote one needs a key).
        LocalServerError: the local server could not be started.
    """
    key = api_key if api_key is not None else os.environ.get(API_KEY_ENV)
    if key and key.strip():
        from runloop_nb.client import RunloopClient

        return RunloopClient(api_key=key, base_url=base_url, **client_kwargs)
    _refuse_url_without_key(base_url)
    from runloop_nb.local import starting_server

    # The server is spawned first, so that its start-up overlaps the client's imports.
    with starting_server(data_dir, timeout=start_timeout) as ready:
        from runloop_nb.client import RunloopClient

        info = ready()
    note = None if info.sandbox in ("", "bwrap sandboxes") else f"devboxes: {info.sandbox}"
    return RunloopClient(api_key=info.token, base_url=info.url, server_note=note, **client_kwargs)


def _refuse_url_without_key(base_url: str | None) -> None:
    """A URL but no key is a half-configured remote: say so rather than silently go local."""
    if base_url is not None:
        raise ConfigurationError(
            f"base_url={base_url!r} was given without an API key. Pass api_key= (or set "
            f"{API_KEY_ENV}) to use that server, or call connect() with neither to use the "
            "local server."
        )
    env_url = os.environ.get(BASE_URL_ENV)
    if env_url:
        raise ConfigurationError(
            f"{BASE_URL_ENV}={env_url!r} is set but {API_KEY_ENV} is not. Set {API_KEY_ENV} to "
            f"use that server, or unset {BASE_URL_ENV} to use the local server."
        )
