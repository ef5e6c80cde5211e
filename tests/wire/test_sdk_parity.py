"""Our wire models against the official SDK 1.32.0 (the last one with benchmarks and scenarios).

The SDK is generated from Runloop's OpenAPI document, so its types are the best machine-readable
statement of the contract we can check against offline.
"""

from __future__ import annotations

import typing
from typing import Any

import pytest
from pydantic import BaseModel
from runloop_api_client import types as sdk
from runloop_api_client.types import devboxes as sdk_devboxes
from runloop_api_client.types import scenarios as sdk_scenarios

import runloop_nb.wire as wire

from .test_benchmarks import BENCHMARK
from .test_devboxes import DEVBOX
from .test_scenario_runs import RUN

# (SDK view, our view, the fields that are ours alone and why)
VIEWS: list[tuple[type[BaseModel], type[wire.WireModel], set[str]]] = [
    (sdk.BenchmarkView, wire.BenchmarkView, set()),
    (sdk.BenchmarkRunView, wire.BenchmarkRunView, {"pending_scenarios"}),  # the documented flow
    (sdk.ScenarioView, wire.ScenarioView, set()),
    (sdk.ScenarioRunView, wire.ScenarioRunView, {"scenario"}),  # the documented flow
    (sdk.ScenarioEnvironment, wire.ScenarioEnvironment, set()),
    (sdk.InputContext, wire.InputContext, set()),
    (sdk.ScoringContract, wire.ScoringContract, set()),
    (sdk.ScoringFunction, wire.ScoringFunction, set()),
    (sdk.ScoringContractResultView, wire.ScoringContractResultView, set()),
    (sdk.ScoringFunctionResultView, wire.ScoringFunctionResultView, set()),
    (sdk.DevboxView, wire.DevboxView, {"sandbox_mode"}),  # how isolated a local devbox is
    (sdk.DevboxAsyncExecutionDetailView, wire.ExecutionView, set()),
    (sdk.DevboxExecutionDetailView, wire.ExecutionDetailView, set()),
    (sdk.DevboxSnapshotView, wire.DevboxSnapshotView, set()),
    (sdk.DevboxSendStdInResult, wire.SendStdInView, set()),
    (sdk.DevboxResourceUsageView, wire.DevboxResourceUsageView, set()),
    (sdk_devboxes.DevboxSnapshotAsyncStatusView, wire.SnapshotStatusView, set()),
    (sdk_devboxes.DevboxLogsListView, wire.DevboxLogsView, set()),
    (sdk_devboxes.ExecutionUpdateChunk, wire.ExecutionUpdateChunk, set()),
    (sdk_scenarios.ScorerRetrieveResponse, wire.ScenarioScorerView, set()),
    (sdk.BenchmarkRunListView, wire.BenchmarkRunListView, set()),
    (sdk.ScenarioRunListView, wire.ScenarioRunListView, set()),
    (sdk.DevboxListView, wire.DevboxListView, set()),
    (sdk.ScenarioDefinitionListView, wire.ScenarioListView, set()),
    (sdk.ScenarioDefinitionListView, wire.BenchmarkDefinitionsView, set()),
    (sdk.DevboxSnapshotListView, wire.DiskSnapshotListView, set()),
]
# The brief gives our `execute` body `attach_stdin` like `execute_async`; the SDK's has none.
OURS_ONLY_KEYS: dict[type[wire.WireModel], set[str]] = {wire.ExecuteParams: {"attach_stdin"}}
# Named shells were removed in SDK 3.0; the SDK 1.32 still declares the field.
LEGACY = {"shell_name"}

# (SDK body TypedDict, our body, the SDK keys that are query or path parameters, not body fields)
BODIES: list[tuple[Any, type[wire.WireModel], set[str]]] = [
    (sdk.BenchmarkCreateParams, wire.BenchmarkCreateParams, set()),
    (sdk.BenchmarkUpdateParams, wire.BenchmarkUpdateParams, set()),
    (sdk.BenchmarkStartRunParams, wire.BenchmarkStartRunParams, set()),
    (sdk.BenchmarkUpdateScenariosParams, wire.UpdateScenariosParams, set()),
    (sdk.ScenarioCreateParams, wire.ScenarioCreateParams, set()),
    (sdk.ScenarioUpdateParams, wire.ScenarioUpdateParams, set()),
    (sdk.ScenarioStartRunParams, wire.ScenarioStartRunParams, set()),
    (sdk.DevboxCreateParams, wire.DevboxCreateParams, set()),
    (sdk.DevboxUpdateParams, wire.DevboxUpdateParams, set()),
    (sdk.DevboxExecuteParams, wire.ExecuteParams, {"last_n"}),
    (sdk.DevboxExecuteAsyncParams, wire.ExecuteAsyncParams, set()),
    (sdk.DevboxExecuteSyncParams, wire.ExecuteSyncParams, set()),
    (sdk.DevboxReadFileContentsParams, wire.ReadFileParams, set()),
    (sdk.DevboxWriteFileContentsParams, wire.WriteFileParams, set()),
    (sdk.DevboxDownloadFileParams, wire.DownloadFileParams, set()),
    (sdk.DevboxSnapshotDiskParams, wire.SnapshotDiskParams, set()),
    (sdk.DevboxWaitForCommandParams, wire.ExecutionWaitParams, {"devbox_id", "last_n"}),
]


def _wire_names(model: type[BaseModel]) -> dict[str, Any]:
    return {field.alias or name: field for name, field in model.model_fields.items()}


def _literals(annotation: Any) -> set[Any]:
    if typing.get_origin(annotation) is typing.Literal:
        return set(typing.get_args(annotation))
    return set().union(*(_literals(arg) for arg in typing.get_args(annotation)))


@pytest.mark.parametrize(("theirs", "ours", "extra"), VIEWS, ids=[o.__name__ for _, o, _ in VIEWS])
def test_view_has_the_sdk_fields_requiredness_and_enum_values(
    theirs: type[BaseModel], ours: type[wire.WireModel], extra: set[str]
) -> None:
    their_fields = _wire_names(theirs)
    our_fields = _wire_names(ours)
    assert set(their_fields) - LEGACY == set(our_fields) - extra
    for name, field in their_fields.items():
        if name in LEGACY:
            continue
        assert field.is_required() == our_fields[name].is_required(), name
        assert _literals(field.annotation) == _literals(our_fields[name].annotation), name


@pytest.mark.parametrize(
    ("theirs", "ours", "query"), BODIES, ids=[o.__name__ for _, o, _ in BODIES]
)
def test_body_has_the_sdk_keys(theirs: Any, ours: type[wire.WireModel], query: set[str]) -> None:
    their_keys = set(typing.get_type_hints(theirs)) - query - LEGACY
    assert their_keys == set(ours.model_fields) - OURS_ONLY_KEYS.get(ours, set())


def test_scorer_union_has_the_sdk_scorer_types_and_fields() -> None:
    their_classes = typing.get_args(sdk.ScoringFunction.model_fields["scorer"].annotation)
    theirs = {_type_tag(cls): cls for cls in their_classes}
    ours = {_type_tag(cls): cls for cls in typing.get_args(typing.get_args(wire.Scorer)[0])}
    assert set(theirs) == set(ours) == set(typing.get_args(wire.ScorerType))
    for tag, their_class in theirs.items():
        their_fields = their_class.model_fields
        our_fields = ours[tag].model_fields
        assert set(their_fields) == set(our_fields), tag
        # `type` has a default in ours so Python callers need not repeat it; it is always sent.
        required = {name for name, field in their_fields.items() if field.is_required()}
        assert required - {"type"} == {n for n, f in our_fields.items() if f.is_required()}, tag


def _type_tag(cls: type[BaseModel]) -> str:
    (tag,) = _literals(cls.model_fields["type"].annotation)
    return str(tag)


@pytest.mark.parametrize(
    ("ours", "theirs", "sample", "attribute"),
    [
        (wire.BenchmarkView, sdk.BenchmarkView, BENCHMARK, "scenario_ids"),
        (wire.ScenarioRunView, sdk.ScenarioRunView, RUN, "scoring_contract_result"),
        (wire.DevboxView, sdk.DevboxView, DEVBOX, "state_transitions"),
    ],
)
def test_sdk_reads_what_we_write(
    ours: type[wire.WireModel], theirs: type[BaseModel], sample: dict[str, Any], attribute: str
) -> None:
    written = ours.model_validate(sample).to_wire()
    read = theirs.model_validate(written)
    assert _dump(getattr(read, attribute)) == _dump(getattr(ours.model_validate(sample), attribute))


def _dump(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=True)
    if isinstance(value, list):
        return [_dump(item) for item in value]
    return value
