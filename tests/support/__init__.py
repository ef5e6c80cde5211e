"""Helpers shared by the test folders, importable as ``support`` (pytest's ``pythonpath``).

- ``shared_server``: one real local server per test process (uvicorn, real sandboxes, the bundled
  catalog) and a ``client`` fixture bound to it.
- ``devbox_harness``: a real server with only the devbox side, started per test in milliseconds.
- ``local_api``: token, auth header and request helpers for the in-process local app.
- ``fake_cloud``: the remote cloud as an ``httpx.MockTransport``, and JSON builders of its views.
"""
