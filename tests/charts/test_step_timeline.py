from __future__ import annotations

import json

from runloop_nb.analysis import steps_df
from runloop_nb.charts import step_timeline_chart


def test_durations_and_the_preview_curve(tmp_path) -> None:
    records = [
        {"step": 1, "action": "ls", "exit_code": 0, "duration_s": 0.1, "files_changed": []},
        {"step": 2, "action": "false", "exit_code": 1, "duration_s": 0.3, "preview_score": 0.0},
        {"step": 3, "action": "fix", "exit_code": 0, "duration_s": 0.2,
         "files_changed": ["a.py"], "preview_score": 1.0},
    ]  # fmt: skip
    path = tmp_path / "t.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records))
    figure = step_timeline_chart(steps_df(path))
    bars, curve = figure.data
    assert list(bars.x) == [1, 2, 3]
    assert list(bars.y) == [0.1, 0.3, 0.2]
    assert list(bars.marker.color) == ["#2e7d32", "#c62828", "#2e7d32"]
    assert bars.customdata[2] == "fix<br>exit 0, files: a.py"
    assert list(curve.x) == [2, 3]
    assert list(curve.y) == [0.0, 1.0]
    assert curve.yaxis == "y2"
    assert figure.layout.yaxis2.title.text == "score preview"
    assert figure.layout.xaxis.title.text == "step"
