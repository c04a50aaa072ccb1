"""A small forward HTTP proxy on loopback, for tests: it relays plain requests sent with an
absolute URL, tunnels ``CONNECT``, and remembers what went through it."""

from __future__ import annotations

import http.client
import select
import socket
import urllib.parse

from tests.local_server import LocalServer, QuietHandler

HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
}


class ForwardProxy(LocalServer):
    """``with ForwardProxy() as proxy: os.environ["HTTP_PROXY"] = proxy.url``."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []  # (method, absolute URL or CONNECT authority)
        self.authorizations: list[str] = []  # Proxy-Authorization headers received
        super().__init__(_Handler)

    @property
    def url(self) -> str:
        return self.origin


class _Handler(QuietHandler):
    owner: ForwardProxy

    def _note(self) -> None:
        self.owner.seen.append((self.command, self.path))
        if self.headers.get("Proxy-Authorization"):
            self.owner.authorizations.append(self.headers["Proxy-Authorization"])

    def do_CONNECT(self) -> None:
        self._note()
        host, _, port = self.path.rpartition(":")
        try:
            upstream = socket.create_connection((host, int(port)), timeout=5)
        except OSError:
            self.send_error(502)
            return
        self.send_response(200, "Connection established")
        self.end_headers()
        self._pipe(upstream)

    def _pipe(self, upstream: socket.socket) -> None:
        sockets = [self.connection, upstream]
        try:
            while True:
                ready, _, _ = select.select(sockets, [], [], 5)
                if not ready:
                    return
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        return
                    (upstream if sock is self.connection else self.connection).sendall(data)
        finally:
            upstream.close()
            self.close_connection = True

    def _relay(self) -> None:
        self._note()
        parts = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        upstream = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
        try:
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            upstream.request(self.command, target, body=body, headers=headers)
            answer = upstream.getresponse()
            data = answer.read()
        except OSError:
            self.send_error(502)
            return
        finally:
            upstream.close()
        self.send_response(answer.status, answer.reason)
        for name, value in answer.getheaders():
            if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                self.send_header(name, value)
        # A HEAD answer has no body but announces the size of the GET's (the Azure SDK reads a
        # blob's size from it): pass that on instead of the empty body's length.
        announced = answer.getheader("Content-Length") if self.command == "HEAD" else None
        self.send_header("Content-Length", announced or str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _relay
