"""Put a TRA file in Azure Blob Storage and mint the read-only SAS URL Cegid Loop needs.

Loop's ``importTra`` takes the URL of a blob that Cegid's servers can read for at least 24
hours. `upload` stores the file under a content-addressed name
(``<prefix>/<sha256>/<file name>``), so uploading the same file twice is a no-op and the URL
stays stable; it then signs a per-blob, read-only SAS (``sr=b``, ``sp=r``), back-dated 15
minutes for clock skew, and reads the blob back through that URL before returning it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import attrs

from ..errors import StorageTransportError
from ..i18n import N_
from ..redaction import redact
from .target import DEFAULT_EXPIRY, Progress, StorageTarget, check_expiry

log = logging.getLogger("tratool.storage")

CONTENT_TYPE = "text/plain; charset=windows-1252"
_CHUNK = 1 << 20


@attrs.frozen(repr=False)
class UploadResult:
    blob_url: str
    sas_url: str  # the secret part of the result: give it to Loop, not to a log
    sha256: str
    size: int
    expires_at: dt.datetime
    blob_name: str
    already_present: bool  # the same content was already there: nothing was sent

    def __repr__(self) -> str:
        return (
            f"UploadResult(blob_url={self.blob_url!r}, sas_url={redact(self.sas_url)!r}, "
            f"sha256={self.sha256!r}, size={self.size}, expires_at={self.expires_at!r}, "
            f"already_present={self.already_present})"
        )


def file_digests(path: Path) -> tuple[str, bytes, int]:
    """(sha256 hex, md5 bytes, size) of a file, read once in chunks."""
    sha256, md5, size = hashlib.sha256(), hashlib.md5(usedforsecurity=False), 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            sha256.update(chunk)
            md5.update(chunk)
            size += len(chunk)
    return sha256.hexdigest(), md5.digest(), size


def upload(
    path: str | os.PathLike[str],
    target: StorageTarget,
    *,
    expiry: dt.timedelta = DEFAULT_EXPIRY,
    blob_name: str | None = None,
    progress: Progress | None = None,
) -> UploadResult:
    """Upload a file and return its blob URL and a read-only SAS URL valid for `expiry`.

    Raises `StorageConfigError` before sending anything when the target cannot produce a
    readable URL (no credential, expiry under 24 h, a container SAS without read permission,
    plain HTTP to a real account), and `StorageTransportError` when storage refuses or cannot
    be reached — including when the blob cannot be read back through the SAS URL.
    """
    from . import _sessions as _azure  # the azure SDK is imported only by commands that need it

    file = Path(path)
    check_expiry(expiry)
    sha256, md5, size = file_digests(file)
    name = blob_name or f"{target.prefix.strip('/')}/{sha256}/{file.name}".lstrip("/")
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    expires_at = now + expiry
    session = _azure.Session.open(target, now=now, expires_at=expires_at)
    already = session.put(
        name, file, md5=md5, size=size, content_type=CONTENT_TYPE, progress=progress
    )
    blob_url, sas_url = session.read_url(name)
    log.info("%s %s (%d bytes) -> %s", "found" if already else "uploaded", file, size, blob_url)
    preflight(sas_url)
    return UploadResult(
        blob_url=blob_url,
        sas_url=sas_url,
        sha256=sha256,
        size=size,
        expires_at=session.expires_at,
        blob_name=name,
        already_present=already,
    )


def preflight(sas_url: str, *, timeout: float = 15.0) -> None:
    """Read one byte through the SAS URL, as Cegid will: fail loudly if it cannot."""
    request = urllib.request.Request(sas_url, headers={"Range": "bytes=0-0"})
    try:
        # A fresh opener reads the proxy variables now: urlopen's shared one keeps those of
        # its first use for the life of the process.
        with urllib.request.build_opener().open(request, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        code = exc.headers.get("x-ms-error-code", "")
        message = N_(
            "the SAS URL is not readable (HTTP {status} {code}): Loop could not fetch the file "
            "from {url}",
            status=exc.code,
            code=code,
            url=redact(sas_url),
        )
        raise StorageTransportError(message) from None
    except OSError as exc:
        message = N_("cannot reach {url}: {reason}", url=redact(sas_url), reason=str(exc))
        raise StorageTransportError(message) from None
