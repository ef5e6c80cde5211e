"""steps_df reads trajectory JSONL files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runloop_nb.analysis import steps_df


def _write(path: Path, records: list[object]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records) + "\n")
    return path


def test_steps_of_two_files(tmp_path: Path) -> None:
    first = _write(
        tmp_path / "run-a.jsonl",
        [
            {"type": "header", "scenario_run_id": "scr_1"},
            {"step": 1, "who": "agent", "thought": "look", "action": "ls", "exit_code": 0,
             "duration_s": 0.2, "cwd": "/home/user", "files_changed": [], "preview_score": None},
            {"step": 2, "who": "human", "thought": "", "action": "sed -i s/-/+/ add.py",
             "exit_code": 0, "duration_s": 0.1, "cwd": "/home/user/work",
             "files_changed": ["add.py"], "preview_score": 1.0},
        ],
    )  # fmt: skip
    second = _write(tmp_path / "run-b.jsonl", [{"step": 1, "action": "false", "exit_code": 1}])
    steps = steps_df([first, second])
    assert list(steps["trajectory"]) == ["run-a", "run-a", "run-b"]
    assert list(steps["step"]) == [1, 2, 1]
    assert steps.loc[1, "files_changed"] == ["add.py"]
    assert steps.loc[1, "n_files_changed"] == 1
    assert steps.loc[1, "preview_score"] == 1.0
    assert steps["preview_score"].isna().sum() == 2
    assert steps.loc[2, "exit_code"] == 1
    assert steps["who"].isna().sum() == 1


def test_a_line_that_is_not_json_is_named(tmp_path: Path) -> None:
    path = tmp_path / "broken.jsonl"
    path.write_text('{"step": 1}\nnot json\n')
    with pytest.raises(ValueError, match=r"broken.jsonl:2 is not JSON"):
        steps_df(path)
    path.write_text("[1, 2]\n")
    with pytest.raises(ValueError, match=r"broken.jsonl:1 is not a JSON object"):
        steps_df(path)
