"""Reading an execution's output files: last lines, byte chunks cut on UTF-8 boundaries.

The sandbox writes the exact bytes of stdout and stderr to files; these helpers never hold more
than one block of a (possibly 64 MiB) file in memory.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Iterator
from pathlib import Path

_BLOCK = 64 * 1024
#: At most this much of the end of a file is read for its last lines (the rest is "truncated"):
#: views are built on the event loop, and 64 MiB of output without a line break would stall it.
TAIL_LIMIT_BYTES = 4 * 1024 * 1024


def tail_lines(path: Path, last_n: int) -> tuple[str, bool]:
    """The last ``last_n`` lines of ``path`` (UTF-8, invalid bytes replaced) and whether
    earlier lines were left out. A missing file reads as empty. Only the last
    ``TAIL_LIMIT_BYTES`` are read: lines before them count as left out."""
    try:
        with path.open("rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            blocks: list[bytes] = []
            start, breaks = size, 0
            # Read backwards until the blocks hold more than last_n line breaks (or the start);
            # blocks are joined once (prepending each would copy the tail over and over).
            while start > 0 and breaks <= last_n and size - start < TAIL_LIMIT_BYTES:
                step = min(_BLOCK, start)
                start -= step
                handle.seek(start)
                blocks.append(handle.read(step))
                breaks += blocks[-1].count(b"\n")
            data = b"".join(reversed(blocks))
    except FileNotFoundError:
        return "", False
    lines = data.splitlines(keepends=True)
    if start > 0 and breaks <= last_n and len(lines) > 1:
        lines = lines[1:]  # cut by the byte limit: the first line is only a part of one
    kept = lines[-last_n:] if last_n > 0 else []
    truncated = start > 0 or len(lines) > len(kept)
    return b"".join(kept).decode("utf-8", errors="replace"), truncated


def read_all(path: Path) -> str:
    """The whole file as text (at most the output cap); call it off the event loop."""
    return "".join(iter_text(path))


def iter_text(path: Path) -> Iterator[str]:
    """The file as text in pieces of at most one block (UTF-8 decoded across block edges)."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        return
    with handle:
        while block := handle.read(_BLOCK):
            yield decoder.decode(block)
    yield decoder.decode(b"", final=True)


def read_chunk(path: Path, offset: int, *, final: bool) -> tuple[str, int]:
    """Text after byte ``offset`` and the END offset of what it covers.

    A UTF-8 sequence that is still incomplete at the end is left for the next read, unless
    ``final`` (the writer has finished), when it is decoded with a replacement character.
    """
    try:
        with path.open("rb") as handle:
            handle.seek(offset)
            data = handle.read(_BLOCK)
    except FileNotFoundError:
        return "", offset
    if not final or len(data) == _BLOCK:
        data = data[: complete_prefix_length(data)]
    return data.decode("utf-8", errors="replace"), offset + len(data)


def complete_prefix_length(data: bytes) -> int:
    """Length of ``data`` without a trailing, incomplete UTF-8 sequence."""
    for back in range(1, min(4, len(data)) + 1):
        byte = data[-back]
        if byte & 0b1100_0000 != 0b1000_0000:  # a lead byte or ASCII
            needed = _sequence_length(byte)
            return len(data) - back if needed > back else len(data)
    return len(data)


def _sequence_length(lead: int) -> int:
    if lead >= 0b1111_0000:
        return 4
    if lead >= 0b1110_0000:
        return 3
    if lead >= 0b1100_0000:
        return 2
    return 1
