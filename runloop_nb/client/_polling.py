"""Await helpers: server long-polls (`wait_for_status`) and client-side GET polling (§11)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

from runloop_nb.client._transport import Transport
from runloop_nb.errors import APIConnectionError, APIError, APITimeoutError, PollingTimeoutError

T = TypeVar("T")

# Client read timeout = server hold + this margin, so the server's 408 arrives first (SDK PR #818).
_READ_MARGIN_SECONDS = 5.0
# How often the loop wakes while a long poll is held (see `loop_kept_awake`).
_WAKE_INTERVAL_SECONDS = 0.2


@dataclass(frozen=True)
class PollingConfig:
    """Budgets and intervals of the await helpers.

    Attributes:
        timeout_seconds: total time an await may take before PollingTimeoutError.
        interval_seconds: longest pause between GETs of client-side polling (scoring,
            snapshots).
        first_interval_seconds: the first such pause; each next one doubles, up to
            `interval_seconds`. Most scorers finish well under a second, and a fixed 1 s pause
            would dominate a benchmark of many quick scenarios.
        devbox_hold_seconds: longest server hold of one devbox `wait_for_status` call (and of
            the embedded server's scenario run `wait_for_status`, see `await_scored`).
        execution_hold_seconds: longest server hold of one execution `wait_for_status` call.
        reconnect_pause_seconds: pause after a refused/broken connection during a long poll, so
            a server that is down is not hammered in a tight loop.
    """

    timeout_seconds: float = 120.0
    interval_seconds: float = 1.0
    first_interval_seconds: float = 0.02
    devbox_hold_seconds: float = 30.0
    execution_hold_seconds: float = 25.0
    reconnect_pause_seconds: float = 0.5

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if not isinstance(value, int | float) or value <= 0:
                raise ValueError(f"PollingConfig.{name} must be a positive number (got {value!r}).")

    def with_timeout(self, timeout_seconds: float | None) -> PollingConfig:
        """This config with another total budget (None keeps it)."""
        if timeout_seconds is None:
            return self
        return PollingConfig(**{**vars(self), "timeout_seconds": timeout_seconds})


async def long_poll(
    transport: Transport,
    path: str,
    *,
    statuses: Sequence[str],
    pending: Collection[str],
    hold_cap: float,
    config: PollingConfig,
    what: str,
    query: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Call `wait_for_status` until the status leaves `pending`; return that last JSON body.

    Each call asks the server to hold for min(remaining budget, hold_cap) seconds. A 408 (hold
    expired) or a client read timeout means "not yet" and the next call goes out at once.

    Raises:
        PollingTimeoutError: the budget was spent.
    """
    async with loop_kept_awake():
        return await _long_poll(transport, path, statuses, pending, hold_cap, config, what, query)


async def _long_poll(
    transport: Transport,
    path: str,
    statuses: Sequence[str],
    pending: Collection[str],
    hold_cap: float,
    config: PollingConfig,
    what: str,
    query: Mapping[str, Any] | None,
) -> dict[str, Any]:
    deadline = transport.clock() + config.timeout_seconds
    last_state: str | None = None
    while (remaining := deadline - transport.clock()) > 0:
        hold = min(remaining, hold_cap)
        try:
            data = await transport.request_json(
                "POST",
                path,
                query=query,
                json_body={"statuses": list(statuses), "timeout_seconds": hold},
                timeout=httpx.Timeout(hold + _READ_MARGIN_SECONDS, connect=5.0),
                max_retries=0,
            )
        except APIError as exc:
            if exc.status_code != 408:
                raise
            continue
        except APITimeoutError:
            continue
        except APIConnectionError:
            await transport.sleep(min(config.reconnect_pause_seconds, max(remaining, 0.0)))
            continue
        last_state = str(data.get("status")) if isinstance(data, dict) else None
        if last_state not in pending:
            return data if isinstance(data, dict) else {}
    raise PollingTimeoutError(what, last_state=last_state, budget_seconds=config.timeout_seconds)


@asynccontextmanager
async def loop_kept_awake() -> AsyncIterator[None]:
    """Wake the event loop every `_WAKE_INTERVAL_SECONDS` while a long poll is held.

    Jupyter's Interrupt reaches an awaiting cell as a cancellation that ipykernel schedules from
    its signal handler without waking the cell's loop (ipykernel #881, jupyterlab #12194): the
    loop sleeps on until its next I/O, which during a 25 s server hold is the end of the hold.
    Measured in a real kernel: Interrupt took effect after 25 s, with this tick after 0.3 s.
    """
    ticker = asyncio.ensure_future(_tick_forever())
    try:
        yield
    finally:
        ticker.cancel()


async def _tick_forever() -> None:
    while True:
        await asyncio.sleep(_WAKE_INTERVAL_SECONDS)


async def poll_until(
    transport: Transport,
    fetch: Callable[[], Awaitable[T]],
    state_of: Callable[[T], str | None],
    *,
    pending: Collection[str],
    config: PollingConfig,
    what: str,
) -> T:
    """GET-poll while the state is in `pending`, pausing `first_interval_seconds` and doubling
    up to `interval_seconds`; return the last item.

    Raises:
        PollingTimeoutError: the budget was spent while still pending.
    """
    deadline = transport.clock() + config.timeout_seconds
    pause = min(config.first_interval_seconds, config.interval_seconds)
    while True:
        item = await fetch()
        state = state_of(item)
        if state not in pending:
            return item
        remaining = deadline - transport.clock()
        if remaining <= 0:
            raise PollingTimeoutError(what, last_state=state, budget_seconds=config.timeout_seconds)
        await transport.sleep(min(pause, remaining))
        pause = min(pause * 2, config.interval_seconds)
