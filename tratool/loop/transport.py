"""HTTP for the Loop client, on the standard library, with the one distinction that matters
for an API without idempotency keys: was the request *sent*?

A failure while connecting means the server never saw the request (`NotSent`): safe to try
again, even for the import POST. Any failure after the request was written (`MaybeSent`: a
reset, a timeout, a dropped connection) means the server may have acted on it.
"""

from __future__ import annotations

import http.client
import json
import ssl
import urllib.parse
from typing import Any

import attrs

from ..errors import MaybeSent, NotSent


@attrs.frozen
class Response:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes

    def json(self) -> Any:
        if not self.body.strip():
            return None
        return json.loads(self.body.decode("utf-8"))


class HttpTransport:
    """One connection per request; explicit connect and read timeouts; no hidden retries."""

    def __init__(
        self, connect_timeout: float, read_timeout: float, ssl_context: ssl.SSLContext | None = None
    ) -> None:
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.ssl_context = ssl_context

    def request(
        self, method: str, url: str, headers: dict[str, str], body: bytes | None = None
    ) -> Response:
        parts = urllib.parse.urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        connection: http.client.HTTPConnection
        if parts.scheme == "https":
            connection = http.client.HTTPSConnection(
                parts.hostname or "",
                parts.port,
                timeout=self.connect_timeout,
                context=self.ssl_context,
            )
        else:
            connection = http.client.HTTPConnection(
                parts.hostname or "", parts.port, timeout=self.connect_timeout
            )
        try:
            try:
                connection.connect()
            except (OSError, ssl.SSLError) as exc:
                raise NotSent(f"cannot connect to {parts.hostname}:{parts.port}: {exc}") from None
            if connection.sock is not None:
                connection.sock.settimeout(self.read_timeout)
            try:
                connection.request(method, target, body=body, headers=headers)
                answer = connection.getresponse()
                data = answer.read()
            except (TimeoutError, OSError, http.client.HTTPException) as exc:
                raise MaybeSent(f"{method} {parts.path}: {type(exc).__name__}: {exc}") from None
            return Response(answer.status, {k.lower(): v for k, v in answer.getheaders()}, data)
        finally:
            connection.close()
