"""`RunloopClient`: settings, one transport, and the `api` and `devbox` namespaces."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from types import TracebackType

import httpx

from runloop_nb.client._backfill import Backfill
from runloop_nb.client._benchmark_runs import BenchmarkRuns
from runloop_nb.client._benchmarks import Benchmarks
from runloop_nb.client._devboxes import Devboxes
from runloop_nb.client._handles import DevboxFactory
from runloop_nb.client._live import Live, find_live
from runloop_nb.client._polling import PollingConfig
from runloop_nb.client._scenarios import Scenarios
from runloop_nb.client._settings import resolve_settings
from runloop_nb.client._transport import DEFAULT_MAX_RETRIES, Transport


class Api:
    """The REST resources: `benchmarks`, `benchmark_runs`, `scenarios` (`.runs`, `.scorers`),
    `devboxes` (`.executions`, `.disk_snapshots`)."""

    def __init__(self, transport: Transport, polling: PollingConfig) -> None:
        # One backfill per client: its caches are shared by every resource that returns runs.
        backfill = Backfill(transport)
        self.benchmarks = Benchmarks(transport, polling, backfill)
        self.benchmark_runs = BenchmarkRuns(transport, polling, backfill)
        self.devboxes = Devboxes(transport, polling)
        self.scenarios = Scenarios(transport, polling, self.devboxes, backfill)


class RunloopClient:
    """Async client of the Runloop REST API (the cloud, or the local server).

    ```python
    async with RunloopClient() as client:            # RUNLOOP_API_KEY from the environment
        page = await client.api.benchmarks.list_public()
        run = await client.api.scenarios.start_run(scenario_id=page[0].scenario_ids[0])
        devbox = client.devbox.from_id(run.devbox_id)
        await devbox.await_running()
        scored = await client.api.scenarios.runs.score_and_await(run.id)
    ```

    **Parameters**
    - `api_key` / `base_url`: default to RUNLOOP_API_KEY / RUNLOOP_BASE_URL (read now, not at
      import) and https://api.runloop.ai.
    - `timeout`: seconds per request (30 s by default; 600 s for execute/file/snapshot calls).
    - `max_retries`: retries of 408/409/429/5xx answers and connection errors (default 5).
    - `transport` / `http_client`: an httpx transport (e.g. `httpx.MockTransport`) or client.
    - `polling`: budgets of the await helpers.
    - `sleep` / `clock`: injectable for tests, so retries and polls need not really wait.
    - `server_note`: shown in the repr (`connect()` passes the local server's sandbox warning).

    Raises:
        ConfigurationError: no API key was given or found.
    """

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        *,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        transport: httpx.AsyncBaseTransport | None = None,
        http_client: httpx.AsyncClient | None = None,
        polling: PollingConfig | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[], float] = random.random,
        server_note: str | None = None,
    ) -> None:
        #: What the server says of itself that a person must see (e.g. unsandboxed devboxes).
        self.server_note = server_note
        self.polling = polling or PollingConfig()
        self._transport = Transport(
            resolve_settings(api_key, base_url),
            timeout=timeout,
            max_retries=max_retries,
            transport=transport,
            http_client=http_client,
            sleep=sleep,
            clock=clock,
            jitter=jitter,
        )
        self.api = Api(self._transport, self.polling)
        self.devbox = DevboxFactory(self.api.devboxes)
        self._custom_transport = transport
        self._max_retries = max_retries
        self._timeout = timeout

    def clone(self) -> RunloopClient:
        """A new client with the same server, key, timeouts, retries and polling, and its own
        connections: for another event loop (the sync twins run on a private one).

        A custom `transport=` is shared with the clone (httpx.MockTransport is loop-agnostic);
        a custom `http_client=` is not (it belongs to its loop), so the clone makes its own.
        """
        settings = self._transport.settings
        return RunloopClient(
            api_key=settings.api_key,
            base_url=settings.base_url,
            timeout=self._timeout,
            max_retries=self._max_retries,
            transport=self._custom_transport,
            polling=self.polling,
            server_note=self.server_note,
        )

    @property
    def base_url(self) -> str:
        """The API root this client talks to."""
        return self._transport.settings.base_url

    async def live(self) -> Live:
        """What is still live: scenario runs not ended, benchmark runs running, devboxes not
        shut down (an interrupted cell leaves them behind). `await (await client.live()).cleanup()`
        cancels the runs and shuts the devboxes down.

        Nothing is ended by itself on the cloud; the local server shuts down a devbox idle for
        its `keep_alive_time_seconds` (one hour by default), the backstop for forgotten ones.
        """
        return await find_live(self.api)

    async def aclose(self) -> None:
        """Close the HTTP connections (the client cannot be used afterwards)."""
        await self._transport.aclose()

    async def __aenter__(self) -> RunloopClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        note = f", {self.server_note}" if self.server_note else ""
        return f"RunloopClient(base_url={self.base_url!r}{note})"
