"""push without an Azure account (Loop's own storage) and against the dossier's settings."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.conftest import FIXTURES
from tests.test_dossier_settings import lacking_file
from tratool.cli import main
from tratool.submission.journal import SubmissionJournal
from tratool.testing.loop_simulator import Simulator, SimulatorOptions

SUB, API = "sim-subscription-key", "sim-key:sim-secret"
NO_AZURE = (
    "AZURE_STORAGE_CONNECTION_STRING",
    "AZURE_STORAGE_ACCOUNT_KEY",
    "AZURE_STORAGE_KEY",
    "AZURE_STORAGE_ACCOUNT_URL",
    "AZURE_STORAGE_ACCOUNT",
    "TRATOOL_STORAGE_CONTAINER_SAS_URL",
)


@pytest.fixture
def sim() -> Iterator[Simulator]:
    options = SimulatorOptions(dossiers=("MANON002",), waiting_seconds=0.05, running_seconds=0.05)
    with Simulator(options) as running:
        yield running


@pytest.fixture
def env(sim: Simulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str | None]:
    monkeypatch.chdir(tmp_path)
    # No [storage] at all; [push] only so that the import is polled every few milliseconds
    # instead of after the 3 s a real push waits first.
    config = "[push]\npoll_first = 0.01\npoll_cap = 0.05\n"
    (tmp_path / "tratool.toml").write_text(config, encoding="utf-8")
    return {
        **dict.fromkeys(NO_AZURE),  # None: removed from the environment
        "TRATOOL_LOOP_BASE_URL": sim.url,
        "TRATOOL_LOOP_SUBSCRIPTION_KEY": SUB,
        "TRATOOL_LOOP_API_KEY": API,
        "TRATOOL_JOURNAL": str(tmp_path / "journal.sqlite"),
    }


@pytest.fixture
def tra(tmp_path: Path) -> Path:
    path = tmp_path / "PG00001.TRA"
    path.write_bytes((FIXTURES / "ventes-std.tra").read_bytes())
    return path


def run(env: dict[str, str | None], *args: str) -> Result:
    return CliRunner().invoke(main, ["push", *args, "--timeout", "20s"], env=env)


def routes(sim: Simulator) -> list[str]:
    return [f"{method} {path.split('?')[0]}" for method, path in sim.wire]


def test_push_without_any_azure_configuration_goes_through_loop_storage(
    env: dict[str, str | None], sim: Simulator, tmp_path: Path, tra: Path
) -> None:
    result = run(env, str(tra), "--dossier", "MANON002", "--format", "json")
    assert result.exit_code == 0, result.output
    assert (
        "tratool: no Azure storage credentials configured: the file goes to the storage Loop "
        "provides (getFileUrlDeposit)\n" in result.stderr
    )
    [row] = json.loads(result.stdout)["results"]
    assert (row["outcome"], row["storage"], row["blob_url"]) == ("succeeded", "loop", None)
    assert row["uri"].endswith("/PG00001.TRA")
    steps = [r for r in routes(sim) if "getImportStatus" not in r]
    assert steps[-3:] == [
        "GET /loop-api-publiques/getFileUrlDeposit",
        f"PUT /deposit/{row['uri']}",
        "POST /loop-api-publiques/importTra",
    ]
    [import_body] = [json.loads(b) for b in sim.bodies if b'"URI"' in b]
    assert import_body == {"codeIbs": "MANON002", "URI": row["uri"], "URL": ""}
    assert sim.deposits.files[row["uri"]] == tra.read_bytes()
    with SubmissionJournal(tmp_path / "journal.sqlite") as journal:
        [entry] = journal.history()
    assert (entry.storage, entry.uri, entry.blob_url, entry.state) == (
        "loop",
        row["uri"],
        None,
        "succeeded",
    )


def test_push_refuses_what_the_dossier_lacks_before_anything_is_uploaded(
    env: dict[str, str | None], sim: Simulator, tmp_path: Path
) -> None:
    path = lacking_file(tmp_path)
    result = run(env, str(path), "--dossier", "MANON002")
    assert result.exit_code == 1
    assert f"NOT SENT (validation errors): {path} -> dossier MANON002" in result.stdout
    for located in (
        ":2:1: error TRA-F01 journal: journal 'ZZ' does not exist in dossier MANON002",
        ":5:32: error TRA-X09 auxiliary: section A1/CHANTIER does not exist in dossier MANON002",
        ":6:14: error TRA-F04 account: account '60640000' does not exist in dossier MANON002",
    ):
        assert result.stderr.count(located) == 1, result.stderr
    assert not [r for r in routes(sim) if "getFileUrlDeposit" in r or "importTra" in r]
    assert sim.deposits.files == {}
    sim.store.add_setting("MANON002", "journal", {"code": "ZZ", "libelle": "Achats 2", "type": 1})
    sim.store.add_setting("MANON002", "compte", {"numero": "60640000", "libelle": "Fournitures"})
    sim.store.add_setting(
        "MANON002", "section", {"code": "CHANTIER", "ferme": False, "axe": {"code": "A1"}}
    )
    again = run(env, str(path), "--dossier", "MANON002", "--refresh-settings")
    assert again.exit_code == 0, again.output
    assert f"imported: {path} -> dossier MANON002" in again.stdout


def test_explicit_azure_without_credentials_is_a_configuration_error(
    env: dict[str, str | None], sim: Simulator, tmp_path: Path, tra: Path
) -> None:
    result = run(env, str(tra), "--dossier", "MANON002", "--storage", "azure")
    assert result.exit_code == 2
    assert "getFileUrlDeposit" not in result.stderr
    assert not [r for r in routes(sim) if "getFileUrlDeposit" in r or "importTra" in r]


def test_explicit_loop_storage_ignores_azure_credentials(
    env: dict[str, str | None], sim: Simulator, tmp_path: Path, tra: Path
) -> None:
    with (tmp_path / "tratool.toml").open("a", encoding="utf-8") as config:
        config.write('[storage]\nmode = "loop"\n')
    unreachable = "DefaultEndpointsProtocol=https;AccountName=x;AccountKey=eA==;BlobEndpoint=https://127.0.0.1:9/x;"
    result = run(
        {**env, "AZURE_STORAGE_CONNECTION_STRING": unreachable}, str(tra), "--dossier", "MANON002"
    )
    assert result.exit_code == 0, result.output
    assert "no Azure storage credentials" not in result.stderr  # chosen, not defaulted to
    assert "deposited PG00001.TRA in Loop's storage as " in result.stdout


def test_an_unknown_storage_mode_is_a_configuration_error(
    env: dict[str, str | None], tmp_path: Path, tra: Path
) -> None:
    (tmp_path / "tratool.toml").write_text('[storage]\nmode = "s3"\n', encoding="utf-8")
    result = run(env, str(tra), "--dossier", "MANON002")
    assert result.exit_code == 2
    assert "[storage] mode: 's3' is not one of auto, azure, loop" in result.stderr


def test_a_journal_written_before_loop_storage_gains_its_columns(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE submissions (id INTEGER PRIMARY KEY, key TEXT NOT NULL, sha256 TEXT "
            "NOT NULL, dossier TEXT NOT NULL, endpoint TEXT NOT NULL, file TEXT NOT NULL, size "
            "INTEGER NOT NULL, state TEXT NOT NULL, blob_url TEXT, request_id TEXT, status_code "
            "INTEGER, message TEXT, forced INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL, "
            "updated_at TEXT NOT NULL)"
        )
        db.execute(
            "INSERT INTO submissions VALUES (1, 'k', 's', 'D', 'e', 'f', 1, 'succeeded', "
            "'https://a/b', 'r', 3, NULL, 0, 't', 't')"
        )
    with SubmissionJournal(path) as journal:
        [old] = journal.history()
    assert (old.storage, old.uri, old.blob_url) == ("azure", None, "https://a/b")


def test_doctor_without_azure_checks_the_storage_loop_provides(
    env: dict[str, str | None], sim: Simulator
) -> None:
    result = CliRunner().invoke(main, ["doctor"], env=env)
    lines = result.stdout.splitlines()
    assert "ok    storage credentials: none needed: the storage Loop provides" in lines
    assert "ok    storage: Loop storage: getFileUrlDeposit answers a place" in lines
    assert "GET /loop-api-publiques/getFileUrlDeposit" in routes(sim)
    assert sim.deposits.files == {}  # doctor puts nothing there


def test_push_reads_standard_input_given_as_dash(
    env: dict[str, str | None], sim: Simulator, tmp_path: Path
) -> None:
    data = (FIXTURES / "ventes-std.tra").read_bytes()
    result = CliRunner().invoke(
        main,
        ["push", "-", "--dossier", "MANON002", "--format", "json", "--timeout", "20s"],
        env=env,
        input=data,
    )
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.stdout)["results"]
    assert (row["outcome"], row["storage"]) == ("succeeded", "loop")
    assert row["uri"].endswith("/stdin.tra")
    # The journal knows the piped bytes by their digest, and the copy is gone afterwards.
    with SubmissionJournal(tmp_path / "journal.sqlite") as journal:
        [entry] = journal.history()
    assert entry.sha256 == hashlib.sha256(data).hexdigest()
    assert not Path(row["file"]).exists()


def test_an_unusable_journal_stops_the_push_before_any_request(
    env: dict[str, str | None], sim: Simulator, tmp_path: Path, tra: Path
) -> None:
    """A configuration problem is found before the dossier's settings are asked of Loop."""
    broken = tmp_path / "not-a-journal.sqlite"
    broken.write_bytes(b"these bytes are not an SQLite database" * 10)
    result = run({**env, "TRATOOL_JOURNAL": str(broken)}, str(tra), "--dossier", "MANON002")
    assert result.exit_code == 2, result.output
    assert "not a tratool submission journal" in result.stderr
    assert routes(sim) == []
    assert broken.read_bytes() == b"these bytes are not an SQLite database" * 10


def test_push_to_a_dossier_loop_does_not_know_stops_before_anything_is_sent(
    env: dict[str, str | None], sim: Simulator, tra: Path
) -> None:
    result = run(env, str(tra), "--dossier", "NOPE")
    assert result.exit_code == 2
    assert "dossier NOPE: Loop refused to give its settings (" in result.stderr
    # Only the settings request was made: no deposit URL asked, nothing imported.
    assert all("getFileUrlDeposit" not in r and "importTra" not in r for r in routes(sim))
