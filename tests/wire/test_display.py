"""How views look in a notebook: a one-line repr, one visible HTML line, escaping, folds."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest

from runloop_nb.wire import (
    BenchmarkRunView,
    BenchmarkView,
    DevboxView,
    ExecuteParams,
    ExecutionDetailView,
    ExecutionView,
    ScenarioRunView,
    ScenarioView,
)
from runloop_nb.wire._display import Displayed

TEST_FILE = "import unittest\n" + "".join(
    f"def test_{n}():\n    assert {n} == {n}\n" for n in range(300)
)
HOSTILE = "<script>alert('x')</script></details><b>bold</b>"


def scenario(name: str = "chunked-strict", **extra: Any) -> dict[str, Any]:
    files = [{"file_path": "tests/test_more.py", "file_contents": TEST_FILE}]
    scorer = {
        "type": "test_based_scorer",
        "test_command": "python3 -m unittest",
        "test_files": files,
    }
    return {
        "id": "scn_1",
        "name": name,
        "input_context": {"problem_statement": "Fix chunked(strict=True).\n" * 40},
        "scoring_contract": {
            "scoring_function_parameters": [
                {"name": "fail_to_pass", "weight": 0.7, "scorer": scorer},
                {"name": "pass_to_pass", "weight": 0.3, "scorer": scorer},
            ]
        },
        "metadata": {"library": "more-itertools"},
        "status": "active",
        "environment": {"working_directory": "/home/user/more-itertools"},
        "reference_output": "patch -p1 <<'EOF'\n" + "+x\n" * 500 + "EOF\n",
        **extra,
    }


def scenario_run(**extra: Any) -> dict[str, Any]:
    return {
        "id": "scr_1",
        "scenario_id": "scn_1",
        "devbox_id": "dbx_1",
        "state": "completed",
        "metadata": {},
        "name": "try",
        "scoring_contract_result": {
            "score": 0.3,
            "scoring_function_results": [
                {
                    "scoring_function_name": "fail_to_pass",
                    "score": 0,
                    "output": "F" * 5000,
                    "state": "complete",
                },
                {
                    "scoring_function_name": "pass_to_pass",
                    "score": 1,
                    "output": "ok",
                    "state": "complete",
                },
            ],
        },
        "start_time_ms": 1_700_000_000_000,
        "duration_ms": 4200,
        "scenario": scenario(),
        **extra,
    }


SAMPLES: list[Displayed] = [
    BenchmarkView.model_validate(
        {
            "id": "bmd_1",
            "name": "smoke",
            "scenarioIds": ["scn_1", "scn_2"],
            "metadata": {},
            "status": "active",
            "is_public": True,
            "description": "tiny tasks",
        }
    ),
    ScenarioView.model_validate(scenario()),
    ScenarioRunView.model_validate(scenario_run()),
    BenchmarkRunView.model_validate(
        {
            "id": "bmr_1",
            "start_time_ms": 1,
            "state": "running",
            "metadata": {},
            "benchmark_id": "bmd_1",
            "pending_scenarios": ["scn_2"],
        }
    ),
    DevboxView.model_validate(
        {
            "id": "dbx_1",
            "status": "shutdown",
            "create_time_ms": 1,
            "launch_parameters": {},
            "metadata": {},
            "capabilities": [],
            "state_transitions": [],
            "shutdown_reason": "api_shutdown",
            "sandbox_mode": "bwrap",
        }
    ),
    ExecutionView.model_validate(
        {
            "devbox_id": "dbx_1",
            "execution_id": "exe_1",
            "status": "completed",
            "exit_status": 0,
            "stdout": "line\n" * 2000,
            "stderr": "",
        }
    ),
    ExecutionDetailView.model_validate(
        {"devbox_id": "dbx_1", "exit_status": 1, "stdout": "", "stderr": "boom\n"}
    ),
]
IDS = [type(sample).__name__ for sample in SAMPLES]


class _Visible(HTMLParser):
    """Collects the text a reader sees before unfolding anything, and checks tags balance."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.visible: list[str] = []
        self.details = 0  # open <details> elements
        self.in_summary = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.stack.append(tag)
        self.details += tag == "details"
        self.in_summary += tag == "summary"

    def handle_endtag(self, tag: str) -> None:
        assert self.stack, f"</{tag}> closes nothing"
        assert self.stack[-1] == tag, f"unbalanced </{tag}> after {self.stack}"
        self.stack.pop()
        self.details -= tag == "details"
        self.in_summary -= tag == "summary"

    def handle_data(self, data: str) -> None:
        if self.details == 0 or (self.details == 1 and self.in_summary):
            self.visible.append(data)


def visible_text(markup: str) -> str:
    parser = _Visible()
    parser.feed(markup)
    parser.close()
    assert parser.stack == [], f"unclosed tags {parser.stack}"
    return "".join(parser.visible)


@pytest.mark.parametrize("view", SAMPLES, ids=IDS)
def test_the_row_has_exactly_the_documented_columns(view: Displayed) -> None:
    assert tuple(view._row()) == type(view).display_columns


@pytest.mark.parametrize("view", SAMPLES, ids=IDS)
def test_text_repr_is_one_short_line(view: Displayed) -> None:
    text = repr(view)
    assert "\n" not in text
    assert len(text) < 400, text
    assert text.startswith(f"{type(view).__name__}(")


@pytest.mark.parametrize("view", SAMPLES, ids=IDS)
def test_html_shows_one_line_until_unfolded(view: Displayed) -> None:
    markup = view._repr_html_()
    visible = visible_text(markup)
    assert "\n" not in visible
    assert visible.startswith(type(view).__name__)
    assert len(visible) < 400, visible


def test_a_finished_scenario_run_reads_at_a_glance() -> None:
    run = ScenarioRunView.model_validate(scenario_run())
    assert repr(run) == (
        "ScenarioRunView(id='scr_1', name='try', state='completed', score=0.3, "
        "scenario_id='scn_1', scenario_name='chunked-strict', devbox_id='dbx_1', "
        "start_time_ms=1700000000000, duration_ms=4200)"
    )
    visible = visible_text(run._repr_html_())
    assert visible.startswith("ScenarioRunView scr_1 · try · completed · score 0.3")
    assert "FFFF" not in visible


def test_long_strings_end_in_their_length() -> None:
    view = ScenarioView.model_validate(scenario())
    problem = view.input_context.problem_statement
    assert f"... ({len(problem)} chars)" in repr(view)
    contract = repr(view.scoring_contract)
    assert contract.count(f"... ({len(TEST_FILE)} chars)") == 2
    assert len(contract) < 1500
    assert "test_299" not in contract


def test_every_wire_model_cuts_long_strings_in_its_repr() -> None:
    params = ExecuteParams(command="echo " + "x" * 10_000)
    text = repr(params)
    assert "... (10005 chars), command_id=None" in text
    assert len(text) < 200


def test_long_parts_are_in_the_html_whole_but_folded() -> None:
    view = ScenarioView.model_validate(scenario())
    markup = view._repr_html_()
    assert "test_299" in markup  # the test file is there, inside a fold
    assert "test_299" not in visible_text(markup)
    assert f"problem_statement ({len(view.input_context.problem_statement)} chars)" in markup


@pytest.mark.parametrize(
    "view",
    [
        ScenarioView.model_validate(
            scenario(name=HOSTILE, metadata={HOSTILE: HOSTILE}, reference_output=HOSTILE)
        ),
        ScenarioRunView.model_validate(scenario_run(name=HOSTILE, scenario=scenario(HOSTILE))),
        ExecutionView.model_validate(
            {
                "devbox_id": "dbx_1",
                "execution_id": "exe_1",
                "status": "completed",
                "stdout": HOSTILE,
                "stderr": HOSTILE,
            }
        ),
    ],
    ids=["scenario", "scenario-run", "execution"],
)
def test_values_are_escaped_in_html(view: Displayed) -> None:
    markup = view._repr_html_()
    assert "<script>" not in markup
    assert "<b>bold</b>" not in markup
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in markup
    visible_text(markup)  # still balanced: the hostile </details> did not close anything
