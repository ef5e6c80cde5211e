"""``smoke``: three tiny scenarios that score in well under a second, one scorer type each."""

from __future__ import annotations

from ._model import BundledBenchmark, BundledScenario

WORKDIR = "/home/user/work"

_ADD_PY = b'''def add(a, b):
    """Return the sum of a and b."""
    return a - b
'''

_RUN_SH = b"""#!/bin/bash
echo "service started"
"""

_CHECK_ADD = """import sys
sys.path.insert(0, ".")
from add import add
print(1.0 if add(2, 3) == 5 and add(-1, 1) == 0 else 0.0)
"""

_CHECK_RUN = """if ./run.sh > /dev/null 2>&1; then echo score=1.0; else echo score=0.0; fi
"""


def _function(name: str, scorer: dict[str, str]) -> dict[str, object]:
    return {"name": name, "weight": 1.0, "scorer": scorer}


def _scenario(
    name: str, statement: str, scorer: dict[str, str], reference: str, files: dict[str, bytes]
) -> BundledScenario:
    return BundledScenario(
        name=name,
        problem_statement=statement,
        working_directory=WORKDIR,
        scoring_contract={
            "scoring_function_parameters": [_function(name.split("-", 1)[1], scorer)]
        },
        reference_output=reference,
        metadata={"benchmark": "smoke", "scorer_type": scorer["type"]},
        scorer_timeout_sec=30,
        files=lambda: {f"work/{path}": data for path, data in files.items()},
    )


def smoke_benchmark() -> BundledBenchmark:
    """Three quick scenarios: create a file, fix a function, make a command succeed."""
    scenarios = [
        _scenario(
            "smoke-create-file",
            f"In {WORKDIR}, create a file named greeting.txt whose only line is: hello, runloop",
            {
                "type": "command_scorer",
                "command": "test \"$(cat greeting.txt)\" = 'hello, runloop'",
            },
            "printf 'hello, runloop\\n' > greeting.txt\n",
            {"README.txt": b"Put greeting.txt next to this file.\n"},
        ),
        _scenario(
            "smoke-fix-function",
            f"add(2, 3) in {WORKDIR}/add.py returns -1 instead of 5. Fix the function.",
            {"type": "python_script_scorer", "python_script": _CHECK_ADD},
            "sed -i 's/return a - b/return a + b/' add.py\n",
            {"add.py": _ADD_PY},
        ),
        _scenario(
            "smoke-make-command-succeed",
            f"Running ./run.sh in {WORKDIR} fails with 'Permission denied'. Make it run.",
            {"type": "bash_script_scorer", "bash_script": _CHECK_RUN},
            "chmod +x run.sh\n",
            {"run.sh": _RUN_SH},
        ),
    ]
    return BundledBenchmark(
        name="smoke",
        description="Three tiny scenarios (a file, a one-line fix, a command) that score in well "
        "under a second; for checking a setup end to end.",
        attribution="Written for runloop_nb (MIT).",
        metadata={"source": "runloop_nb", "license": "MIT"},
        scenarios=scenarios,
    )
