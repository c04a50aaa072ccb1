"""The simulator's stand-in for the Azure storage Cegid Loop provides (``getFileUrlDeposit``).

`mint` answers what ``getFileUrlDeposit`` answers: a ``depositUrl`` carrying an expiry and an
HMAC signature (like a SAS token), and the ``uri`` an import names the file by. `put` checks a
PUT to that URL the way Azure's Put Blob does — a missing ``x-ms-blob-type``, an expired or
altered token, a body whose ``Content-MD5`` differs are refused with Azure's error codes — and
keeps the bytes for ``importTra`` with ``URI``. Deposited files live in memory only.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable, Mapping

import attrs

DEPOSIT_PATH = "/deposit/"
EXTENSIONS = (".tra", ".txt", ".csv")  # what Cegid's page accepts


@attrs.frozen
class BlobAnswer:
    status: int
    code: str = ""  # Azure's x-ms-error-code
    message: str = ""
    headers: dict[str, str] = attrs.field(factory=dict)

    def xml(self) -> bytes:
        if not self.code:
            return b""
        return (
            '<?xml version="1.0" encoding="utf-8"?><Error>'
            f"<Code>{self.code}</Code><Message>{self.message}</Message></Error>"
        ).encode()


def _iso(moment: float) -> str:
    return dt.datetime.fromtimestamp(moment, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class DepositStore:
    def __init__(self, lifetime: float, wall: Callable[[], float] = time.time) -> None:
        self.lifetime = lifetime  # seconds a depositUrl stays valid
        self.wall = wall
        self.files: dict[str, bytes] = {}  # uri -> bytes
        self.puts: list[dict[str, str]] = []  # headers of every PUT received, for tests
        self._key = secrets.token_bytes(32)
        self._lock = threading.Lock()

    def _sign(self, path: str, expiry: str) -> str:
        mac = hmac.new(self._key, f"{path}\n{expiry}\ncw".encode(), hashlib.sha256)
        return base64.b64encode(mac.digest()).decode("ascii")

    def mint(self, origin: str, filename: str) -> dict[str, str] | None:
        """The getFileUrlDeposit answer, or None when the name is not one Cegid accepts."""
        if not filename.lower().endswith(EXTENSIONS) or "/" in filename or "\\" in filename:
            return None
        uri = f"{uuid.uuid4()}/{filename}"
        path = DEPOSIT_PATH + urllib.parse.quote(uri)
        expiry = _iso(self.wall() + self.lifetime)
        token = urllib.parse.urlencode(
            {"se": expiry, "sp": "cw", "sr": "b", "sig": self._sign(path, expiry)}
        )
        return {"depositUrl": f"{origin}{path}?{token}", "uri": uri}

    def put(self, target: str, headers: Mapping[str, str], body: bytes) -> BlobAnswer:
        """A Put Blob on a deposit URL, judged like Azure Storage would."""
        parts = urllib.parse.urlsplit(target)
        token = dict(urllib.parse.parse_qsl(parts.query))
        headers = {k.lower(): v for k, v in headers.items()}
        self.puts.append(headers)
        expiry, signature = token.get("se", ""), token.get("sig", "")
        if not hmac.compare_digest(signature, self._sign(parts.path, expiry)):
            return BlobAnswer(
                403,
                "AuthenticationFailed",
                "Server failed to authenticate the request. Make sure the value of "
                "Authorization header is formed correctly including the signature.",
            )
        if expiry < _iso(self.wall()):
            return BlobAnswer(
                403, "AuthenticationFailed", "Signature not valid in the specified time frame"
            )
        blob_type = headers.get("x-ms-blob-type")
        if blob_type is None:
            return BlobAnswer(
                400,
                "MissingRequiredHeader",
                "An HTTP header that's mandatory for this request is not specified.",
            )
        if blob_type != "BlockBlob":
            return BlobAnswer(400, "InvalidHeaderValue", "x-ms-blob-type must be BlockBlob here.")
        digest = base64.b64encode(hashlib.md5(body, usedforsecurity=False).digest()).decode()
        if headers.get("content-md5") not in (None, digest):
            return BlobAnswer(
                400, "Md5Mismatch", "The MD5 value specified in the request did not match."
            )
        uri = urllib.parse.unquote(parts.path[len(DEPOSIT_PATH) :])
        with self._lock:
            self.files[uri] = body
        return BlobAnswer(201, headers={"Content-MD5": digest, "ETag": f'"{digest}"'})
