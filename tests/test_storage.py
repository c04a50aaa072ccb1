"""The uploader against a real Azurite, checked with plain HTTP requests, as Loop would."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import shutil
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from azure.core.credentials import AccessToken
from azure.storage.blob import (
    BlobSasPermissions,
    BlobServiceClient,
    generate_blob_sas,
)
from click.testing import CliRunner

from tests.conftest import FIXTURES, container_sas
from tratool.azure import StorageTarget, upload
from tratool.azure import uploader as storage
from tratool.cli import main
from tratool.errors import StorageConfigError, StorageTransportError
from tratool.redaction import Secret
from tratool.testing import azurite


@pytest.fixture
def target(emulator: azurite.Azurite, request: pytest.FixtureRequest) -> StorageTarget:
    # One container per test: tests do not see each other's blobs.
    name = "t" + request.node.name.lower().replace("_", "-")[:50].strip("-")
    return StorageTarget(
        connection_string=Secret(emulator.connection_string), container=name, retry_total=0
    )


@pytest.fixture
def tra(tmp_path: Path) -> Path:
    path = tmp_path / "PG00001.TRA"
    shutil.copy(FIXTURES / "ventes-std.tra", path)
    return path


def get(url: str, method: str = "GET", data: bytes | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, method=method, data=data)
    if method == "PUT":
        request.add_header("x-ms-blob-type", "BlockBlob")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in urllib.parse.parse_qs(urllib.parse.urlsplit(url).query).items()}


def test_sas_url_returns_the_exact_bytes(target: StorageTarget, tra: Path) -> None:
    result = upload(tra, target)
    status, body = get(result.sas_url)
    assert status == 200
    assert body == tra.read_bytes()
    assert result.size == len(body)
    assert result.blob_name == f"tra/{result.sha256}/PG00001.TRA"
    assert result.already_present is False


def test_sas_is_read_only_for_one_blob_and_lasts_48_hours(target: StorageTarget, tra: Path) -> None:
    before = dt.datetime.now(dt.UTC)
    result = upload(tra, target)
    q = query(result.sas_url)
    assert (q["sr"], q["sp"]) == ("b", "r")
    start = dt.datetime.fromisoformat(q["st"].replace("Z", "+00:00"))
    expiry = dt.datetime.fromisoformat(q["se"].replace("Z", "+00:00"))
    assert dt.timedelta(minutes=14) < before - start < dt.timedelta(minutes=16)
    assert abs(expiry - before - dt.timedelta(hours=48)) < dt.timedelta(minutes=1)
    assert result.expires_at == expiry
    assert q["spr"] == "https,http"  # plain HTTP only because Azurite is on loopback


def test_writing_through_the_sas_url_is_refused(target: StorageTarget, tra: Path) -> None:
    result = upload(tra, target)
    status, _ = get(result.sas_url, "PUT", b"overwritten")
    assert status == 403
    assert get(result.sas_url)[1] == tra.read_bytes()


def with_param(url: str, name: str, value: str) -> str:
    parts = urllib.parse.urlsplit(url)
    params = dict(urllib.parse.parse_qsl(parts.query))
    params[name] = value
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(params)))


def test_tampered_signature_is_refused(target: StorageTarget, tra: Path) -> None:
    result = upload(tra, target)
    signature = query(result.sas_url)["sig"]
    # Same length and alphabet, one character changed: a forged or corrupted signature.
    forged = ("B" if signature[0] == "A" else "A") + signature[1:]
    assert get(with_param(result.sas_url, "sig", signature))[0] == 200  # rebuilding is faithful
    assert get(with_param(result.sas_url, "sig", forged))[0] == 403
    assert get(result.blob_url)[0] in (403, 404)  # no anonymous access without the SAS


def test_expired_sas_is_refused(
    target: StorageTarget, tra: Path, emulator: azurite.Azurite
) -> None:
    result = upload(tra, target)
    now = dt.datetime.now(dt.UTC)
    expired = generate_blob_sas(
        azurite.ACCOUNT,
        target.container,
        result.blob_name,
        account_key=azurite.KEY,
        permission=BlobSasPermissions(read=True),
        start=now - dt.timedelta(hours=2),
        expiry=now - dt.timedelta(hours=1),
    )
    assert get(f"{result.blob_url}?{expired}")[0] == 403


def test_reupload_is_idempotent(target: StorageTarget, tra: Path) -> None:
    first = upload(tra, target)
    service = BlobServiceClient.from_connection_string(target.connection_string.reveal())  # type: ignore[union-attr]
    blob = service.get_blob_client(target.container, first.blob_name)
    modified = blob.get_blob_properties().last_modified
    again = upload(tra, target)
    assert again.already_present is True
    assert again.blob_url == first.blob_url
    assert blob.get_blob_properties().last_modified == modified  # nothing rewritten
    assert get(again.sas_url)[1] == tra.read_bytes()


def test_other_content_under_the_same_name_is_not_overwritten(
    target: StorageTarget, tra: Path, tmp_path: Path
) -> None:
    upload(tra, target, blob_name="fixed/name.tra")
    other = tmp_path / "other.tra"
    other.write_bytes(tra.read_bytes() + b"X")
    with pytest.raises(StorageConfigError, match="a different blob already exists"):
        upload(other, target, blob_name="fixed/name.tra")


def test_blob_carries_content_type_and_whole_file_md5(target: StorageTarget, tra: Path) -> None:
    import hashlib

    result = upload(tra, target)
    service = BlobServiceClient.from_connection_string(target.connection_string.reveal())  # type: ignore[union-attr]
    settings = service.get_blob_client(target.container, result.blob_name).get_blob_properties()
    assert settings.content_settings.content_type == "text/plain; charset=windows-1252"
    assert (
        bytes(settings.content_settings.content_md5 or b"")
        == hashlib.md5(tra.read_bytes()).digest()
    )


def test_progress_is_reported(target: StorageTarget, tra: Path) -> None:
    calls: list[tuple[int, int | None]] = []
    upload(tra, target, progress=lambda done, total: calls.append((done, total)))
    assert calls
    assert calls[-1] == (tra.stat().st_size, tra.stat().st_size)


def test_write_only_container_sas_is_refused_before_uploading(
    emulator: azurite.Azurite, tra: Path
) -> None:
    url = container_sas(emulator, "writeonly", "cw")
    target = StorageTarget(container_sas_url=Secret(url), retry_total=0)
    with pytest.raises(StorageConfigError, match=r"not read \(r\): Loop could not read"):
        upload(tra, target)
    service = BlobServiceClient.from_connection_string(emulator.connection_string)
    assert list(service.get_container_client("writeonly").list_blobs()) == []


def test_container_sas_with_read_gives_a_readable_url(emulator: azurite.Azurite, tra: Path) -> None:
    url = container_sas(emulator, "readwrite", "rcw")
    result = upload(tra, StorageTarget(container_sas_url=Secret(url), retry_total=0))
    assert get(result.sas_url)[1] == tra.read_bytes()


def test_container_sas_expiring_within_24_hours_is_refused(
    emulator: azurite.Azurite, tra: Path
) -> None:
    url = container_sas(emulator, "shortlived", "rcw", hours=3)
    with pytest.raises(StorageConfigError, match="less than 24 hours"):
        upload(tra, StorageTarget(container_sas_url=Secret(url), retry_total=0))


def test_account_url_and_key(emulator: azurite.Azurite, tra: Path) -> None:
    target = StorageTarget(
        account_url=emulator.blob_endpoint,
        account_key=Secret(azurite.KEY),
        container="bykey",
        retry_total=0,
    )
    assert target.mode == "account key"
    assert get(upload(tra, target).sas_url)[1] == tra.read_bytes()


def test_short_expiry_is_refused_with_the_reason(tra: Path) -> None:
    target = StorageTarget(connection_string=Secret("unused"))
    with pytest.raises(StorageConfigError, match="at least 24h"):
        upload(tra, target, expiry=dt.timedelta(hours=23))


def test_plain_http_to_a_real_account_is_refused(tra: Path) -> None:
    target = StorageTarget(
        account_url="http://example.blob.core.windows.net",
        account_key=Secret(azurite.KEY),
        retry_total=0,
    )
    with pytest.raises(StorageConfigError, match="HTTPS"):
        upload(tra, target)


def test_no_credentials(tra: Path) -> None:
    with pytest.raises(StorageConfigError, match="no storage credentials"):
        upload(tra, StorageTarget.from_env({}))


def test_unreachable_storage_fails_fast(tra: Path) -> None:
    closed = (
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
        f"AccountKey={azurite.KEY};BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;"
    )
    target = StorageTarget(connection_string=Secret(closed), retry_total=0, connection_timeout=2)
    with pytest.raises(StorageTransportError, match="cannot be reached") as caught:
        upload(tra, target)
    assert azurite.KEY not in str(caught.value)


def test_preflight_fails_loudly_and_redacts(target: StorageTarget, tra: Path) -> None:
    result = upload(tra, target)
    bad = result.sas_url.replace("sp=r", "sp=rw")
    with pytest.raises(StorageTransportError, match="HTTP 403") as caught:
        storage.preflight(bad)
    assert query(result.sas_url)["sig"] not in str(caught.value)
    assert "sig=REDACTED" in str(caught.value)


def test_secrets_never_show_in_reprs_or_logs(
    target: StorageTarget, tra: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        result = upload(tra, target)
    signature = query(result.sas_url)["sig"]
    assert azurite.KEY not in repr(target)
    assert signature not in repr(result)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert logged  # the SDK and tratool did log at DEBUG
    assert azurite.KEY not in logged
    for form in {signature, urllib.parse.quote(signature), urllib.parse.quote(signature, safe="")}:
        assert form not in logged


def test_env_credentials_in_the_documented_order() -> None:
    env = {
        "AZURE_STORAGE_CONNECTION_STRING": "AccountName=a;AccountKey=a2V5",
        "AZURE_STORAGE_ACCOUNT_URL": "https://a",
        "AZURE_STORAGE_ACCOUNT_KEY": "k",
        "TRATOOL_STORAGE_CONTAINER_SAS_URL": "https://c",
    }
    assert StorageTarget.from_env(env).mode == "connection string"
    del env["AZURE_STORAGE_CONNECTION_STRING"]
    assert StorageTarget.from_env(env).mode == "account key"
    del env["AZURE_STORAGE_ACCOUNT_KEY"]
    assert StorageTarget.from_env(env).mode == "Microsoft Entra ID (user delegation SAS)"
    del env["AZURE_STORAGE_ACCOUNT_URL"]
    assert StorageTarget.from_env(env).mode == "container SAS URL"
    assert StorageTarget.from_env({"AZURE_STORAGE_ACCOUNT": "acme"}).account_url == (
        "https://acme.blob.core.windows.net"
    )


# -- command line ---------------------------------------------------------------------------
def test_cli_upload_prints_the_sas_url(emulator: azurite.Azurite, tra: Path) -> None:
    env = {"AZURE_STORAGE_CONNECTION_STRING": emulator.connection_string}
    result = CliRunner(env=env).invoke(main, ["upload", str(tra), "--container", "cli-text"])
    assert result.exit_code == 0, result.output
    data = tra.read_bytes()
    first, *rest = result.stdout.splitlines()
    assert first.startswith("uploaded   tra/")
    assert first.endswith(f" ({len(data)} bytes)")
    lines = dict(line.split(None, 1) for line in rest)
    assert lines["sha256"] == hashlib.sha256(data).hexdigest()
    assert get(lines["SAS"].removeprefix("URL").strip())[1] == data


def test_cli_upload_json(emulator: azurite.Azurite, tra: Path) -> None:
    env = {"AZURE_STORAGE_CONNECTION_STRING": emulator.connection_string}
    args = ["upload", str(tra), "--container", "cli-json", "--format", "json", "--expiry", "30h"]
    result = CliRunner(env=env).invoke(main, args)
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert set(document) == {
        "blob_url",
        "sas_url",
        "sha256",
        "size",
        "expires_at",
        "blob_name",
        "already_present",
    }
    assert get(document["sas_url"])[1] == tra.read_bytes()
    expires = dt.datetime.fromisoformat(document["expires_at"])
    assert dt.timedelta(hours=29) < expires - dt.datetime.now(dt.UTC) < dt.timedelta(hours=31)


def test_cli_upload_reads_standard_input_given_as_dash(
    emulator: azurite.Azurite, tra: Path
) -> None:
    env = {"AZURE_STORAGE_CONNECTION_STRING": emulator.connection_string}
    args = ["upload", "-", "--container", "cli-stdin", "--format", "json"]
    result = CliRunner(env=env).invoke(main, args, input=tra.read_bytes())
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["blob_name"].endswith("/stdin.tra")
    assert get(document["sas_url"])[1] == tra.read_bytes()


def test_cli_upload_errors(tra: Path) -> None:
    runner = CliRunner(env={"AZURE_STORAGE_CONNECTION_STRING": ""})
    result = runner.invoke(main, ["upload", str(tra)])
    assert result.exit_code == 2
    assert "no storage credentials" in result.stderr
    result = runner.invoke(main, ["upload", str(tra), "--expiry", "12h"])
    assert result.exit_code == 2
    assert "at least 24h" in result.stderr
    result = runner.invoke(main, ["upload", str(tra), "--expiry", "soon"])
    assert result.exit_code == 2
    assert "not a duration" in result.stderr


def test_verbose_trace_is_redacted(emulator: azurite.Azurite, tra: Path) -> None:
    env = {"AZURE_STORAGE_CONNECTION_STRING": emulator.connection_string}
    result = CliRunner(env=env).invoke(
        main, ["upload", str(tra), "--container", "cli-verbose", "--verbose", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    signature = query(json.loads(result.stdout)["sas_url"])["sig"]
    assert result.stderr  # the trace went to stderr
    assert azurite.KEY not in result.stderr
    for form in {signature, urllib.parse.quote(signature), urllib.parse.quote(signature, safe="")}:
        assert form not in result.stderr


# -- Microsoft Entra ID (user delegation SAS) -------------------------------------------------
class _EntraToken:
    """A token credential issuing the bearer tokens an Entra ID login would. Azurite's OAuth
    "basic" mode checks their issuer, audience and dates but not their signature."""

    tenant = "ab1f708d-50f6-404c-a006-d71b2ac7a606"
    object_id = "00000000-0000-0000-0000-000000000001"

    def get_token(
        self,
        *scopes: str,
        claims: str | None = None,
        tenant_id: str | None = None,
        enable_cae: bool = False,
        **kwargs: Any,
    ) -> AccessToken:
        import base64
        import time

        def part(data: dict[str, object]) -> str:
            return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

        now = int(time.time())
        payload: dict[str, object] = {
            "aud": "https://storage.azure.com",
            "iss": f"https://sts.windows.net/{self.tenant}/",
            "iat": now,
            "nbf": now - 60,
            "exp": now + 3600,
            "oid": self.object_id,
            "tid": self.tenant,
        }
        return AccessToken(
            f"{part({'alg': 'RS256', 'typ': 'JWT'})}.{part(payload)}.c2ln", now + 3600
        )


@pytest.fixture(scope="session")
def tls_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[azurite.Azurite]:
    import subprocess

    executable = azurite.find_azurite(Path(__file__).parent)
    if executable is None or shutil.which("openssl") is None:
        message = "Azurite or openssl is missing (make test installs Azurite)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    with azurite.Azurite(executable, tls=(cert, key)) as running:
        yield running


def test_entra_id_uploads_with_a_token_and_signs_with_a_delegation_key(
    tls_emulator: azurite.Azurite, tra: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert tls_emulator.tls is not None
    certificate = str(tls_emulator.tls[0])
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", certificate)  # the SDK trusts the test certificate
    monkeypatch.setenv("SSL_CERT_FILE", certificate)  # and so does the preflight
    target = StorageTarget(
        account_url=tls_emulator.blob_endpoint,
        credential=_EntraToken(),
        container="entra",
        retry_total=0,
    )
    assert target.mode == "Microsoft Entra ID (user delegation SAS)"
    # Azurite 3.35.0 computes the user-delegation string-to-sign differently from
    # azure-storage-blob 12.31 (its debug log shows the mismatch), so it refuses the read-back
    # that real Azure accepts. Everything before that is checked against the emulator: the
    # upload authenticated by bearer token, the delegation key, and the SAS it signed.
    with pytest.raises(StorageTransportError, match="HTTP 403 AuthorizationFailure") as caught:
        upload(tra, target)
    sas = query(str(caught.value).rsplit(" ", 1)[-1])
    assert (sas["sr"], sas["sp"], sas["spr"]) == ("b", "r", "https")
    assert (sas["skoid"], sas["sktid"]) == (_EntraToken.object_id, _EntraToken.tenant)
    assert sas["sig"] == "REDACTED"
    service = BlobServiceClient(tls_emulator.blob_endpoint, credential=_EntraToken())
    [blob] = service.get_container_client("entra").list_blobs()
    assert blob.size == tra.stat().st_size


def test_entra_id_refuses_a_sas_longer_than_the_key_allows(tra: Path) -> None:
    target = StorageTarget(
        account_url="https://acme.blob.core.windows.net", credential=_EntraToken(), retry_total=0
    )
    with pytest.raises(StorageConfigError, match="7 days"):
        upload(tra, target, expiry=dt.timedelta(days=8))


def test_package_level_api(target: StorageTarget, tra: Path) -> None:
    import tratool

    result = tratool.upload(tra, target)
    assert isinstance(result, tratool.UploadResult)
    assert get(result.sas_url)[1] == tra.read_bytes()


# -- what the command says when storage refuses (issue: messages a person can act on) ---------
def _upload_cli(env: dict[str, str], *args: str) -> tuple[int, str]:
    result = CliRunner(env=env).invoke(main, ["upload", *args])
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stderr


def test_cli_storage_refusals_name_the_code_and_what_to_do(
    emulator: azurite.Azurite, tra: Path, tmp_path: Path
) -> None:
    wrong_key = emulator.connection_string.replace(azurite.KEY, "d3Jvbmcga2V5" * 7 + "AA==")
    code, err = _upload_cli({"AZURE_STORAGE_CONNECTION_STRING": wrong_key}, str(tra))
    assert code == 4
    # Azurite answers a wrong key with 403 AuthorizationFailure (Azure: AuthenticationFailed)
    assert "storage answered HTTP 403 AuthorizationFailure: the key or SAS is wrong" in err
    assert "(None)" not in err
    assert azurite.KEY not in err
    env = {"AZURE_STORAGE_CONNECTION_STRING": emulator.connection_string}
    code, err = _upload_cli(env, str(tra), "--container", "Bad_Name")
    assert code == 2  # the request can never work as asked: usage, not transport
    assert "InvalidResourceName: container names are 3 to 63 lower-case letters" in err
    assert "StorageErrorCode." not in err
    args = ("--container", "cli-conflict", "--blob-name", "fixed/x.tra")
    assert _upload_cli(env, str(tra), *args)[0] == 0
    other = tmp_path / "other.tra"
    other.write_bytes(tra.read_bytes() + b"X")
    code, err = _upload_cli(env, str(other), *args)
    assert code == 2
    assert "a different blob already exists at fixed/x.tra: refusing to overwrite it" in err


def test_cli_short_expiry_is_said_as_written(emulator: azurite.Azurite, tra: Path) -> None:
    env = {"AZURE_STORAGE_CONNECTION_STRING": emulator.connection_string}
    code, err = _upload_cli(env, str(tra), "--expiry", "12h")
    assert code == 2
    assert "a SAS valid for 12h is too short" in err
    assert "12:00:00" not in err


def test_a_refusal_without_a_reason_still_names_one() -> None:
    # The SDK's exception built by hand: Azurite never raises ClientAuthenticationError itself.
    from azure.core.exceptions import ClientAuthenticationError

    from tratool.azure._sessions import _transport_error

    error = _transport_error("upload of x", ClientAuthenticationError(message="Server failed"))
    assert str(error).startswith(
        "upload of x: storage refused the credentials (AuthenticationFailed): check the account"
    )


def _doctor(env: dict[str, str]) -> tuple[int, str]:
    base = {
        "TRATOOL_LOOP_BASE_URL": "http://127.0.0.1:9/",  # nothing listens on the discard port
        "TRATOOL_LOOP_SUBSCRIPTION_KEY": "k",
        "TRATOOL_LOOP_API_KEY": "k:s",
        "AZURE_STORAGE_CONNECTION_STRING": "",
        "TRATOOL_STORAGE_CONTAINER_SAS_URL": "",
    }
    result = CliRunner(env={**base, **env}).invoke(main, ["doctor"])
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stdout


def test_doctor_says_what_a_container_sas_grants(emulator: azurite.Azurite) -> None:
    url = container_sas(emulator, "doctor-rcw", "rcw")
    code, out = _doctor({"TRATOOL_STORAGE_CONTAINER_SAS_URL": url})
    assert code == 4  # Loop is down
    assert "grants 'rcw' on the whole container, not read-only" in out
    assert "read-only SAS" not in out
    assert "sig=" not in out


def test_doctor_with_both_services_down_tries_each_once(emulator: azurite.Azurite) -> None:
    down = emulator.connection_string.replace(
        emulator.blob_endpoint.rsplit("/", 1)[0], "http://127.0.0.1:9"
    )
    assert "127.0.0.1:9/" in down
    code, out = _doctor({"AZURE_STORAGE_CONNECTION_STRING": down})
    assert code == 4
    assert "FAIL  storage: creating container tratool: storage cannot be reached" in out
    assert "FAIL  Loop import status: not tried: Loop cannot be reached" in out
    assert "warn  clock: not compared: Loop cannot be reached" in out
