"""Home archives and reference-output helpers."""

from __future__ import annotations

import io
import tarfile

import pytest

from runloop_nb.local.catalog._model import heredoc_write, tar_gz


def test_archives_are_deterministic_with_directories_first() -> None:
    files = {"work/a/b.txt": b"x", "work/c.txt": b"yy"}
    archive = tar_gz(files)
    assert archive == tar_gz(dict(reversed(files.items())))
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        members = [(m.name, m.isdir()) for m in tar.getmembers()]
    assert members == [
        ("work", True),
        ("work/a", True),
        ("work/a/b.txt", False),
        ("work/c.txt", False),
    ]


def test_heredoc_refuses_text_containing_its_marker() -> None:
    assert heredoc_write("f.py", "x = 1").endswith("x = 1\nRL_REFERENCE_EOF\n")
    with pytest.raises(ValueError, match="marker"):
        heredoc_write("f.py", "RL_REFERENCE_EOF\n")
