"""Resource ids with the service's prefixes, sortable by creation time (ULID-like).

Ids made by one process are strictly increasing, even within one millisecond: a value not above
the last one is replaced by the last one plus a random step (RFC 9562 section 6.2, method 2, as
monotonic ULIDs do), so a list in id order is the order of creation.
"""

from __future__ import annotations

import os
import secrets
import threading
import time

PREFIXES = {
    "benchmark": "bmd",
    "benchmark_run": "bmr",
    "scenario": "scn",
    "scenario_run": "scr",
    "scorer": "sco",
    "devbox": "dbx",
    "execution": "exn",
    "snapshot": "snp",
    "blueprint": "bpt",
}

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32, lower case


_lock = threading.Lock()
_last = [0]


def new_id(kind: str) -> str:
    """A fresh id such as ``dbx_01jd3k...``: 48 bits of milliseconds, then 80 random bits."""
    value = (time.time_ns() // 1_000_000 << 80) | int.from_bytes(os.urandom(10), "big")
    with _lock:
        if value <= _last[0]:
            value = _last[0] + 1 + secrets.randbits(32)
        _last[0] = value
    chars = []
    for _ in range(26):
        value, digit = divmod(value, 32)
        chars.append(_ALPHABET[digit])
    return f"{PREFIXES[kind]}_{''.join(reversed(chars))}"


def has_prefix(kind: str, value: str) -> bool:
    return value.startswith(PREFIXES[kind] + "_")
