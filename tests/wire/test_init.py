from __future__ import annotations

import runloop_nb.wire as wire


def _isort_style(name: str) -> tuple[int, str]:
    # The order ruff's RUF022 enforces: CONSTANTS, then Classes, then functions.
    kind = 0 if name.isupper() else 1 if name[0].isupper() else 2
    return kind, name


def test_all_is_sorted_unique_and_complete() -> None:
    assert wire.__all__ == sorted(set(wire.__all__), key=_isort_style)
    public = {name for name in vars(wire) if not name.startswith("_")}
    modules = {name for name in public if type(getattr(wire, name)).__name__ == "module"}
    assert set(wire.__all__) == public - modules
