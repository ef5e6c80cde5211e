"""uuid7 command ids: valid UUIDv7s, strictly increasing even within one millisecond."""

from __future__ import annotations

import time
import uuid

from runloop_nb.client._devbox_io import uuid7


def test_uuid7s_made_in_a_tight_loop_are_strictly_increasing_and_valid() -> None:
    made = [uuid7() for _ in range(10_000)]
    assert made == sorted(made)
    assert len(set(made)) == len(made)
    for text in made[::997]:
        parsed = uuid.UUID(text)
        assert parsed.version == 7
        assert parsed.variant == uuid.RFC_4122


def test_the_time_prefix_is_now_in_milliseconds() -> None:
    before = time.time_ns() // 1_000_000
    stamp = uuid.UUID(uuid7()).int >> 80
    after = time.time_ns() // 1_000_000
    assert before <= stamp <= after + 1  # +1: a counter that ran out borrows the next ms
