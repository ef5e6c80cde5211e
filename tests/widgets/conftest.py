"""Widget tests run headless: plain pytest, no kernel, the real local server.

ipywidgets' `CallbackDispatcher` catches a click handler's exception (it logs it on a silent
logger, or prints a traceback once an IPython shell exists), so a broken handler would pass.
Here every handler is called bare: its exception reaches the test. Errors inside the spawned
tasks are raised by `wait_idle()`.
"""

from __future__ import annotations

from typing import Any

import pytest
from ipywidgets.widgets.widget import CallbackDispatcher


def _bare_call(self: CallbackDispatcher, *args: Any, **kwargs: Any) -> Any:
    value = None
    for callback in self.callbacks:
        result = callback(*args, **kwargs)
        value = result if result is not None else value
    return value


@pytest.fixture(autouse=True)
def callbacks_raise(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(CallbackDispatcher, "__call__", _bare_call)
