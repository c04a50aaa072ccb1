"""A small HTTP server that records what a client sends, for golden wire tests.

It knows nothing about Loop: it keeps each request's method, path, query, headers and JSON body,
and answers from a script (or an empty list / an empty success envelope), so a test compares
what tratool really put on the wire with an example written out in the test.
"""

from __future__ import annotations

import collections
import json
import urllib.parse
from typing import Any

import attrs

from tests.local_server import LocalServer, QuietHandler


@attrs.frozen
class Seen:
    method: str
    path: str
    query: dict[str, str]
    raw_query: str
    headers: dict[str, str]  # lower-case names
    body: Any


class Recorder(LocalServer):
    """``with Recorder() as rec: … rec.seen`` — base URL ``rec.url`` (…/loop-api-publiques/)."""

    def __init__(self) -> None:
        self.seen: list[Seen] = []
        self.answers: collections.deque[tuple[int, Any]] = collections.deque()
        self.reply_headers: dict[str, str] = {}  # added to every answer
        super().__init__(_Handler)

    @property
    def url(self) -> str:
        return self.origin + "/loop-api-publiques/"


class _Handler(QuietHandler):
    owner: Recorder

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
        self.owner.seen.append(
            Seen(
                method=self.command,
                path=parts.path,
                query=dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True)),
                raw_query=parts.query,
                headers={k.lower(): v for k, v in self.headers.items()},
                body=json.loads(raw) if raw else None,
            )
        )
        if self.owner.answers:
            status, answer = self.owner.answers.popleft()
        elif self.command == "GET":
            status, answer = 200, []
        else:
            status, answer = 200, {"success": [], "errors": []}
        payload = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in self.owner.reply_headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)
