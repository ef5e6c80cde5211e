"""Every example notebook runs top to bottom in a real kernel against the embedded server."""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from runloop_nb.local import stop_server

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))


@pytest.fixture
def local_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private data dir; the kernel inherits it, so connect() starts a server just for us."""
    home = tmp_path / "home"
    monkeypatch.setenv("RUNLOOP_NB_HOME", str(home))
    for name in ("RUNLOOP_API_KEY", "RUNLOOP_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    yield home
    stop_server(home)


def test_there_are_notebooks() -> None:
    assert NOTEBOOKS, "notebooks/ holds no .ipynb"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_against_the_local_server(
    path: Path, local_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The reports the analysis notebooks write go to the test's directory, not notebooks/.
    monkeypatch.setenv("RUNLOOP_NB_DEMO_REPORT", str(tmp_path / "demo-report.html"))
    monkeypatch.setenv("RUNLOOP_NB_REPORT_04", str(tmp_path / "analysis-report.html"))
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute(env=dict(os.environ))  # raises CellExecutionError naming the failing cell

    outputs = "".join(
        out.get("text", "") for cell in notebook.cells for out in cell.get("outputs", [])
    )
    if path.stem == "00_quickstart":
        assert "with the reference applied: 1.0" in outputs
        assert "untouched: 0.0" in outputs
        assert "completed 1.0" in outputs
        _assert_the_completed_run_shows_in_one_line(notebook)
    if path.stem == "01_explore_benchmarks":
        assert "page 1 of 1 (" in outputs  # the Benchmarks tab loaded its first page
        # run_benchmark's smoke run, reference agent, shown on the scoreboard: all of it scored 1.
        assert "scored</b>, mean score 1\n" in outputs
    if path.stem == "02_debug_an_agent_step_by_step":
        assert "score curve: [(3, 1.0)]" in outputs
        assert "official score: 1.0" in outputs
        assert "replayed: [1, 2]" in outputs
        assert "fork preview: 0." in outputs
    if path.stem == "03_run_a_benchmark_and_analyse":
        _assert_the_analysis_agrees_with_a_hand_count(outputs)
        page = (tmp_path / "demo-report.html").read_text()
        assert f"report written: {tmp_path / 'demo-report.html'}" in outputs
        assert "<h3>reference vs mutant</h3>" in page
    if path.stem == "04_analysis_report":
        assert "same as above: True" in outputs
        assert "only reference 3, only untouched 0" in outputs
        assert "<h3>reference vs untouched</h3>" in (tmp_path / "analysis-report.html").read_text()


def _assert_the_analysis_agrees_with_a_hand_count(outputs: str) -> None:
    """Notebook 03 prints the passes per agent counted by hand from runs_df and as summarized;
    they agree, the gold agent passes every attempt, and some mutants survive (see 03)."""
    hand = re.search(r"counted by hand from runs_df: (\{.*\})", outputs)
    summary = re.search(r"in the summary: (\{.*\})", outputs)
    assert hand is not None
    assert summary is not None
    assert ast.literal_eval(hand.group(1)) == ast.literal_eval(summary.group(1))
    assert ast.literal_eval(summary.group(1))["reference"] == 12  # 6 scenarios x 2 attempts
    assert re.search(r"[1-9]\d* of 18 mutants survived the tests", outputs)


def _assert_the_completed_run_shows_in_one_line(notebook: nbformat.NotebookNode) -> None:
    """The cell ending in `await ...complete(...)` displays a one-line view, not a wall."""
    cell = next(
        c
        for c in notebook.cells
        if "".join(c.source).rstrip().endswith("complete(scenario_run.id)")
    )
    [result] = [out for out in cell.outputs if out["output_type"] == "execute_result"]
    text = result["data"]["text/plain"]
    assert text.startswith("ScenarioRunView(id=")
    assert "\n" not in text
    assert "state='completed'" in text
    markup = result["data"]["text/html"]
    # One <summary> line is all that shows until the reader unfolds it.
    assert markup.startswith(
        "<div class='runloop-nb-view'><details><summary><b>ScenarioRunView</b>"
    )
