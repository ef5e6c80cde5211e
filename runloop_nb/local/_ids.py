"""Resource ids with the service's prefixes, sortable by creation time (ULID-like)."""

from __future__ import annotations

import os
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


def new_id(kind: str) -> str:
    """A fresh id such as ``dbx_01jd3k...``: 48 bits of milliseconds, then 80 random bits."""
    value = (int(time.time() * 1000) << 80) | int.from_bytes(os.urandom(10), "big")
    chars = []
    for _ in range(26):
        value, digit = divmod(value, 32)
        chars.append(_ALPHABET[digit])
    return f"{PREFIXES[kind]}_{''.join(reversed(chars))}"


def has_prefix(kind: str, value: str) -> bool:
    return value.startswith(PREFIXES[kind] + "_")
