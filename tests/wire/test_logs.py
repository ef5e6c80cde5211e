from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from runloop_nb.wire import DevboxLogEntry, DevboxLogsView

from ._round_trip import Case, assert_round_trip, case_ids

ENTRY: dict[str, Any] = {
    "level": "INFO",
    "source": "exec",
    "timestamp_ms": 1764288004000,
    "cmd": "pytest -q",
    "cmd_id": "exn_2",
    "exit_code": 1,
    "message": "1 failed",
    "x_future_field": 1,
}

CASES: list[Case] = [
    (DevboxLogEntry, ENTRY, {"source": "exec", "exit_code": 1}),
    (
        DevboxLogsView,
        {
            "logs": [ENTRY, {"level": "WARN", "source": "kmsg", "timestamp_ms": 1}],
            "x_future_field": 1,
        },
        {"logs.1.source": "kmsg", "logs.1.cmd": None},
    ),
]


@pytest.mark.parametrize(("model", "sample", "attrs"), CASES, ids=case_ids(CASES))
def test_service_json_parses_and_dumps_back_unchanged(
    model: type, sample: dict[str, Any], attrs: dict[str, Any]
) -> None:
    assert_round_trip(model, sample, attrs)


@pytest.mark.parametrize(
    "bad",
    [{**ENTRY, "source": "stdout"}, {**ENTRY, "timestamp_ms": "yesterday"}, {"level": "INFO"}],
)
def test_bad_entry_is_rejected(bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        DevboxLogEntry.model_validate(bad)
