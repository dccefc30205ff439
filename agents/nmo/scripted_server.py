"""A fake OpenAI-compatible server on 127.0.0.1 that replays scripted answers, for tests and the
`scripted` eval backend: well-formed answers, malformed JSON, refusals, HTTP errors and slow replies.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from pydantic import BaseModel, Field


class ScriptedReply(BaseModel):
    """One scripted reply: HTTP status, message content (or refusal), and an optional delay."""

    status: int = 200
    content: str = ""
    refusal: str | None = None
    delay_s: float = 0.0
    headers: dict[str, str] = Field(default_factory=dict)


Responder = Callable[[dict[str, Any]], ScriptedReply]


class ScriptedServer:
    """Serves replies in order (or from a responder function); records every request body."""

    def __init__(self, replies: Sequence[ScriptedReply] = (), responder: Responder | None = None) -> None:
        self.replies = list(replies)
        self.responder = responder
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        """The /v1 base URL to give the openai client."""
        assert self._server is not None, "server not started"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def next_reply(self, body: dict[str, Any]) -> ScriptedReply:
        """The reply for one request; running out of script is a 500 that names the problem."""
        with self._lock:
            self.requests.append(body)
            if self.replies:
                return self.replies.pop(0)
        if self.responder is not None:
            return self.responder(body)
        return ScriptedReply(status=500, content="scripted server: no reply left for this request")

    @contextmanager
    def running(self) -> Iterator[ScriptedServer]:
        """Start on a free port on 127.0.0.1; stop on exit."""
        server = _QuietServer(("127.0.0.1", 0), _handler(self))
        server.daemon_threads = True
        self._server = server
        thread = threading.Thread(target=server.serve_forever, name="scripted-openai", daemon=True)
        thread.start()
        try:
            yield self
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)


class _QuietServer(ThreadingHTTPServer):
    """Drops the traceback when a client gave up first (timeouts are part of the script)."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


def completion_body(reply: ScriptedReply, model: str) -> dict[str, Any]:
    """An OpenAI chat.completion object carrying the scripted content."""
    message: dict[str, Any] = {"role": "assistant", "content": None if reply.refusal else reply.content}
    if reply.refusal:
        message["refusal"] = reply.refusal
    prompt_tokens = 50
    return {
        "id": "chatcmpl-scripted",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": "stop", "logprobs": None}],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": max(1, len(reply.content) // 2),
            "total_tokens": prompt_tokens + max(1, len(reply.content) // 2),
        },
    }


def _handler(owner: ScriptedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # silence the default stderr log
            return

        def _send(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
            data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path.rstrip("/").endswith("/models"):
                self._send(200, {"object": "list", "data": [{"id": "scripted", "object": "model"}]})
            else:
                self._send(404, {"error": {"message": "not found"}})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
            except json.JSONDecodeError:
                self._send(400, {"error": {"message": "invalid JSON body"}})
                return
            if not self.path.rstrip("/").endswith("/chat/completions"):
                self._send(404, {"error": {"message": f"unknown path {self.path}"}})
                return
            reply = owner.next_reply(body)
            if reply.delay_s:
                time.sleep(reply.delay_s)
            if reply.status != 200:
                error = {"error": {"message": reply.content or f"scripted HTTP {reply.status}", "type": "scripted"}}
                self._send(reply.status, error, reply.headers)
                return
            self._send(200, completion_body(reply, str(body.get("model", "scripted"))), reply.headers)

    return Handler
