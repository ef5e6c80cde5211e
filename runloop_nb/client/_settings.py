"""Resolve the API key and base URL from arguments or the environment, when a client is made."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from runloop_nb.errors import ConfigurationError

DEFAULT_BASE_URL = "https://api.runloop.ai"
API_KEY_ENV = "RUNLOOP_API_KEY"
BASE_URL_ENV = "RUNLOOP_BASE_URL"


@dataclass(frozen=True)
class Settings:
    """What a client needs to reach a server."""

    api_key: str
    """The bearer token sent as `Authorization: Bearer <api_key>`."""
    base_url: str
    """Root of the API, always ending in `/` so `v1/...` paths append to any path prefix."""

    def url(self, path: str) -> str:
        """Join an API path such as `/v1/benchmarks` onto the base URL (keeping its prefix)."""
        return self.base_url + path.lstrip("/")

    def __repr__(self) -> str:
        # Never show the key in notebooks or tracebacks.
        return f"Settings(api_key='***', base_url={self.base_url!r})"


def resolve_settings(
    api_key: str | None,
    base_url: str | None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Take explicit arguments first, then RUNLOOP_API_KEY / RUNLOOP_BASE_URL.

    Raises:
        ConfigurationError: no API key anywhere, or a base URL that is not http(s).
    """
    env = os.environ if environ is None else environ
    key = api_key if api_key is not None else env.get(API_KEY_ENV)
    if not key or not key.strip():
        raise ConfigurationError(
            f"No API key: set {API_KEY_ENV} or pass api_key= to RunloopClient, or call "
            "runloop_nb.connect() without a key to use the local server."
        )
    url = base_url if base_url is not None else env.get(BASE_URL_ENV) or DEFAULT_BASE_URL
    return Settings(api_key=key.strip(), base_url=normalize_base_url(url))


def normalize_base_url(url: str) -> str:
    """Check the URL is absolute http(s) and give it exactly one trailing slash."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigurationError(
            f"Base URL {url!r} is not an absolute http(s) URL; pass something like "
            f"base_url='{DEFAULT_BASE_URL}' or set {BASE_URL_ENV}."
        )
    if parts.query or parts.fragment:
        raise ConfigurationError(f"Base URL {url!r} must not carry a query or fragment.")
    return url.strip().rstrip("/") + "/"
