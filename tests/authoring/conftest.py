"""Fixtures of the authoring tests: the shared real local server and a client bound to it."""

from authoring.local_server import client, local_server

__all__ = ["client", "local_server"]
