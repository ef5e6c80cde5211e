"""Async httpx client of the Runloop REST API: paging, retries, long-poll awaits, handles."""

import runloop_nb.client._lean_httpx  # noqa: F401  (first: httpx without its CLI)
from runloop_nb.client._client import Api, RunloopClient
from runloop_nb.client._handles import Devbox, ExecutionResult
from runloop_nb.client._paging import AsyncPager, Page
from runloop_nb.client._polling import PollingConfig
from runloop_nb.client._types import NOT_GIVEN, NotGiven

__all__ = [
    "NOT_GIVEN",
    "Api",
    "AsyncPager",
    "Devbox",
    "ExecutionResult",
    "NotGiven",
    "Page",
    "PollingConfig",
    "RunloopClient",
]
