"""A small fake OpenAI-compatible chat server (a real HTTP server on 127.0.0.1 in a thread):
it answers POST /v1/chat/completions from a script of replies and records every request."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class FakeModel:
    """`replies`: the assistant messages to send, in order; `requests`: (headers, body) seen."""

    replies: list[dict[str, Any]]
    key: str | None = None
    requests: list[tuple[dict[str, str], dict[str, Any]]] = field(default_factory=list)
    base_url: str = ""


def _handler(model: FakeModel) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _send(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            model.requests.append((dict(self.headers), body))
            if self.path != "/v1/chat/completions":
                self._send(404, {"error": {"message": "no such route"}})
                return
            if model.key and self.headers.get("Authorization") != f"Bearer {model.key}":
                self._send(401, {"error": {"message": "Incorrect API key provided"}})
                return
            message = model.replies.pop(0)
            usage = {"prompt_tokens": 10 * len(body["messages"]), "completion_tokens": 7}
            self._send(200, {"choices": [{"index": 0, "message": message}], "usage": usage})

    return Handler


@contextmanager
def fake_model(replies: list[dict[str, Any]], *, key: str | None = None) -> Iterator[FakeModel]:
    """Serve `replies` on a free port for the duration of the block."""
    model = FakeModel(list(replies), key)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(model))
    model.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield model
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def tool_call(name: str, content: str | None = None, **arguments: str) -> dict[str, Any]:
    """An assistant message that calls `name` with `arguments`."""
    call = {"id": f"call-{name}", "type": "function",
            "function": {"name": name, "arguments": json.dumps(arguments)}}  # fmt: skip
    return {"role": "assistant", "content": content, "tool_calls": [call]}


def say(content: str) -> dict[str, Any]:
    """A plain assistant message."""
    return {"role": "assistant", "content": content}
