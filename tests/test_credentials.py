"""Credentials: checked when the profile is loaded, never shown anywhere.

A key with a trailing newline (``echo`` into a secret store), a control character, a character
an HTTP header cannot carry, an empty value, a connection string that is not one: exit 2 naming
the variable, the value never echoed, nothing uploaded, nothing sent, no journal row. Then a
full push, failing pushes, ``doctor`` and ``upload --verbose`` run with known secret values — an
account key, a container SAS, the Loop keys — and none of them may appear in stdout, stderr,
the journal or the logs, while the redaction is shown at work on a message that held one.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
import sys
import urllib.parse
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from azure.storage.blob import BlobServiceClient
from click.testing import CliRunner

from tests.conftest import FIXTURES, container_sas
from tests.instant_loop import instant_loop
from tratool.cli import main
from tratool.testing import azurite
from tratool.testing.loop_simulator import Fault, Simulator

# Distinctive values: any of them found in an output is a leak.
SUBSCRIPTION_KEY = "sub-0d9f3c1e7a5b4e2f"
API_KEY = "apikey-51c8e2:secret-9b7d4a6f03e1"
FAST_CONFIG = "[push]\npoll_first = 0.01\npoll_cap = 0.05\n[loop]\nbackoff_base = 0.01\n"


@pytest.fixture
def container() -> str:
    """A container of this test's own in the shared Azurite: its absence proves no upload."""
    return f"cred-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def sim(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, container: str) -> Iterator[Simulator]:
    config = FAST_CONFIG + f'[storage]\ncontainer = "{container}"\n'
    keys = {"subscription_key": SUBSCRIPTION_KEY, "api_key": API_KEY}
    with instant_loop(tmp_path, monkeypatch, config, **keys) as running:
        yield running


@pytest.fixture
def tra(tmp_path: Path) -> Path:
    path = tmp_path / "PG00001.TRA"
    shutil.copy(FIXTURES / "ventes-std.tra", path)
    return path


def _env(sim: Simulator, journal: Path, **storage: str) -> dict[str, str]:
    return {
        "TRATOOL_LOOP_BASE_URL": sim.url,
        "TRATOOL_LOOP_SUBSCRIPTION_KEY": SUBSCRIPTION_KEY,
        "TRATOOL_LOOP_API_KEY": API_KEY,
        "TRATOOL_JOURNAL": str(journal),
        "GITHUB_ACTIONS": "",
        **storage,
    }


def _run(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    result = CliRunner(env=env).invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def _journal_text(path: Path) -> str:
    if not path.exists():
        return ""
    with sqlite3.connect(path) as db:
        return "\n".join(repr(row) for row in db.execute("SELECT * FROM submissions"))


# -- refused when the profile is loaded --------------------------------------------------------
BAD_VALUES = {
    "a trailing newline in the API key": ("TRATOOL_LOOP_API_KEY", API_KEY + "\n", "whitespace"),
    "CR LF in the subscription key": (
        "TRATOOL_LOOP_SUBSCRIPTION_KEY",
        SUBSCRIPTION_KEY + "\r\n",
        "whitespace",
    ),
    "a control character inside the API key": (
        "TRATOOL_LOOP_API_KEY",
        API_KEY[:6] + "\x1b" + API_KEY[6:],
        "control character (character 7)",
    ),
    "a character outside Latin-1": (
        "TRATOOL_LOOP_API_KEY",
        API_KEY + "€",
        "outside Latin-1",
    ),
    "a connection string that is not one": (
        "AZURE_STORAGE_CONNECTION_STRING",
        "secret-garbage-6c1f",
        "is not a connection string",
    ),
    "a connection string whose AccountKey is not base64": (
        "AZURE_STORAGE_CONNECTION_STRING",
        "AccountName=acme;AccountKey=not*base64*7e3a",
        "AccountKey that is not base64",
    ),
    "a connection string with a trailing newline": (
        "AZURE_STORAGE_CONNECTION_STRING",
        "UseDevelopmentStorage=true\n",
        "whitespace",
    ),
}


@pytest.mark.parametrize("case", BAD_VALUES.values(), ids=BAD_VALUES.keys())
@pytest.mark.parametrize("command", ["push", "doctor", "status"])
def test_an_unusable_credential_is_refused_naming_the_variable(
    tra: Path,
    sim: Simulator,
    emulator: azurite.Azurite,
    tmp_path: Path,
    case: tuple[str, str, str],
    command: str,
    container: str,
) -> None:
    variable, value, problem = case
    journal = tmp_path / "journal.sqlite"
    env = _env(sim, journal, AZURE_STORAGE_CONNECTION_STRING=emulator.connection_string)
    env[variable] = value
    args = {
        "push": ["push", str(tra), "--dossier", "MANON002"],
        "doctor": ["doctor"],
        "status": ["status", "some-request"],
    }[command]
    code, out, err = _run(env, *args)
    assert code == 2, (out, err)
    assert f"tratool: {variable}: " in err
    assert problem in err
    assert "its value is not shown" in err
    assert "Traceback" not in out + err
    if value.strip():
        assert value.strip() not in out + err
    assert sim.requests == []  # nothing reached Loop
    assert _journal_text(journal) == ""  # no journal row
    service = BlobServiceClient.from_connection_string(emulator.connection_string)
    assert container not in [c.name for c in service.list_containers()]  # nothing uploaded


def test_upload_with_a_malformed_connection_string_is_a_usage_error(tra: Path) -> None:
    env = {"AZURE_STORAGE_CONNECTION_STRING": "secret-garbage-6c1f"}
    code, out, err = _run(env, "upload", str(tra))
    assert code == 2
    assert "AZURE_STORAGE_CONNECTION_STRING is not a connection string" in err
    assert "secret-garbage-6c1f" not in out + err


@pytest.mark.parametrize("value", [None, ""], ids=["unset", "empty"])
def test_a_missing_loop_key_stops_the_push_before_anything_is_done(
    tra: Path,
    sim: Simulator,
    emulator: azurite.Azurite,
    tmp_path: Path,
    value: str | None,
    container: str,
) -> None:
    journal = tmp_path / "journal.sqlite"
    env: dict[str, str | None] = {
        **_env(sim, journal, AZURE_STORAGE_CONNECTION_STRING=emulator.connection_string)
    }
    env["TRATOOL_LOOP_API_KEY"] = value  # empty counts as not set, as CI systems give it
    result = CliRunner(env=env).invoke(main, ["push", str(tra), "--dossier", "MANON002"])
    code, err = result.exit_code, result.stderr
    assert code == 2
    assert "TRATOOL_LOOP_API_KEY not set" in err
    assert sim.requests == []
    assert _journal_text(journal) == ""
    service = BlobServiceClient.from_connection_string(emulator.connection_string)
    assert container not in [c.name for c in service.list_containers()]  # nothing uploaded


# -- never shown -------------------------------------------------------------------------------
def _assert_hidden(text: str, secrets: list[str]) -> None:
    for secret in secrets:
        assert secret not in text
        assert urllib.parse.quote(secret, safe="") not in text  # nor URL-encoded


def _refuse_the_import_quoting(sim: Simulator, sas_url: str) -> None:
    """Loop refuses the next import with a message that quotes the SAS URL it was given."""
    quoted = {"statusCode": 400, "message": f"Fichier illisible : {sas_url}"}
    sim.faults.append(
        Fault(status=400, body=json.dumps(quoted).encode(), method="POST", route="import_tra")
    )


def test_no_secret_in_any_output_of_push_doctor_and_upload(
    tra: Path, sim: Simulator, emulator: azurite.Azurite, tmp_path: Path
) -> None:
    journal = tmp_path / "journal.sqlite"
    sas_url = container_sas(emulator, "leaks", "racwl")
    signature = urllib.parse.parse_qs(urllib.parse.urlsplit(sas_url).query)["sig"][0]
    secrets = [SUBSCRIPTION_KEY, API_KEY, azurite.KEY, signature]
    outputs: list[str] = []

    # A full push with the account key (connection string), in JSON and GitHub formats.
    with_key = _env(sim, journal, AZURE_STORAGE_CONNECTION_STRING=emulator.connection_string)
    code, out, err = _run(with_key, "push", str(tra), "--dossier", "MANON002", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["ok"] is True
    outputs += [out, err]
    code, out, err = _run(with_key, "push", str(tra), "--dossier", "MANON002", "--format", "github")
    assert code == 1  # already pushed
    outputs += [out, err]

    # A failing push with the container SAS, whose refusal quotes the SAS URL it was given:
    # the message held the signature, and redaction took it out.
    other = tmp_path / "PG00002.TRA"
    other.write_bytes(tra.read_bytes().replace(b"Fils mars", b"Fils avril"[:9]))
    with_sas = _env(sim, journal, TRATOOL_STORAGE_CONTAINER_SAS_URL=sas_url)
    _refuse_the_import_quoting(sim, sas_url)
    code, out, err = _run(with_sas, "push", str(other), "--dossier", "MANON002")
    assert code == 1, err
    assert "REFUSED by Loop" in out
    assert "Fichier illisible" in err
    assert "sig=REDACTED" in err  # redaction exercised on a message that held the secret
    outputs += [out, err]

    # doctor, right keys then a wrong API key (its refusal is reported, the keys are not).
    code, out, err = _run(with_key, "doctor")
    assert code == 0, out
    outputs += [out, err]
    code, out, err = _run({**with_key, "TRATOOL_LOOP_API_KEY": "wrong:key"}, "doctor")
    assert code == 4
    assert "the keys are refused" in out
    outputs += [out, err]

    # upload --verbose: the Azure SDK's own request logs, through the redacting filter.
    exe = Path(sys.executable).parent / "tratool"
    done = subprocess.run(
        [str(exe), "upload", str(tra), "--container", "verbose", "--verbose"],
        env={"PATH": "", "AZURE_STORAGE_CONNECTION_STRING": emulator.connection_string},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Request URL" in done.stderr  # the SDK's logs were on
    # stdout carries the blob's SAS URL on purpose (it is what `upload` is for); the logs
    # carry every signature redacted.
    assert set(re.findall(r"sig=[^&'\s]*", done.stderr)) <= {"sig=REDACTED"}
    outputs += [done.stdout, done.stderr]

    outputs.append(_journal_text(journal))
    assert "leaks" in outputs[-1]  # the journal knows where the file went…
    _assert_hidden("\n".join(outputs), secrets)  # …and none of the secrets


def test_a_refusal_quoting_a_sas_url_is_redacted_in_french_too(
    tra: Path, sim: Simulator, emulator: azurite.Azurite, tmp_path: Path
) -> None:
    """The French of an error is rendered at the command line, after the English was
    redacted where the error was made: it is redacted again there."""
    sas_url = container_sas(emulator, "leaks-fr", "racwl")
    signature = urllib.parse.parse_qs(urllib.parse.urlsplit(sas_url).query)["sig"][0]
    env = {
        **_env(sim, tmp_path / "journal.sqlite", TRATOOL_STORAGE_CONTAINER_SAS_URL=sas_url),
        "LANG": "fr_FR.UTF-8",
        "LC_ALL": "",
        "LC_MESSAGES": "",
        "TRATOOL_LANG": "",
    }
    _refuse_the_import_quoting(sim, sas_url)
    code, out, err = _run(env, "push", str(tra), "--dossier", "MANON002")
    assert code == 1, err
    assert "REFUSÉ par Loop" in out
    assert " : HTTP 400 : Fichier illisible : " in err  # the French frame around Loop's words
    assert "sig=REDACTED" in err
    _assert_hidden(out + err, [SUBSCRIPTION_KEY, API_KEY, signature])
