"""The metadata convention that tells analysis which agent ran a scenario run, and which attempt.

Runloop's scenario runs carry free-form string metadata (`start_run(metadata=...)`, contract
§6.2); nothing on the wire names an agent or an attempt. runloop_nb stores them under these
keys, and `run_scenario(..., metadata=run_metadata("reference", 1))` (or `run_benchmark`) writes
them:

=====================  ==================================================================
key                    value
=====================  ==================================================================
``runloop_nb.agent``   the agent's name (``ReferenceAgent.name`` is ``"reference"``)
``runloop_nb.attempt`` the attempt number as a decimal string, 1 for the first attempt
``runloop_nb.cluster`` (scenario metadata) the group of scenarios that share a cause of
                       correlated results, e.g. one library in repo-bugfix
=====================  ==================================================================

When a run has no agent (or attempt) key, its benchmark run's metadata is asked next. With no
agent anywhere the agent is missing (<NA>); with no attempt anywhere, attempts are numbered by
start time per benchmark run, agent and scenario (1, 2, ...). When a scenario has no cluster
key, its ``library`` metadata (repo-bugfix) is its cluster; else it is a cluster of its own.
"""

from __future__ import annotations

AGENT_KEY = "runloop_nb.agent"
ATTEMPT_KEY = "runloop_nb.attempt"
CLUSTER_KEY = "runloop_nb.cluster"
# Scenario metadata that already names a cluster in the bundled benchmarks.
CLUSTER_FALLBACK_KEYS = (CLUSTER_KEY, "library")


def run_metadata(agent: str, attempt: int = 1, **extra: str) -> dict[str, str]:
    """The metadata of a scenario run of `agent`'s `attempt` (1-based), plus `extra` keys.

    ```python
    await run_scenario(client, scenario, agent, metadata=run_metadata(agent.name, 2))
    ```
    """
    if isinstance(attempt, bool) or not isinstance(attempt, int) or attempt < 1:
        raise ValueError(f"attempt must be an int >= 1 (got {attempt!r}); the first is 1.")
    if not agent:
        raise ValueError("agent must be a non-empty name, e.g. 'reference'.")
    return {AGENT_KEY: agent, ATTEMPT_KEY: str(attempt), **extra}
