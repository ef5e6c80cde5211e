from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from runloop_nb.wire import DownloadFileParams, ReadFileParams, WriteFileParams

from ._round_trip import Case, assert_round_trip, case_ids

CASES: list[Case] = [
    (
        ReadFileParams,
        {"file_path": "repo/setup.py", "x_future_field": 1},
        {"file_path": "repo/setup.py"},
    ),
    (
        WriteFileParams,
        {"file_path": "notes/é.txt", "contents": "ünïcode\n", "x_future_field": 1},
        {"contents": "ünïcode\n"},
    ),
    (
        WriteFileParams,
        {"file_path": "empty.txt", "contents": "", "x_future_field": 1},
        {"contents": ""},
    ),
    (
        DownloadFileParams,
        {"path": "/home/user/out.bin", "x_future_field": 1},
        {"path": "/home/user/out.bin"},
    ),
]


@pytest.mark.parametrize(("model", "sample", "attrs"), CASES, ids=case_ids(CASES))
def test_service_json_parses_and_dumps_back_unchanged(
    model: type, sample: dict[str, Any], attrs: dict[str, Any]
) -> None:
    assert_round_trip(model, sample, attrs)


@pytest.mark.parametrize(
    ("model", "bad"),
    [
        (ReadFileParams, {}),
        (ReadFileParams, {"file_path": ""}),
        (WriteFileParams, {"file_path": "a.txt"}),
        (WriteFileParams, {"file_path": "a.txt", "contents": ["x"]}),
        (DownloadFileParams, {"file_path": "a.txt"}),
    ],
)
def test_bad_input_is_rejected(model: type[ReadFileParams], bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        model.model_validate(bad)
