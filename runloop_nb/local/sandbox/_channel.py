"""The host's side of the exec agent's socket protocol (see ``_agent``).

The host makes the agent's listening socket itself, in a directory only the server can enter
(``root/ctl/sock``, never bound into the devbox), and hands the agent the listening fd. Code in
the devbox therefore cannot replace the socket with a link to another devbox's agent or to a
host socket: the server only ever connects to the socket it made.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
from pathlib import Path
from typing import Any

_ERRORS: dict[str, type[OSError]] = {
    "FileNotFoundError": FileNotFoundError,
    "IsADirectoryError": IsADirectoryError,
    "NotADirectoryError": NotADirectoryError,
    "PermissionError": PermissionError,
}


SOCKET_NAME = "agent.sock"


def listen_socket(socket_dir: Path) -> socket.socket:
    """A listening unix socket at ``socket_dir/agent.sock`` (replacing an old one), inheritable.

    Bound through an fd of the directory: its host path may be longer than the 107 bytes a unix
    socket address may hold.
    """
    dir_fd = os.open(socket_dir, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(SOCKET_NAME, dir_fd=dir_fd)
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(f"/proc/self/fd/{dir_fd}/{SOCKET_NAME}")
    finally:
        os.close(dir_fd)
    listener.listen(256)  # the host may send many requests at once
    listener.set_inheritable(True)
    return listener


#: Idle connections a channel keeps for reuse (more concurrent calls open more, closed after).
_IDLE_KEPT = 8
_Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


class AgentChannel:
    """Calls to the agent socket the host made in ``socket_dir``, over reused connections.

    A connection carries one call at a time; a finished call gives it back for the next one
    (a connect and an agent thread per call cost the server ~10 % of its CPU in a benchmark
    run). A call that fails, times out or is cancelled closes its connection instead: what the
    agent still sends on it belongs to nobody.
    """

    def __init__(self, socket_dir: Path) -> None:
        # Connect through an fd of the directory: the socket's host path may be longer than
        # the 107 bytes a unix socket address may hold.
        self._dir_fd = os.open(socket_dir, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
        self._address = f"/proc/self/fd/{self._dir_fd}/{SOCKET_NAME}"
        self._idle: list[_Connection] = []
        self._closed = False

    def close(self) -> None:
        self._closed = True
        while self._idle:
            self._idle.pop()[1].close()
        with contextlib.suppress(OSError):
            os.close(self._dir_fd)

    async def call(
        self, request: dict[str, Any], payload: bytes = b"", *, timeout: float = 60.0
    ) -> tuple[dict[str, Any], bytes]:
        """The agent's reply; OSError subclasses the agent raised are raised here as such.

        Raises:
            ConnectionError: the agent is not reachable (the devbox is not running).
            TimeoutError: no reply within ``timeout`` seconds.
        """
        async with asyncio.timeout(timeout):
            reply, data = await self._exchange({**request, "size": len(payload)}, payload)
        error = reply.get("error")
        if error:
            raise _ERRORS.get(error, OSError)(reply.get("message", error))
        return reply, data

    async def _exchange(
        self, request: dict[str, Any], payload: bytes
    ) -> tuple[dict[str, Any], bytes]:
        reader, writer = self._idle.pop() if self._idle else await self._connect()
        reusable = False
        try:
            writer.write(json.dumps(request).encode() + b"\n" + payload)
            await writer.drain()
            line = await reader.readline()
            if not line:
                raise ConnectionError("the devbox's exec agent closed the connection")
            reply = json.loads(line)
            data = await reader.readexactly(reply.get("size", 0))
            reusable = True
            return reply, data
        except (asyncio.IncompleteReadError, BrokenPipeError, ConnectionResetError) as exc:
            raise ConnectionError(f"the devbox's exec agent went away: {exc}") from exc
        finally:
            if reusable and not self._closed and len(self._idle) < _IDLE_KEPT:
                self._idle.append((reader, writer))
            else:
                writer.close()

    async def _connect(self) -> _Connection:
        try:
            return await asyncio.open_unix_connection(self._address, limit=1 << 20)
        except (FileNotFoundError, ConnectionRefusedError) as exc:
            raise ConnectionError(f"the devbox's exec agent is not reachable: {exc}") from exc
