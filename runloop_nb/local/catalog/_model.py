"""The bundled benchmark and scenario records, and deterministic home archives."""

from __future__ import annotations

import gzip
import io
import posixpath
import tarfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

#: Where every bundled scenario's archive is unpacked (its members are relative to this).
HOME = "/home/user"


@dataclass(frozen=True)
class BundledScenario:
    """One scenario of a bundled benchmark, in the shapes the server stores.

    ``scoring_contract`` is wire JSON; ``reference_output`` is a bash script that, run in the
    working directory of a fresh devbox, makes every scorer give 1.0.
    """

    name: str
    problem_statement: str
    working_directory: str
    scoring_contract: dict[str, Any]
    reference_output: str
    metadata: dict[str, str]
    scorer_timeout_sec: int
    files: Callable[[], Mapping[str, bytes]] = field(repr=False, compare=False)
    """Builds the starting disk: paths relative to /home/user -> contents (called lazily)."""
    archive: bytes | None = field(default=None, repr=False, compare=False)
    """The ``home_archive()`` already built (the prebuilt catalog), or None to build it."""

    def home_archive(self) -> bytes:
        """The starting disk as a tar.gz whose members are paths relative to /home/user."""
        return self.archive if self.archive is not None else tar_gz(self.files())


@dataclass(frozen=True)
class BundledBenchmark:
    """A public benchmark shipped with the package (listed by ``list_public``)."""

    name: str
    description: str
    attribution: str
    metadata: dict[str, str]
    scenarios: list[BundledScenario]


def tar_gz(files: Mapping[str, bytes]) -> bytes:
    """A deterministic tar.gz of ``files`` (directories added, mode 0644/0755, mtime 0).

    The gzip header's timestamp is 0 too (``mode="w:gz"`` would stamp the current time), so
    the same files give the same bytes.
    """
    buffer = io.BytesIO()
    with (
        gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as compressed,
        tarfile.open(fileobj=compressed, mode="w") as archive,
    ):
        for directory in sorted(_directories(files)):
            info = tarfile.TarInfo(directory)
            info.type, info.mode = tarfile.DIRTYPE, 0o755
            archive.addfile(info)
        for path in sorted(files):
            info = tarfile.TarInfo(path)
            info.size, info.mode = len(files[path]), 0o644
            archive.addfile(info, io.BytesIO(files[path]))
    return buffer.getvalue()


def _directories(files: Mapping[str, bytes]) -> set[str]:
    directories = set()
    for path in files:
        parent = posixpath.dirname(path)
        while parent:
            directories.add(parent)
            parent = posixpath.dirname(parent)
    return directories


def heredoc_write(path: str, text: str, marker: str = "RL_REFERENCE_EOF") -> str:
    """A bash command writing ``text`` (which must end with a newline) to ``path`` verbatim."""
    if marker in text:
        raise ValueError(f"text contains the heredoc marker {marker}")
    body = text if text.endswith("\n") else text + "\n"
    return f"cat > {path} <<'{marker}'\n{body}{marker}\n"


def scoring_by_tests(
    name: str, weight: float, command: str, files: Mapping[str, str]
) -> dict[str, Any]:
    """A wire ScoringFunction with a ``test_based_scorer``."""
    test_files = [{"file_path": path, "file_contents": text} for path, text in files.items()]
    scorer = {"type": "test_based_scorer", "test_command": command, "test_files": test_files}
    return {"name": name, "weight": weight, "scorer": scorer}
