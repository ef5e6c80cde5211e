"""`import runloop_nb` is cheap and silent; the public surface is sorted and resolvable."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import runloop_nb

PROBE = """
import json, os, sys

class RecordingEnviron(dict):
    def __init__(self, data):
        super().__init__(data)
        self.reads = []
    def __getitem__(self, key):
        self.reads.append(key)
        return super().__getitem__(key)
    def get(self, key, default=None):
        self.reads.append(key)
        return super().get(key, default)
    def __contains__(self, key):
        self.reads.append(key)
        return super().__contains__(key)

recorder = RecordingEnviron(os.environ)
os.environ = recorder
import runloop_nb
heavy = sorted(
    name for name in sys.modules
    if name.split(".")[0] in {"fastapi", "uvicorn", "pandas", "plotly", "starlette", "ipywidgets"}
)
ours = sorted(name for name in sys.modules if name.startswith("runloop_nb"))
sys.__stdout__.write(json.dumps({"heavy": heavy, "reads": recorder.reads, "ours": ours}))
"""


def _probe(tmp_path: Path) -> tuple[dict[str, list[str]], str]:
    home = tmp_path / "never-created"
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
        env={"RUNLOOP_NB_HOME": str(home), "PATH": "/usr/bin:/bin"},
    )
    assert not home.exists(), "importing runloop_nb must not create the data directory"
    return json.loads(result.stdout), result.stderr


def test_import_is_cheap_and_silent(tmp_path: Path) -> None:
    report, stderr = _probe(tmp_path)
    assert report["heavy"] == []
    assert report["reads"] == []
    assert stderr == ""
    assert "runloop_nb.local" not in report["ours"]
    assert "runloop_nb.client" not in report["ours"]


def test_all_is_sorted_and_every_name_resolves() -> None:
    assert runloop_nb.__all__ == sorted(runloop_nb.__all__)
    for name in runloop_nb.__all__:
        assert getattr(runloop_nb, name) is not None, name


def test_lazy_names_are_the_real_objects() -> None:
    from runloop_nb import errors, wire
    from runloop_nb._connect import connect

    assert runloop_nb.connect is connect
    assert runloop_nb.wire is wire
    assert runloop_nb.NotFoundError is errors.NotFoundError
    assert isinstance(runloop_nb.__version__, str)


def test_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_thing"):
        _ = runloop_nb.no_such_thing  # type: ignore[attr-defined]


PUBLIC = [
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


def test_all_is_exactly_the_public_names() -> None:
    assert runloop_nb.__all__ == PUBLIC
    assert set(PUBLIC) <= set(dir(runloop_nb))


def test_the_workflow_names_resolve_in_a_fresh_interpreter() -> None:
    # In a fresh process, so nothing imported by other tests hides a missing lazy entry.
    code = (
        "import runloop_nb\n"
        "for name in runloop_nb.__all__:\n"
        "    assert getattr(runloop_nb, name) is not None, name\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "ok\n"


def test_the_workflow_names_are_the_real_objects() -> None:
    from runloop_nb import audit, authoring, running, stepping
    from runloop_nb.client import Devbox, Page

    assert runloop_nb.audit is audit
    assert runloop_nb.authoring is authoring
    assert runloop_nb.running is running
    assert runloop_nb.stepping is stepping
    assert runloop_nb.Devbox is Devbox
    assert runloop_nb.Page is Page
    assert runloop_nb.ReferenceAgent is stepping.ReferenceAgent
    assert runloop_nb.ScenarioBuilder is authoring.ScenarioBuilder
    assert runloop_nb.run_scenario is running.run_scenario
    assert runloop_nb.ScenarioOutcome is running.ScenarioOutcome
    assert runloop_nb.run_benchmark is running.run_benchmark
    assert runloop_nb.BenchmarkOutcome is running.BenchmarkOutcome


def test_explore_and_widgets_resolve() -> None:
    from runloop_nb import widgets
    from runloop_nb._explore import explore, step

    assert runloop_nb.widgets is widgets
    assert runloop_nb.explore is explore
    assert runloop_nb.step is step
    assert widgets.StepConsole.__module__ == "runloop_nb.widgets._step_console"
    assert widgets.Explorer.__module__ == "runloop_nb.widgets._explorer"
