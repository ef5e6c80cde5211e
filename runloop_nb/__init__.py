"""runloop_nb: explore Runloop benchmarks and debug coding agents from Jupyter.

Start with ``client = runloop_nb.connect()``: with ``RUNLOOP_API_KEY`` set it talks to the Runloop
cloud, without one it starts (or reuses) the embedded local server. Then ``runloop_nb.running``
(``run_scenario``, ``run_benchmark``) runs agents on scenarios, ``runloop_nb.explore()`` opens the
notebook widgets (``runloop_nb.widgets``), ``runloop_nb.stepping`` holds the agents
(``ReferenceAgent``), ``runloop_nb.authoring`` writes scenarios (``ScenarioBuilder``) and
``runloop_nb.audit`` gold-audits a benchmark; ``runloop_nb.analysis`` turns runs into DataFrames,
honest outcomes and paired comparisons, ``runloop_nb.charts`` draws them and
``runloop_nb.report`` writes a self-contained HTML report.

Importing this package is cheap and silent: no I/O, no environment reads, and no FastAPI,
uvicorn, pandas or plotly. Everything beyond the error classes loads on first use.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from runloop_nb.errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    PollingTimeoutError,
    RateLimitError,
    ResponseFormatError,
    RunloopNBError,
    UnexpectedStateError,
    UnprocessableEntityError,
)

if TYPE_CHECKING:
    from runloop_nb import (
        analysis,
        audit,
        authoring,
        charts,
        client,
        errors,
        local,
        report,
        running,
        stepping,
        widgets,
        wire,
    )
    from runloop_nb._connect import connect
    from runloop_nb._explore import explore, step
    from runloop_nb.authoring import ScenarioBuilder
    from runloop_nb.client import Devbox, Page, RunloopClient
    from runloop_nb.running import BenchmarkOutcome, ScenarioOutcome, run_benchmark, run_scenario
    from runloop_nb.stepping import ReferenceAgent

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "BenchmarkOutcome",
    "ConfigurationError",
    "ConflictError",
    "Devbox",
    "InternalServerError",
    "NotFoundError",
    "Page",
    "PermissionDeniedError",
    "PollingTimeoutError",
    "RateLimitError",
    "ReferenceAgent",
    "ResponseFormatError",
    "RunloopClient",
    "RunloopNBError",
    "ScenarioBuilder",
    "ScenarioOutcome",
    "UnexpectedStateError",
    "UnprocessableEntityError",
    "__version__",
    "analysis",
    "audit",
    "authoring",
    "charts",
    "client",
    "connect",
    "errors",
    "explore",
    "local",
    "report",
    "run_benchmark",
    "run_scenario",
    "running",
    "step",
    "stepping",
    "widgets",
    "wire",
]

# name -> (module, attribute or None for the module itself); resolved on first access.
_LAZY: dict[str, tuple[str, str | None]] = {
    "BenchmarkOutcome": ("runloop_nb.running", "BenchmarkOutcome"),
    "Devbox": ("runloop_nb.client", "Devbox"),
    "Page": ("runloop_nb.client", "Page"),
    "ReferenceAgent": ("runloop_nb.stepping", "ReferenceAgent"),
    "RunloopClient": ("runloop_nb.client", "RunloopClient"),
    "ScenarioBuilder": ("runloop_nb.authoring", "ScenarioBuilder"),
    "ScenarioOutcome": ("runloop_nb.running", "ScenarioOutcome"),
    "analysis": ("runloop_nb.analysis", None),
    "audit": ("runloop_nb.audit", None),
    "authoring": ("runloop_nb.authoring", None),
    "charts": ("runloop_nb.charts", None),
    "client": ("runloop_nb.client", None),
    "connect": ("runloop_nb._connect", "connect"),
    "errors": ("runloop_nb.errors", None),
    "explore": ("runloop_nb._explore", "explore"),
    "local": ("runloop_nb.local", None),
    "report": ("runloop_nb.report", None),
    "run_benchmark": ("runloop_nb.running", "run_benchmark"),
    "run_scenario": ("runloop_nb.running", "run_scenario"),
    "running": ("runloop_nb.running", None),
    "step": ("runloop_nb._explore", "step"),
    "stepping": ("runloop_nb.stepping", None),
    "widgets": ("runloop_nb.widgets", None),
    "wire": ("runloop_nb.wire", None),
}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from runloop_nb.local._server import package_version

        return package_version()
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'runloop_nb' has no attribute {name!r}")
    module = import_module(target[0])
    value = module if target[1] is None else getattr(module, target[1])
    globals()[name] = value  # cache: later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
