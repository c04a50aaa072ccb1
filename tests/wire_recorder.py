"""A small HTTP server that records what a client sends, for golden wire tests.

It knows nothing about Loop: it keeps each request's method, path, query, headers and JSON body,
and answers from a script (or an empty list / an empty success envelope), so a test compares
what tratool really put on the wire with an example written out in the test.
"""

from __future__ import annotations

import collections
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import attrs


@attrs.frozen
class Seen:
    method: str
    path: str
    query: dict[str, str]
    raw_query: str
    headers: dict[str, str]  # lower-case names
    body: Any


class Recorder:
    """``with Recorder() as rec: … rec.seen`` — base URL ``rec.url`` (…/loop-api-publiques/)."""

    def __init__(self) -> None:
        self.seen: list[Seen] = []
        self.answers: collections.deque[tuple[int, Any]] = collections.deque()
        self.reply_headers: dict[str, str] = {}  # added to every answer
        handler = type("Handler", (_Handler,), {"recorder": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,))

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/loop-api-publiques/"

    def __enter__(self) -> Recorder:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


class _Handler(BaseHTTPRequestHandler):
    recorder: Recorder
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._record()

    def do_POST(self) -> None:
        self._record()

    def do_PUT(self) -> None:
        self._record()

    def do_DELETE(self) -> None:
        self._record()

    def _record(self) -> None:
        parts = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        self.recorder.seen.append(
            Seen(
                method=self.command,
                path=parts.path,
                query=dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True)),
                raw_query=parts.query,
                headers={k.lower(): v for k, v in self.headers.items()},
                body=json.loads(raw) if raw else None,
            )
        )
        if self.recorder.answers:
            status, answer = self.recorder.answers.popleft()
        elif self.command == "GET":
            status, answer = 200, []
        else:
            status, answer = 200, {"success": [], "errors": []}
        payload = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in self.recorder.reply_headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)
