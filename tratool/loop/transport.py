"""HTTP for the Loop client, on the standard library, with the one distinction that matters
for an API without idempotency keys: was the request *sent*?

A failure while connecting means the server never saw the request (`NotSent`): safe to try
again, even for the import POST. Any failure after the request was written (`MaybeSent`: a
reset, a timeout, a dropped connection) means the server may have acted on it.

Proxies come from the environment, as the Azure SDK takes them: ``HTTPS_PROXY`` /
``HTTP_PROXY`` (by the target's scheme, lower-case names too) and ``NO_PROXY``. An ``https``
target goes through a ``CONNECT`` tunnel, set up inside ``connect()``: a proxy that is down or
refuses the tunnel is still "not sent". An ``http`` target is sent to the proxy with its
absolute URL. Credentials in the proxy URL (``http://user:pass@proxy:3128``) become a
``Proxy-Authorization`` header, never a log line.
"""

from __future__ import annotations

import base64
import http.client
import json
import ssl
import urllib.parse
import urllib.request
from typing import Any, Protocol

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


def _port(parts: urllib.parse.SplitResult) -> int:
    """The port a URL connects to, also when it names none (the scheme's default)."""
    return parts.port or (443 if parts.scheme == "https" else 80)


class Readable(Protocol):
    """A body sent as it is read (a file, or a reader over one)."""

    def read(self, size: int = -1, /) -> bytes: ...


_SEND_BLOCK = 1 << 16  # bytes of a file body sent at a time (http.client's default: 8 KiB)


class HttpTransport:
    """One connection per request; explicit connect and read timeouts; no hidden retries."""

    def __init__(
        self, connect_timeout: float, read_timeout: float, ssl_context: ssl.SSLContext | None = None
    ) -> None:
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.ssl_context = ssl_context

    def request(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        body: bytes | bytearray | Readable | None = None,
    ) -> Response:
        """One request. A file `body` is sent as it is read, `_SEND_BLOCK` bytes at a time: the
        caller names its length (``Content-Length``), since storage refuses a chunked body."""
        parts = urllib.parse.urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        proxy = proxy_for(parts)
        connection, target, headers = self._connection(parts, proxy, target, headers)
        try:
            try:
                connection.connect()  # through a proxy, the CONNECT tunnel is set up here
            except (OSError, ssl.SSLError) as exc:
                via = f" via proxy {proxy.hostname}:{_port(proxy)}" if proxy else ""
                raise NotSent(
                    f"cannot connect to {parts.hostname}:{_port(parts)}{via}: {exc}"
                ) from None
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

    def _connection(
        self,
        parts: urllib.parse.SplitResult,
        proxy: urllib.parse.SplitResult | None,
        target: str,
        headers: dict[str, str],
    ) -> tuple[http.client.HTTPConnection, str, dict[str, str]]:
        """The connection to open, the request target and headers: direct, or through the
        proxy."""
        host, port = parts.hostname or "", parts.port
        if proxy is None:
            if parts.scheme == "https":
                return self._https(host, port), target, headers
            return (
                http.client.HTTPConnection(
                    host, port, timeout=self.connect_timeout, blocksize=_SEND_BLOCK
                ),
                target,
                headers,
            )
        auth = _proxy_authorization(proxy)
        if parts.scheme == "https":
            tunnel = self._https(proxy.hostname or "", proxy.port or 80)
            tunnel.set_tunnel(host, port or 443, headers=auth)
            return tunnel, target, headers
        connection = http.client.HTTPConnection(
            proxy.hostname or "",
            proxy.port or 80,
            timeout=self.connect_timeout,
            blocksize=_SEND_BLOCK,
        )
        return connection, urllib.parse.urlunsplit(parts), {**headers, **auth}

    def _https(self, host: str, port: int | None) -> http.client.HTTPSConnection:
        return http.client.HTTPSConnection(
            host,
            port,
            timeout=self.connect_timeout,
            context=self.ssl_context,
            blocksize=_SEND_BLOCK,
        )


def proxy_for(parts: urllib.parse.SplitResult) -> urllib.parse.SplitResult | None:
    """The proxy the environment names for this URL, or None (none set, or NO_PROXY)."""
    proxies = urllib.request.getproxies_environment()
    chosen = proxies.get(parts.scheme)
    if not chosen:
        return None
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    if urllib.request.proxy_bypass(netloc):  # NO_PROXY (and the system's list, on macOS)
        return None
    if "://" not in chosen:
        chosen = "http://" + chosen  # HTTPS_PROXY=proxy:3128 is common
    return urllib.parse.urlsplit(chosen)


def _proxy_authorization(proxy: urllib.parse.SplitResult) -> dict[str, str]:
    if proxy.username is None:
        return {}
    user = urllib.parse.unquote(proxy.username)
    password = urllib.parse.unquote(proxy.password or "")
    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return {"Proxy-Authorization": f"Basic {token}"}
