"""``repo-bugfix``: SWE-style scenarios built from permissively licensed PyPI sdists.

Each scenario starts from a trimmed sdist (source package, tests, licence) shipped in ``data/``,
with one realistic bug injected; the problem statement reads like a user's bug report, and
``reference_output`` is the fix as a ``patch -p1`` heredoc. The data is generated and verified by
``tools/build_catalog/build.py`` (the bug makes the fail-to-pass tests fail; the fix makes them
pass; the pass-to-pass tests pass both times).

Scoring: two ``test_based_scorer`` functions, each checking what its name says.
``fail_to_pass`` (weight 0.7) runs the tests the bug breaks; ``pass_to_pass`` (weight 0.3) runs
only the neighbouring tests that must keep passing. So the untouched code scores exactly 0.3
(nothing fixed, nothing broken), a fix that breaks neighbours 0.7, a clean fix 1.0, and a change
that breaks everything 0. Both write pristine copies of the test modules they run (trimmed to
the scenario's tests) at scoring time, so editing the tests does not help, and the agent's
versions are restored afterwards. Devboxes have only Debian's python3 (no pytest):
unittest suites run with ``python3 -m unittest``; pytest-style suites (toolz) with a tiny stdlib
runner written next to them at scoring time.
"""

from __future__ import annotations

import json
import shlex
import tarfile
from functools import cache
from pathlib import Path
from typing import Any

from ._model import BundledBenchmark, BundledScenario, scoring_by_tests

DATA = Path(__file__).parent / "data"
RUNNER_FILE = "rl_pytest_lite.py"
F2P_WEIGHT, P2P_WEIGHT = 0.7, 0.3


@cache
def _document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads((DATA / "repo_bugfix.json").read_text())
    return document


@cache
def _pristine(library: str, version: str) -> dict[str, bytes]:
    """Member path (under the project directory) -> bytes of the shipped trimmed sdist."""
    with tarfile.open(DATA / f"{library}-{version}.tar.gz") as archive:
        return {
            member.name: archive.extractfile(member).read()  # type: ignore[union-attr]
            for member in archive.getmembers()
            if member.isfile()
        }


def repo_bugfix_benchmark() -> BundledBenchmark:
    """The bug-fix scenarios across the shipped libraries."""
    document = _document()
    libraries = document["libraries"]
    names = ", ".join(f"{n} {lib['version']} ({lib['license']})" for n, lib in libraries.items())
    return BundledBenchmark(
        name="repo-bugfix",
        description="Fix a reported bug in a real Python library (one injected bug each); "
        "scored by the library's own tests, which fail with the bug.",
        attribution=f"Built from the PyPI sdists of {names}; licences in the archives and in "
        "runloop_nb/local/catalog/data/THIRD_PARTY_LICENSES.txt.",
        metadata={"source": "pypi-sdists", "libraries": ",".join(libraries)},
        scenarios=[
            _scenario(entry, libraries[entry["library"]]) for entry in document["scenarios"]
        ],
    )


def _test_command(library: dict[str, Any], test_ids: list[str]) -> str:
    ids = " ".join(shlex.quote(test_id) for test_id in test_ids)
    if library["runner"] == "unittest":
        return f"{library['env']}python3 -m unittest {ids}"
    return f"{library['env']}python3 {RUNNER_FILE} {ids}"


def _contract(entry: dict[str, Any], library: dict[str, Any]) -> dict[str, Any]:
    files = dict(entry["test_files"])
    if library["runner"] != "unittest":
        files[RUNNER_FILE] = (Path(__file__).parent / "_pytest_lite.py").read_text()
    f2p = _test_command(library, entry["fail_to_pass"])
    p2p = _test_command(library, entry["pass_to_pass"])
    return {
        "scoring_function_parameters": [
            scoring_by_tests("fail_to_pass", F2P_WEIGHT, f2p, files),
            scoring_by_tests("pass_to_pass", P2P_WEIGHT, p2p, files),
        ]
    }


def _scenario(entry: dict[str, Any], library: dict[str, Any]) -> BundledScenario:
    project = entry["library"]
    return BundledScenario(
        name=entry["name"],
        problem_statement=(
            f"A bug report against {project} {library['version']}, checked out in "
            f"/home/user/{project}:\n\n{entry['problem_statement']}\n\n"
            "Fix the library so it behaves as expected. The library's tests are in the checkout; "
            "only Debian's python3 (standard library only, no pytest) is available."
        ),
        working_directory=f"/home/user/{project}",
        scoring_contract=_contract(entry, library),
        reference_output=f"patch -p1 <<'RL_FIX_PATCH'\n{entry['fix_patch']}RL_FIX_PATCH\n",
        metadata={
            "benchmark": "repo-bugfix",
            "library": project,
            "library_version": library["version"],
            "license": library["license"],
            "fail_to_pass": json.dumps(entry["fail_to_pass"]),
            "pass_to_pass": json.dumps(entry["pass_to_pass"]),
        },
        scorer_timeout_sec=300,
        files=lambda: _buggy_files(entry, library["version"]),
    )


def _buggy_files(entry: dict[str, Any], version: str) -> dict[str, bytes]:
    files = dict(_pristine(entry["library"], version))
    path = f"{entry['library']}/{entry['file']}"
    source = files[path].decode()
    if source.count(entry["old"]) != 1:
        raise ValueError(f"{entry['name']}: the shipped data is inconsistent; rebuild it")
    files[path] = source.replace(entry["old"], entry["new"]).encode()
    return files
