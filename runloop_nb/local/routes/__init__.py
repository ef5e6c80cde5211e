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


def all_routers() -> list[APIRouter]:
    """Every resource router, in registration order."""
    return [import_module(f"{__name__}.{name}").router for name in _MODULES]
