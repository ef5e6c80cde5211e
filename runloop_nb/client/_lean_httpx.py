"""Import httpx without its command-line client, which the client never runs.

httpx's ``__init__`` imports its CLI (``httpx._main``: click, rich and pygments) whenever those
happen to be installed, as they are next to JupyterLab; that doubles the cost of ``import httpx``
(about 50 ms here, at every ``connect()`` in a fresh kernel). If httpx is not imported yet, this
imports it with ``httpx._main`` blocked and unblocks it right after: ``httpx.main`` is then
httpx's own stand-in (which says to install ``httpx[cli]``), ``import httpx._main`` still works,
and the ``httpx`` command is not affected (it runs in a process of its own).
"""

from __future__ import annotations

import sys

if "httpx" not in sys.modules and "httpx._main" not in sys.modules:
    sys.modules["httpx._main"] = None  # type: ignore[assignment]
    try:
        import httpx  # noqa: F401
    finally:
        if "httpx._main" in sys.modules and sys.modules["httpx._main"] is None:
            del sys.modules["httpx._main"]
