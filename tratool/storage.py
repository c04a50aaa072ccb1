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
import ipaddress
import logging
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs

from .errors import TraError
from .redaction import Secret, redact

log = logging.getLogger("tratool.storage")

DEFAULT_EXPIRY = dt.timedelta(hours=48)
MINIMUM_EXPIRY = dt.timedelta(hours=24)  # Cegid may read the file any time within 24 h
CLOCK_SKEW = dt.timedelta(minutes=15)
DELEGATION_KEY_LIMIT = dt.timedelta(days=7)  # Azure's limit for a user delegation key
CONTENT_TYPE = "text/plain; charset=windows-1252"
_CHUNK = 1 << 20

Progress = Callable[[int, int | None], None]


class StorageError(TraError):
    """Base class of the uploader's errors."""

    def __init__(self, message: str) -> None:
        super().__init__(redact(message))


class StorageConfigError(StorageError):
    """The target cannot work as configured (credentials, SAS permissions, expiry…)."""


class StorageTransportError(StorageError):
    """Storage answered with a refusal, or could not be reached."""


@attrs.frozen(kw_only=True)
class StorageTarget:
    """Where and how to upload. Build it with `from_env`, or directly.

    Exactly one way to authenticate is used, the first available in this order: a connection
    string; an account URL with its key; an account URL with a Microsoft Entra ID credential
    (user delegation SAS); a pre-issued container SAS URL.
    """

    container: str = "tratool"
    prefix: str = "tra"
    connection_string: Secret | None = None
    account_url: str | None = None
    account_key: Secret | None = None
    container_sas_url: Secret | None = None
    credential: Any = attrs.field(default=None, repr=False)  # an azure TokenCredential
    retry_total: int = 3
    connection_timeout: float = 20.0
    read_timeout: float = 60.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> StorageTarget:
        """Credentials from the environment; other settings from `overrides` (the CLI and
        config). Secrets never come from anywhere else."""
        env = os.environ if env is None else env

        def secret(name: str) -> Secret | None:
            value = env.get(name, "").strip()
            return Secret(value) if value else None

        values: dict[str, Any] = {
            "connection_string": secret("AZURE_STORAGE_CONNECTION_STRING"),
            "account_key": secret("AZURE_STORAGE_ACCOUNT_KEY") or secret("AZURE_STORAGE_KEY"),
            "container_sas_url": secret("TRATOOL_STORAGE_CONTAINER_SAS_URL"),
        }
        account_url = env.get("AZURE_STORAGE_ACCOUNT_URL", "").strip()
        if not account_url and env.get("AZURE_STORAGE_ACCOUNT", "").strip():
            account_url = f"https://{env['AZURE_STORAGE_ACCOUNT'].strip()}.blob.core.windows.net"
        values["account_url"] = account_url or None
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    @property
    def mode(self) -> str:
        if self.connection_string:
            return "connection string"
        if self.account_url and self.account_key:
            return "account key"
        if self.account_url:
            return "Microsoft Entra ID (user delegation SAS)"
        if self.container_sas_url:
            return "container SAS URL"
        return "none"


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


def is_loopback(url: str) -> bool:
    host = urllib.parse.urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _require_https(url: str) -> None:
    if urllib.parse.urlsplit(url).scheme != "https" and not is_loopback(url):
        raise StorageConfigError(
            f"{redact(url)}: storage must be reached over HTTPS (plain HTTP is accepted only "
            "for a local emulator such as Azurite on 127.0.0.1)"
        )


def _check_expiry(expiry: dt.timedelta) -> None:
    if expiry < MINIMUM_EXPIRY:
        raise StorageConfigError(
            f"a SAS valid for {expiry} is too short: Cegid Loop may read the file up to 24 "
            "hours after the import request, so the URL must stay valid at least 24h "
            "(default 48h)"
        )


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
    from . import _azure  # the azure SDK is imported only by commands that need it

    file = Path(path)
    _check_expiry(expiry)
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
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        code = exc.headers.get("x-ms-error-code", "")
        raise StorageTransportError(
            f"the SAS URL is not readable (HTTP {exc.code} {code}): Loop could not fetch the "
            f"file from {redact(sas_url)}"
        ) from None
    except OSError as exc:
        raise StorageTransportError(f"cannot reach {redact(sas_url)}: {exc}") from None
