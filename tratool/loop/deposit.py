"""Put a file in the storage Cegid Loop provides: ``getFileUrlDeposit``, then one HTTP PUT.

The ``depositUrl`` Loop answers is an authenticated Azure blob URL, so the PUT follows Azure's
Put Blob conventions: ``x-ms-blob-type: BlockBlob`` and the body's ``Content-MD5`` (Azure
refuses a body whose digest differs). A Put Blob of the same bytes to the same URL replaces
the blob whole, so repeating it cannot duplicate anything: it is repeated when the connection
failed, when the answer was lost, and on the answers Azure documents as "try again" (408,
429, 500, 503). A refusal (403: the token expired or was altered, 4xx: the request) is final.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import urllib.parse
from collections.abc import Callable

from ..backoff import Backoff
from ..errors import MaybeSent, NotSent, StorageTransportError
from ..i18n import N_
from ..redaction import Secret, redact
from .transport import HttpTransport

log = logging.getLogger("tratool.loop.deposit")
RETRYABLE = frozenset({408, 429, 500, 503})


def content_md5(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data, usedforsecurity=False).digest()).decode("ascii")


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
    data: bytes,
    *,
    attempts: int,
    backoff: Backoff,
    sleep: Callable[[float], None],
) -> None:
    """PUT `data` to `deposit_url`; raises `StorageTransportError` when it did not land."""
    url = deposit_url.reveal()
    if urllib.parse.urlsplit(url).scheme not in ("https", "http"):
        unusable = N_("getFileUrlDeposit answered an unusable URL: {url}", url=redact(url))
        raise StorageTransportError(unusable)
    headers = {
        "x-ms-blob-type": "BlockBlob",
        "Content-MD5": content_md5(data),
        "Content-Type": "application/octet-stream",
    }
    where = f"PUT {redact(url)}"
    for attempt in range(1, attempts + 1):
        why: str
        try:
            answer = transport.request("PUT", url, dict(headers), data)
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
