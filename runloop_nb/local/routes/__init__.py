"""HTTP routes, one module per resource; each module exposes ``router`` (a FastAPI APIRouter).

Order matters: static paths such as ``/v1/scenarios/runs`` must be registered before
``/v1/scenarios/{id}``, so the run and scorer routers come before the scenario router.
"""

from __future__ import annotations

from importlib import import_module

from fastapi import APIRouter

_MODULES = (
    "benchmark_runs",
    "benchmarks",
    "scenario_runs",
    "scorers",
    "scenarios",
    "snapshots",
    "executions",
    "files",
    "devboxes",
)


#: What every client asks first (``connect()``'s health check, ``list_public``): registered
#: before the server answers. ``_app`` adds the others on the first request for another path.
FIRST = ("benchmarks",)
"""No other router has a path under ``FIRST``'s prefixes, so registering them first changes no
match."""


def all_routers() -> list[APIRouter]:
    """Every resource router, in registration order."""
    return routers(_MODULES)


def routers(names: tuple[str, ...]) -> list[APIRouter]:
    """The routers of these resource modules (imported now), in the order given."""
    return [import_module(f"{__name__}.{name}").router for name in names]


def other_modules() -> tuple[str, ...]:
    """The resource modules not in ``FIRST``, in registration order."""
    return tuple(name for name in _MODULES if name not in FIRST)
