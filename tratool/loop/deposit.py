"""Put a file in the storage Cegid Loop provides: ``getFileUrlDeposit``, then one HTTP PUT.

The ``depositUrl`` Loop answers is an authenticated Azure blob URL, so the PUT follows Azure's
Put Blob conventions: ``x-ms-blob-type: BlockBlob`` and the body's ``Content-MD5`` (Azure
refuses a body whose digest differs). A Put Blob of the same bytes to the same URL replaces
the blob whole, so repeating it cannot duplicate anything: it is repeated when the connection
failed, when the answer was lost, and on the answers Azure documents as "try again" (408,
429, 500, 503). A refusal (403: the token expired or was altered, 4xx: the request) is final.

A file is sent as it is read, never held whole in memory: its digest and length are read
first, then each attempt reads it again, exactly that many bytes. A file that changed in
between is refused, by Azure when its bytes differ (400 Md5Mismatch), by tratool when its
length does (`UnreadableInput`, before the PUT ends): what lands is always what was digested.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import logging
import os
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path

from ..backoff import Backoff
from ..errors import (
    MaybeSent,
    Message,
    NotSent,
    StorageTransportError,
    UnreadableInput,
    system_reason,
)
from ..i18n import N_
from ..redaction import Secret, redact
from .transport import HttpTransport

log = logging.getLogger("tratool.loop.deposit")
RETRYABLE = frozenset({408, 429, 500, 503})


Body = bytes | bytearray | os.PathLike[str] | str  # the bytes, or a file sent as it is read


class _Unreadable(Exception):
    """The file failed, or changed, while it was sent (not an OSError: the transport would
    take it for the connection's, and try again)."""

    def __init__(self, reason: Message) -> None:
        super().__init__(str(reason))
        self.reason = reason


class _Exactly:
    """A file's first `length` bytes, read as http.client reads a body; `_Unreadable` if the
    file now ends sooner or goes on after them."""

    def __init__(self, handle: io.BufferedReader, length: int) -> None:
        self._handle, self._left = handle, length

    def read(self, size: int = -1) -> bytes:
        wanted = self._left if size < 0 else min(size, self._left)
        try:
            chunk = self._handle.read(wanted or 1)  # past its length: whether there is more
        except OSError as exc:
            raise _Unreadable(system_reason(exc)) from None
        if not wanted and chunk:
            raise _Unreadable(N_("it grew while it was sent; push it again once written"))
        if wanted and not chunk:
            raise _Unreadable(N_("it shrank while it was sent; push it again once written"))
        self._left -= len(chunk)
        return chunk


def content_md5(data: bytes | bytearray) -> str:
    return base64.b64encode(hashlib.md5(data, usedforsecurity=False).digest()).decode("ascii")


@contextlib.contextmanager
def _opened(body: Body) -> Iterator[bytes | bytearray | io.BufferedReader]:
    """The body to send: the bytes, or the file opened from its start."""
    if isinstance(body, bytes | bytearray):
        yield body
        return
    try:
        handle = Path(body).open("rb")  # noqa: SIM115 - closed by the with below, not its errors
    except OSError as exc:
        raise UnreadableInput(str(body), system_reason(exc)) from None
    with handle:
        yield handle


def _described(body: Body) -> tuple[str, int]:
    """The body's Content-MD5 and length, the file read once to its end."""
    with _opened(body) as sent:
        if isinstance(sent, bytes | bytearray):
            return content_md5(sent), len(sent)
        try:
            digest = hashlib.file_digest(sent, lambda: hashlib.md5(usedforsecurity=False))
        except OSError as exc:
            raise UnreadableInput(str(body), system_reason(exc)) from None
        return base64.b64encode(digest.digest()).decode("ascii"), sent.tell()


@contextlib.contextmanager
def _sent(body: Body, length: int) -> Iterator[bytes | bytearray | _Exactly]:
    """The body as an attempt sends it: a file's `length` bytes, read as they go."""
    with _opened(body) as opened:
        try:
            yield opened if isinstance(opened, bytes | bytearray) else _Exactly(opened, length)
        except _Unreadable as exc:
            raise UnreadableInput(str(body), exc.reason) from None


def _refusal(status: int, body: bytes) -> str:
    text = body[:300].decode("utf-8", "replace")
    code = text.split("<Code>", 1)[1].split("</Code>", 1)[0] if "<Code>" in text else ""
    if status == 403:
        return (
            f"HTTP 403 {code}: the deposit URL was refused (its token expired or was altered); "
            "push again to get a new one"
        )
    return f"HTTP {status} {code}".rstrip()


def put_blob(
    transport: HttpTransport,
    deposit_url: Secret,
    body: Body,
    *,
    attempts: int,
    backoff: Backoff,
    sleep: Callable[[float], None],
) -> None:
    """PUT `body` to `deposit_url`; raises `StorageTransportError` when it did not land,
    `UnreadableInput` when the file cannot be read."""
    url = deposit_url.reveal()
    if urllib.parse.urlsplit(url).scheme not in ("https", "http"):
        unusable = N_("getFileUrlDeposit answered an unusable URL: {url}", url=redact(url))
        raise StorageTransportError(unusable)
    md5, length = _described(body)
    headers = {
        "x-ms-blob-type": "BlockBlob",
        "Content-MD5": md5,
        "Content-Length": str(length),  # a file is not chunked: Azure requires the length
        "Content-Type": "application/octet-stream",
    }
    where = f"PUT {redact(url)}"
    for attempt in range(1, attempts + 1):
        why: str
        try:
            with _sent(body, length) as sent:
                answer = transport.request("PUT", url, dict(headers), sent)
        except (NotSent, MaybeSent) as exc:
            why = str(exc)
        else:
            if answer.status in (200, 201):
                return
            if answer.status not in RETRYABLE:
                raise StorageTransportError(f"{where}: {_refusal(answer.status, answer.body)}")
            why = f"HTTP {answer.status}"
        if attempt == attempts:
            failed = N_(
                "{where}: {why}, after {attempts} attempts", where=where, why=why, attempts=attempts
            )
            raise StorageTransportError(failed)
        delay = backoff.delay(attempt)
        log.warning("%s: %s; trying again in %.1f s", where, why, delay)
        sleep(delay)
