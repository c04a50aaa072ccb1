"""The azure-storage-blob side of `tratool.storage`: one session class per credential mode.

Kept apart so that commands which never touch storage never import the Azure SDK.
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
from pathlib import Path
from typing import Any

from azure.core.exceptions import (
    ClientAuthenticationError,
    HttpResponseError,
    ResourceExistsError,
    ServiceRequestError,
)
from azure.storage.blob import (
    BlobSasPermissions,
    BlobServiceClient,
    ContainerClient,
    ContentSettings,
    ExponentialRetry,
    generate_blob_sas,
)

from ..errors import Message, StorageConfigError, StorageTransportError
from ..i18n import N_
from .target import (
    CLOCK_SKEW,
    DELEGATION_KEY_LIMIT,
    MINIMUM_EXPIRY,
    Progress,
    StorageTarget,
    require_https,
)


def _account_name(url: str) -> str:
    name: str | None = BlobServiceClient(url).account_name
    if not name:
        raise StorageConfigError(N_("{url}: no storage account name in this URL", url=url))
    return name


def _client_options(target: StorageTarget) -> dict[str, Any]:
    # Explicit retries and timeouts: the SDK's default first retry waits 15 seconds.
    return {
        "retry_policy": ExponentialRetry(
            initial_backoff=2,
            increment_base=2,
            retry_total=target.retry_total,
            random_jitter_range=1,
        ),
        "connection_timeout": target.connection_timeout,
        "read_timeout": target.read_timeout,
    }


# Storage error codes that mean "this request can never work as asked" (exit 2, not 4), and
# what to do about each code people meet.
_REQUEST_CODES = {"InvalidResourceName", "OutOfRangeInput", "InvalidUri"}
_HINTS = {
    "AuthorizationFailure": N_(
        "the key or SAS is wrong or expired, or may not do this: a SAS needs read, add, create "
        "and write (racw) on the container; an Entra ID identity needs the Storage Blob Data "
        "Contributor role"
    ),
    "AuthorizationPermissionMismatch": N_(
        "the credentials lack this permission: a SAS needs racw on the container; an Entra ID "
        "identity needs Storage Blob Data Contributor"
    ),
    "AuthenticationFailed": N_(
        "check the account key or SAS (AZURE_STORAGE_* variables), its expiry, and this "
        "machine's clock"
    ),
    "InvalidResourceName": N_(
        "container names are 3 to 63 lower-case letters, digits and single hyphens"
    ),
    "OutOfRangeInput": N_(
        "container names are 3 to 63 lower-case letters, digits and single hyphens; blob names "
        "at most 1,024 characters"
    ),
}


def _error_code(exc: HttpResponseError) -> str:
    """The storage error code as Azure spells it (the SDK gives an enum, or a string)."""
    code = getattr(exc, "error_code", None)
    return str(getattr(code, "value", code) or exc.reason or "")


def _transport_error(action: Message, exc: Exception) -> StorageConfigError | StorageTransportError:
    if isinstance(exc, ClientAuthenticationError):
        code = _error_code(exc) or "AuthenticationFailed"
        refused = N_(
            "{action}: storage refused the credentials ({code}): {hint}",
            action=action,
            code=code,
            hint=_HINTS["AuthenticationFailed"],
        )
        return StorageTransportError(refused)
    if isinstance(exc, HttpResponseError):
        code = _error_code(exc)
        hint = N_(": {hint}", hint=_HINTS[code]) if code in _HINTS else ""
        message = N_(
            "{action}: storage answered HTTP {status} {code}{hint}",
            action=action,
            status=str(exc.status_code),
            code=code,
            hint=hint,
        )
        if code in _REQUEST_CODES:
            return StorageConfigError(message)
        return StorageTransportError(message)
    unreachable = N_(
        "{action}: storage cannot be reached ({reason})", action=action, reason=str(exc)
    )
    return StorageTransportError(unreachable)


class Session:
    """An open connection to one container, able to upload and to mint a read URL."""

    service: BlobServiceClient
    container: ContainerClient
    now: dt.datetime
    expires_at: dt.datetime

    @staticmethod
    def open(target: StorageTarget, *, now: dt.datetime, expires_at: dt.datetime) -> Session:
        if target.connection_string or (target.account_url and target.account_key):
            return KeySession(target, now, expires_at)
        if target.account_url:
            return DelegationSession(target, now, expires_at)
        if target.container_sas_url:
            return ContainerSasSession(target, now, expires_at)
        raise StorageConfigError(
            N_(
                "no storage credentials: set AZURE_STORAGE_CONNECTION_STRING, or "
                "AZURE_STORAGE_ACCOUNT_URL with AZURE_STORAGE_ACCOUNT_KEY (or an Entra ID "
                "login), or TRATOOL_STORAGE_CONTAINER_SAS_URL"
            )
        )

    def put(
        self,
        name: str,
        file: Path,
        *,
        md5: bytes,
        size: int,
        content_type: str,
        progress: Progress | None,
    ) -> bool:
        """Upload unless the same content is already there. Returns True if it was."""
        blob = self.container.get_blob_client(name)
        settings = ContentSettings(content_type=content_type, content_md5=bytearray(md5))
        try:
            with file.open("rb") as stream:
                blob.upload_blob(
                    stream,
                    length=size,
                    overwrite=False,
                    content_settings=settings,
                    validate_content=True,
                    progress_hook=progress,
                )
            return False
        except ResourceExistsError:
            pass
        except (HttpResponseError, ServiceRequestError) as exc:
            raise _transport_error(N_("upload of {name}", name=name), exc) from None
        try:
            properties = blob.get_blob_properties()
        except (HttpResponseError, ServiceRequestError) as exc:
            raise _transport_error(N_("checking the existing {name}", name=name), exc) from None
        stored = properties.content_settings.content_md5
        if properties.size != size or (stored is not None and bytes(stored) != md5):
            message = N_(
                "a different blob already exists at {name}: refusing to overwrite it; choose "
                "another --blob-name, or leave it out to name the blob by its content",
                name=name,
            )
            raise StorageConfigError(message)
        return True

    def _open(self, service: BlobServiceClient, target: StorageTarget) -> None:
        """Use (and create when missing) the target container."""
        self.service = service
        self.container = service.get_container_client(target.container)
        try:
            self.container.create_container()
        except ResourceExistsError:
            pass
        except (HttpResponseError, ServiceRequestError) as exc:
            creating = N_("creating container {container}", container=target.container)
            raise _transport_error(creating, exc) from None

    def _sign(self, name: str, **signing: Any) -> str:
        """A per-blob, read-only SAS, back-dated for clock skew."""
        return generate_blob_sas(
            account_name=_account_name(self.service.url),
            container_name=self.container.container_name,
            blob_name=name,
            permission=BlobSasPermissions(read=True),
            start=self.now - CLOCK_SKEW,
            expiry=self.expires_at,
            # Plain HTTP is signed only for an emulator reached over plain HTTP on loopback.
            protocol="https,http" if self.service.url.startswith("http:") else "https",
            **signing,
        )

    def read_url(self, name: str) -> tuple[str, str]:
        """(blob URL without credentials, read-only SAS URL)."""
        blob_url = self.container.get_blob_client(name).url.split("?", 1)[0]
        return blob_url, f"{blob_url}?{self.token(name)}"

    def token(self, name: str) -> str:
        raise NotImplementedError


class KeySession(Session):
    """Connection string or account key: tratool signs a per-blob, read-only service SAS."""

    def __init__(self, target: StorageTarget, now: dt.datetime, expires_at: dt.datetime):
        options = _client_options(target)
        if target.connection_string:
            service = BlobServiceClient.from_connection_string(
                target.connection_string.reveal(), **options
            )
            key = getattr(service.credential, "account_key", None)
            if not key:
                raise StorageConfigError(N_("the connection string has no AccountKey to sign with"))
        else:
            assert target.account_url is not None
            assert target.account_key is not None
            name = _account_name(target.account_url)
            key = target.account_key.reveal()
            service = BlobServiceClient(
                target.account_url,
                credential={"account_name": name, "account_key": key},
                **options,
            )
        require_https(service.url)
        self.key, self.now, self.expires_at = key, now, expires_at
        self._open(service, target)

    def token(self, name: str) -> str:
        return self._sign(name, account_key=self.key)


class DelegationSession(Session):
    """Microsoft Entra ID: a user delegation key signs the SAS; no account key involved."""

    def __init__(self, target: StorageTarget, now: dt.datetime, expires_at: dt.datetime):
        assert target.account_url is not None
        require_https(target.account_url)
        if expires_at - now > DELEGATION_KEY_LIMIT:
            raise StorageConfigError(
                N_("a user delegation SAS cannot outlive its key, which Azure limits to 7 days")
            )
        credential = target.credential
        if credential is None:
            from azure.identity import DefaultAzureCredential

            credential = DefaultAzureCredential()
        service = BlobServiceClient(
            target.account_url, credential=credential, **_client_options(target)
        )
        try:
            self.delegation_key = service.get_user_delegation_key(now - CLOCK_SKEW, expires_at)
        except (HttpResponseError, ServiceRequestError) as exc:
            getting = N_(
                "getting a user delegation key (the identity needs the "
                "generateUserDelegationKey permission)"
            )
            raise _transport_error(getting, exc) from None
        except Exception as exc:  # azure-identity raises its own errors when no login works
            message = N_("no Microsoft Entra ID credential available: {reason}", reason=str(exc))
            raise StorageConfigError(message) from None
        self.now, self.expires_at = now, expires_at
        self._open(service, target)

    def token(self, name: str) -> str:
        return self._sign(name, user_delegation_key=self.delegation_key)


class ContainerSasSession(Session):
    """A container SAS issued by someone else: tratool cannot sign, so the read URL reuses the
    container's token, which must grant read and last at least 24 hours."""

    def __init__(self, target: StorageTarget, now: dt.datetime, expires_at: dt.datetime):
        assert target.container_sas_url is not None
        url = target.container_sas_url.reveal()
        require_https(url)
        base, _, self._token = url.partition("?")
        query = urllib.parse.parse_qs(self._token)
        permissions = query.get("sp", [""])[0]
        if "r" not in permissions:
            raise StorageConfigError(
                N_(
                    "the container SAS grants {permissions!r} but not read (r): Loop could not "
                    "read the uploaded file. Ask for a container SAS that includes r, or give "
                    "tratool an account key or an Entra ID login so it can sign a read-only "
                    "SAS for the blob alone",
                    permissions=permissions or "nothing",
                )
            )
        if not {"w", "c"} & set(permissions):
            message = N_(
                "the container SAS grants {permissions!r}: it cannot create blobs (needs c or w)",
                permissions=permissions,
            )
            raise StorageConfigError(message)
        try:
            expiry = dt.datetime.fromisoformat(query["se"][0].replace("Z", "+00:00"))
        except (KeyError, ValueError):
            raise StorageConfigError(N_("the container SAS has no readable expiry (se)")) from None
        if expiry - now < MINIMUM_EXPIRY:
            message = N_(
                "the container SAS expires at {moment} UTC, less than 24 hours from now: Loop "
                "may read the file up to 24 hours after the import request",
                moment=expiry,
            )
            raise StorageConfigError(message)
        self.expires_at = expiry
        self.container = ContainerClient.from_container_url(url, **_client_options(target))
        self._base = base

    def token(self, name: str) -> str:
        return self._token
