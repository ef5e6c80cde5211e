"""Reading execution output in bounded pieces: tails, whole text, and the streamed detail JSON."""

from __future__ import annotations

import json
from pathlib import Path

from runloop_nb.local._exec_output import TAIL_LIMIT_BYTES, iter_text, read_all, tail_lines


def test_the_last_lines_of_a_long_file(tmp_path: Path) -> None:
    path = tmp_path / "stdout"
    path.write_bytes(b"".join(b"line %d\n" % i for i in range(200_000)))
    text, truncated = tail_lines(path, 3)
    assert (text, truncated) == ("line 199997\nline 199998\nline 199999\n", True)
    assert tail_lines(path, 0) == ("", True)


def test_a_file_without_line_breaks_is_read_only_up_to_the_tail_limit(tmp_path: Path) -> None:
    path = tmp_path / "stdout"
    path.write_bytes(b"a" * (3 * TAIL_LIMIT_BYTES) + b"end")
    text, truncated = tail_lines(path, 100)
    assert truncated
    assert text.endswith("aend")
    assert len(text) <= TAIL_LIMIT_BYTES + 3


def test_lines_cut_by_the_limit_are_left_out_whole(tmp_path: Path) -> None:
    path = tmp_path / "stdout"
    path.write_bytes(b"x" * (2 * TAIL_LIMIT_BYTES) + b"\nshort\n")
    assert tail_lines(path, 100) == ("short\n", True)


def test_whole_text_is_decoded_across_block_edges(tmp_path: Path) -> None:
    path = tmp_path / "stdout"
    data = "é€😀".encode() * 100_000 + b"\xff"  # multi-byte sequences straddle every block edge
    path.write_bytes(data)
    assert read_all(path) == data.decode("utf-8", errors="replace")
    assert max(len(piece) for piece in iter_text(path)) <= 64 * 1024
    assert read_all(tmp_path / "missing") == ""


def test_text_pieces_make_valid_json_strings(tmp_path: Path) -> None:
    # detail_json escapes each piece on its own: the concatenation must be the whole string.
    path = tmp_path / "stdout"
    data = ('quote " backslash \\ nul \0 tab \t ' * 5000).encode()
    path.write_bytes(data)
    body = '"' + "".join(json.dumps(piece)[1:-1] for piece in iter_text(path)) + '"'
    assert json.loads(body) == data.decode()
