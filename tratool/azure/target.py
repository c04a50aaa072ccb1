"""What an upload needs: where to (`StorageTarget`), for how long, and over what.

The SAS rules Loop imposes live here so the upload and the Azure SDK sessions share them.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import ipaddress
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from ..config import format_duration
from ..errors import StorageConfigError
from ..i18n import N_, Text
from ..redaction import Secret, credential_problem, redact

DEFAULT_EXPIRY = dt.timedelta(hours=48)
MINIMUM_EXPIRY = dt.timedelta(hours=24)  # Cegid may read the file any time within 24 h
CLOCK_SKEW = dt.timedelta(minutes=15)
DELEGATION_KEY_LIMIT = dt.timedelta(days=7)  # Azure's limit for a user delegation key

Progress = Callable[[int, int | None], None]


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
            value = env.get(name)
            if not value:  # unset, or empty as CI systems give a missing secret
                return None
            problem = credential_problem(value)
            if problem is None and name == "AZURE_STORAGE_CONNECTION_STRING":
                problem = connection_string_problem(value)
            if problem is not None:
                message = N_("{name} {problem}; its value is not shown", name=name, problem=problem)
                raise StorageConfigError(message)
            return Secret(value)

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


def connection_string_problem(value: str) -> Text | None:
    """What makes `value` unusable as an Azure Storage connection string (never quoting it),
    or None. The SDK would only say "blank or malformed", and only once an upload starts."""
    pairs: dict[str, str] = {}
    for part in value.split(";"):
        if not part:
            continue
        name, equals, item = part.partition("=")
        if not equals or not name or not item:
            return N_("is not a connection string (Name=value pairs separated by ';')")
        pairs[name.lower()] = item
    if pairs.get("usedevelopmentstorage", "").lower() == "true":
        return None
    if "sharedaccesssignature" in pairs and ({"blobendpoint", "accountname"} & set(pairs)):
        return None
    if "accountname" in pairs and "accountkey" in pairs:
        try:
            base64.b64decode(pairs["accountkey"], validate=True)
        except binascii.Error:
            return N_("has an AccountKey that is not base64")
        return None
    return N_("has neither AccountName with AccountKey, nor a SharedAccessSignature")


def is_loopback(url: str) -> bool:
    host = urllib.parse.urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def require_https(url: str) -> None:
    if urllib.parse.urlsplit(url).scheme != "https" and not is_loopback(url):
        message = N_(
            "{url}: storage must be reached over HTTPS (plain HTTP is accepted only for a "
            "local emulator such as Azurite on 127.0.0.1)",
            url=redact(url),
        )
        raise StorageConfigError(message)


def check_expiry(expiry: dt.timedelta) -> None:
    if expiry < MINIMUM_EXPIRY:
        message = N_(
            "a SAS valid for {duration} is too short: Cegid Loop may read the file up to 24 "
            "hours after the import request, so the URL must stay valid at least 24h (default "
            "48h)",
            duration=str(format_duration(expiry)),
        )
        raise StorageConfigError(message)
