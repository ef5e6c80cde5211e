"""Reading an execution's output files: last lines, byte chunks cut on UTF-8 boundaries.

The sandbox writes the exact bytes of stdout and stderr to files; these helpers never hold more
than one block of a (possibly 64 MiB) file in memory.
"""

from __future__ import annotations

import os
from pathlib import Path

_BLOCK = 64 * 1024


def tail_lines(path: Path, last_n: int) -> tuple[str, bool]:
    """The last ``last_n`` lines of ``path`` (UTF-8, invalid bytes replaced) and whether
    earlier lines were left out. A missing file reads as empty."""
    try:
        with path.open("rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            data, start = b"", size
            # Read backwards until the block holds more than last_n line breaks (or the start).
            while start > 0 and data.count(b"\n") <= last_n:
                step = min(_BLOCK, start)
                start -= step
                handle.seek(start)
                data = handle.read(step) + data
    except FileNotFoundError:
        return "", False
    lines = data.splitlines(keepends=True)
    kept = lines[-last_n:] if last_n > 0 else []
    truncated = start > 0 or len(lines) > len(kept)
    return b"".join(kept).decode("utf-8", errors="replace"), truncated


def read_all(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return ""


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
