"""Analysis: DataFrames of runs, honest outcomes, paired comparisons and pass@k.

```python
from runloop_nb import analysis
runs = await analysis.runs_df(client, [run_a, run_b])         # one row per scenario run
outcomes = await analysis.outcomes_df(client, [run_a, run_b]) # every scenario, every attempt
analysis.summarize(outcomes)                                  # per run: pass rate +- 95 % CI
analysis.compare(outcomes, "reference", "mutant")             # paired, McNemar, bootstrap
analysis.pass_at_k_table(outcomes)                            # pass@k and pass^k per agent
```

Frames are async (`await`), with blocking twins (`runs_df_sync`) for scripts. Their columns and
dtypes are a contract, tabled in each function's docstring. Agent and attempt come from the
run metadata convention of `run_metadata`. Loads pandas and numpy on first use.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from runloop_nb.analysis._api import (
        benchmarks_df,
        benchmarks_df_sync,
        outcomes_df,
        outcomes_df_sync,
        runs_df,
        runs_df_sync,
        scenarios_df,
        scenarios_df_sync,
        scores_df,
        scores_df_sync,
    )
    from runloop_nb.analysis._classify import classify
    from runloop_nb.analysis._columns import OUTCOMES
    from runloop_nb.analysis._compare import Comparison, compare
    from runloop_nb.analysis._frames import runs_frame, scores_frame
    from runloop_nb.analysis._keys import AGENT_KEY, ATTEMPT_KEY, CLUSTER_KEY, run_metadata
    from runloop_nb.analysis._load import RunSet, load_runs
    from runloop_nb.analysis._outcomes import outcomes_frame, summarize
    from runloop_nb.analysis._passk import pass_at_k_table
    from runloop_nb.analysis._stats import pass_at_k, pass_hat_k
    from runloop_nb.analysis._steps import steps_df

__all__ = [
    "AGENT_KEY",
    "ATTEMPT_KEY",
    "CLUSTER_KEY",
    "OUTCOMES",
    "Comparison",
    "RunSet",
    "benchmarks_df",
    "benchmarks_df_sync",
    "classify",
    "compare",
    "load_runs",
    "outcomes_df",
    "outcomes_df_sync",
    "outcomes_frame",
    "pass_at_k",
    "pass_at_k_table",
    "pass_hat_k",
    "run_metadata",
    "runs_df",
    "runs_df_sync",
    "runs_frame",
    "scenarios_df",
    "scenarios_df_sync",
    "scores_df",
    "scores_df_sync",
    "scores_frame",
    "steps_df",
    "summarize",
]

_LAZY = {
    "AGENT_KEY": "_keys",
    "ATTEMPT_KEY": "_keys",
    "CLUSTER_KEY": "_keys",
    "OUTCOMES": "_columns",
    "Comparison": "_compare",
    "RunSet": "_load",
    "benchmarks_df": "_api",
    "benchmarks_df_sync": "_api",
    "classify": "_classify",
    "compare": "_compare",
    "load_runs": "_load",
    "outcomes_df": "_api",
    "outcomes_df_sync": "_api",
    "outcomes_frame": "_outcomes",
    "pass_at_k": "_stats",
    "pass_at_k_table": "_passk",
    "pass_hat_k": "_stats",
    "run_metadata": "_keys",
    "runs_df": "_api",
    "runs_df_sync": "_api",
    "runs_frame": "_frames",
    "scenarios_df": "_api",
    "scenarios_df_sync": "_api",
    "scores_df": "_api",
    "scores_df_sync": "_api",
    "scores_frame": "_frames",
    "steps_df": "_steps",
    "summarize": "_outcomes",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
