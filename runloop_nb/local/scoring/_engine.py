"""Scoring a scenario run: every scoring function of the contract, inside the run's devbox."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from runloop_nb.local.sandbox._base import Sandbox

from ._context import ScorerContext
from ._devbox import HOME, DevboxSession
from ._errors import ScoringInfrastructureError
from ._outcome import FunctionResult, error_result
from ._python import python_script_scorer
from ._scorers import (
    ast_grep_scorer,
    bash_script_scorer,
    command_scorer,
    custom_scorer,
    test_based_scorer,
)

logger = logging.getLogger(__name__)

#: ``scorer_timeout_sec`` when the scenario does not set one (the API default).
DEFAULT_SCORER_TIMEOUT_SEC = 1800

Scorer = Callable[[Mapping[str, Any], ScorerContext], Awaitable[FunctionResult]]

SCORERS: dict[str, Scorer] = {
    "ast_grep_scorer": ast_grep_scorer,
    "bash_script_scorer": bash_script_scorer,
    "command_scorer": command_scorer,
    "custom_scorer": custom_scorer,
    "python_script_scorer": python_script_scorer,
    "test_based_scorer": test_based_scorer,
}


async def score_scenario(
    sandbox: Sandbox,
    scenario: Mapping[str, Any],
    *,
    custom_scorers: Mapping[str, str],
    run_context: Mapping[str, Any],
) -> dict[str, Any]:
    """Run the scenario's scoring contract in ``sandbox``; return ``scoring_contract_result``.

    Args:
        sandbox: the run's devbox, running.
        scenario: the scenario in wire shape (``scoring_contract``, ``environment``,
            ``scorer_timeout_sec``).
        custom_scorers: bash script of each registered custom scorer, by type name.
        run_context: facts about the run handed to custom scorers (``$RL_SCORER_CONTEXT["run"]``).

    Returns:
        ``{"score", "scoring_function_results"}``: the total is Σ weightᵢ·scoreᵢ over the weights
        normalised to sum 1 (equal weights when they are missing, negative or all zero).

    Raises:
        ScoringInfrastructureError: the devbox is not running or died while scoring.
    """
    if not sandbox.alive():
        raise ScoringInfrastructureError("the run's devbox is not running, so it cannot be scored")
    functions = _scoring_functions(scenario)
    session = DevboxSession(sandbox)
    working_directory = _working_directory(scenario)
    timeout = float(scenario.get("scorer_timeout_sec") or DEFAULT_SCORER_TIMEOUT_SEC)
    try:
        missing = not await session.is_directory(working_directory)
        results: list[FunctionResult] = []
        for function in functions:
            name = str(function.get("name") or f"function_{len(results)}")
            if missing:
                message = f"working directory {working_directory} does not exist in the devbox"
                results.append(error_result(name, message))
                continue
            ctx = ScorerContext(
                session, name, working_directory, timeout, custom_scorers, run_context
            )
            results.append(await _score_one(function, ctx))
            _require_alive(sandbox)
    finally:
        await session.close()
    return _total(functions, results)


async def _score_one(function: Mapping[str, Any], ctx: ScorerContext) -> FunctionResult:
    scorer_spec = function.get("scorer")
    scorer_type = scorer_spec.get("type") if isinstance(scorer_spec, Mapping) else None
    scorer = SCORERS.get(str(scorer_type))
    if scorer is None or not isinstance(scorer_spec, Mapping):
        known = ", ".join(sorted(SCORERS))
        return ctx.error(f"unknown scorer type {scorer_type!r}; use one of {known}")
    try:
        return await scorer(scorer_spec, ctx)
    except ScoringInfrastructureError:
        raise
    except Exception as exc:
        # One broken scorer must not lose the results of the others; the error is recorded.
        logger.exception("scoring function %s failed", ctx.function_name)
        return ctx.error(f"{scorer_type} failed: {type(exc).__name__}: {exc}")


def _require_alive(sandbox: Sandbox) -> None:
    if not sandbox.alive():
        raise ScoringInfrastructureError("the run's devbox died while it was being scored")


def _scoring_functions(scenario: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    contract = scenario.get("scoring_contract") or {}
    functions = contract.get("scoring_function_parameters") or []
    return [function for function in functions if isinstance(function, Mapping)]


def _working_directory(scenario: Mapping[str, Any]) -> str:
    environment = scenario.get("environment") or scenario.get("environment_parameters") or {}
    return str(environment.get("working_directory") or HOME)


def normalised_weights(functions: list[Mapping[str, Any]]) -> list[float]:
    """The functions' weights scaled to sum 1; equal weights if any is invalid or all are 0."""
    weights = []
    for function in functions:
        weight = function.get("weight")
        weights.append(float(weight) if isinstance(weight, int | float) else -1.0)
    total = sum(weights)
    if not weights or min(weights) < 0 or total <= 0:
        return [1.0 / len(weights)] * len(weights) if weights else []
    return [weight / total for weight in weights]


def _total(functions: list[Mapping[str, Any]], results: list[FunctionResult]) -> dict[str, Any]:
    weights = normalised_weights(functions)
    score = sum(weight * result.score for weight, result in zip(weights, results, strict=True))
    return {
        "score": min(1.0, max(0.0, round(score, 12))),
        "scoring_function_results": [result.to_wire() for result in results],
    }
