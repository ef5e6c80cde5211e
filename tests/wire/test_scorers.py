from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from runloop_nb.wire import ScenarioScorerView, ScorerCreateParams, ScorerUpdateParams

from ._round_trip import Case, assert_round_trip, case_ids

SCRIPT = 'echo "$RL_SCORER_CONTEXT" | python3 -c "import json,sys; print(1.0)"'

CASES: list[Case] = [
    (
        ScenarioScorerView,
        {"id": "sco_1", "type": "diff_size", "bash_script": SCRIPT, "x_future_field": "kept"},
        {"type": "diff_size", "bash_script": SCRIPT},
    ),
    (
        ScorerCreateParams,
        {"type": "diff_size", "bash_script": SCRIPT, "x_future_field": 1},
        {"type": "diff_size"},
    ),
    (
        ScorerUpdateParams,
        {"type": "diff_size_v2", "bash_script": "echo 0.5", "x_future_field": None},
        {"type": "diff_size_v2", "bash_script": "echo 0.5"},
    ),
]


@pytest.mark.parametrize(("model", "sample", "attrs"), CASES, ids=case_ids(CASES))
def test_service_json_parses_and_dumps_back_unchanged(
    model: type, sample: dict[str, Any], attrs: dict[str, Any]
) -> None:
    assert_round_trip(model, sample, attrs)


@pytest.mark.parametrize("model", [ScorerCreateParams, ScorerUpdateParams])
@pytest.mark.parametrize(
    "bad",
    [
        {"type": "t"},
        {"bash_script": "echo 1"},
        {"type": "", "bash_script": "echo 1"},
        {"type": "t", "bash_script": 1},
    ],
)
def test_bad_body_is_rejected(model: type[ScorerCreateParams], bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        model.model_validate(bad)
