"""API key and base URL: arguments first, environment read when the client is made."""

from __future__ import annotations

import httpx
import pytest

from runloop_nb.client import RunloopClient
from runloop_nb.client._settings import normalize_base_url, resolve_settings
from runloop_nb.errors import ConfigurationError


def test_arguments_beat_the_environment() -> None:
    env = {"RUNLOOP_API_KEY": "env-key", "RUNLOOP_BASE_URL": "http://env.test"}
    settings = resolve_settings("arg-key", "http://arg.test/", env)
    assert (settings.api_key, settings.base_url) == ("arg-key", "http://arg.test/")
    from_env = resolve_settings(None, None, env)
    assert (from_env.api_key, from_env.base_url) == ("env-key", "http://env.test/")
    assert resolve_settings("k", None, {}).base_url == "https://api.runloop.ai/"


def test_missing_key_says_what_to_do() -> None:
    with pytest.raises(ConfigurationError, match=r"RUNLOOP_API_KEY.*api_key=.*connect\(\)"):
        resolve_settings(None, None, {})


def test_key_is_not_shown_in_repr() -> None:
    assert "secret" not in repr(resolve_settings("secret", None, {}))


@pytest.mark.parametrize("bad", ["api.runloop.ai", "ftp://x", "http://", "http://h/?a=1"])
def test_bad_base_urls_are_rejected(bad: str) -> None:
    with pytest.raises(ConfigurationError):
        normalize_base_url(bad)


def test_path_prefix_is_kept() -> None:
    settings = resolve_settings("k", "http://127.0.0.1:8080/runloop//", {})
    assert settings.url("/v1/benchmarks") == "http://127.0.0.1:8080/runloop/v1/benchmarks"


async def test_environment_is_read_when_the_client_is_made(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RUNLOOP_API_KEY", "late-key")
    monkeypatch.setenv("RUNLOOP_BASE_URL", "http://late.test/prefix")
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"id": "x", "type": "t", "bash_script": "s"})

    async with RunloopClient(transport=httpx.MockTransport(answer)) as client:
        await client.api.scenarios.scorers.retrieve("x")
    assert str(seen[0].url) == "http://late.test/prefix/v1/scenarios/scorers/x"
    assert seen[0].headers["authorization"] == "Bearer late-key"
