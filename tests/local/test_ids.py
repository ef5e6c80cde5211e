"""Resource ids: service prefixes, and strictly increasing even within one millisecond."""

from __future__ import annotations

import threading

from runloop_nb.local._ids import has_prefix, new_id


def test_ids_made_in_a_tight_loop_are_strictly_increasing() -> None:
    ids = [new_id("devbox") for _ in range(10_000)]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    assert all(has_prefix("devbox", i) and len(i) == len("dbx_") + 26 for i in ids)


def test_ids_from_several_threads_are_all_distinct() -> None:
    made: list[str] = []

    def make() -> None:
        made.extend(new_id("execution") for _ in range(2_000))

    threads = [threading.Thread(target=make) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(made)) == 8_000
