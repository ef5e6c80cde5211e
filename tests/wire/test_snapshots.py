from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from runloop_nb.wire import (
    DevboxSnapshotView,
    SnapshotDiskParams,
    SnapshotStatusView,
    SnapshotUpdateParams,
)

from ._round_trip import Case, assert_round_trip, case_ids

SNAPSHOT: dict[str, Any] = {
    "id": "snp_9",
    "create_time_ms": 1764288000000,
    "metadata": {"scenario": "scn_1"},
    "source_devbox_id": "dbx_31Xq",
    "name": "after-setup",
    "commit_message": "deps installed",
    "size_bytes": 1048576,
    "source_blueprint_id": None,
    "x_future_field": "kept",
}

CASES: list[Case] = [
    (DevboxSnapshotView, SNAPSHOT, {"source_devbox_id": "dbx_31Xq", "size_bytes": 1048576}),
    (
        SnapshotStatusView,
        {"status": "complete", "error_message": None, "snapshot": SNAPSHOT, "x_future_field": 1},
        {"status": "complete", "snapshot.name": "after-setup"},
    ),
    (
        SnapshotStatusView,
        {"status": "error", "error_message": "disk full", "x_future_field": 1},
        {"error_message": "disk full", "snapshot": None},
    ),
    (
        SnapshotDiskParams,
        {"name": "s", "metadata": {"k": "v"}, "commit_message": "m" * 1000, "x_future_field": 1},
        {"commit_message": "m" * 1000},
    ),
    (SnapshotUpdateParams, {"name": None, "metadata": {}, "x_future_field": 1}, {"metadata": {}}),
]


@pytest.mark.parametrize(("model", "sample", "attrs"), CASES, ids=case_ids(CASES))
def test_service_json_parses_and_dumps_back_unchanged(
    model: type, sample: dict[str, Any], attrs: dict[str, Any]
) -> None:
    assert_round_trip(model, sample, attrs)


@pytest.mark.parametrize(
    ("model", "bad"),
    [
        (SnapshotDiskParams, {"commit_message": "m" * 1001}),
        (SnapshotUpdateParams, {"commit_message": "m" * 1001}),
        (SnapshotDiskParams, {"metadata": ["k=v"]}),
        (SnapshotStatusView, {"status": "pending"}),
        (DevboxSnapshotView, {k: v for k, v in SNAPSHOT.items() if k != "source_devbox_id"}),
    ],
)
def test_bad_input_is_rejected(model: type[SnapshotDiskParams], bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        model.model_validate(bad)
