"""`config show` prints TOML that is the configuration: pasted back, it gives the same."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import FIXTURES
from tratool.cli import main
from tratool.config import dump_toml, format_duration, parse_duration
from tratool.submission.journal import SubmissionJournal

CONFIG = """
[loop]
base_url = "https://loop.example/api/"
page_size = 50
cabinet_code = "Cabinet « é »\\nsuite"

[storage]
account_url = "https://fromfile.blob.core.windows.net"
container = "exports"

[push]
timeout = "90m"
sas_expiry = "2d"

[profiles.inte.push]
timeout = "2h"
"""


def run(args: list[str], folder: Path, **env: str) -> tuple[int, str, str]:
    environment = {"TRATOOL_JOURNAL": str(folder / "journal.sqlite"), **env}
    for name in (
        "AZURE_STORAGE_CONNECTION_STRING",
        "AZURE_STORAGE_ACCOUNT_URL",
        "AZURE_STORAGE_ACCOUNT",
        "TRATOOL_LOOP_BASE_URL",
        "TRATOOL_PROFILE",
    ):
        environment.setdefault(name, "")
    result = CliRunner(env=environment).invoke(main, args)
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stdout, result.stderr


def test_config_show_parses_back_to_the_same_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "tratool.toml").write_text(CONFIG, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, shown, err = run(["config", "show", "--profile", "inte"], tmp_path)
    assert code == 0, err
    data = tomllib.loads(shown)  # what the hand-written writer could not do: a newline
    assert data["loop"]["cabinet_code"] == "Cabinet « é »\nsuite"
    assert data["push"]["timeout"] == "2h"  # the profile's value, as people write it
    assert data["push"]["sas_expiry"] == "48h"
    assert data["storage"]["account_url"] == "https://fromfile.blob.core.windows.net"
    again = tmp_path / "elsewhere"
    again.mkdir()
    (again / "t.toml").write_text(shown, encoding="utf-8")
    monkeypatch.chdir(again)  # no tratool.toml found from here: only --config speaks
    code, second, err = run(["--config", str(again / "t.toml"), "config", "show"], tmp_path)
    assert code == 0, err
    assert second == shown


def test_config_show_leaves_out_an_account_the_credentials_do_not_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "tratool.toml").write_text(CONFIG, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    secret = "DefaultEndpointsProtocol=https;AccountName=real;AccountKey=c2VjcmV0;"
    code, shown, _ = run(["config", "show"], tmp_path, AZURE_STORAGE_CONNECTION_STRING=secret)
    assert code == 0
    assert "account_url" not in tomllib.loads(shown)["storage"]
    assert "# credentials: connection string" in shown
    assert "# AZURE_STORAGE_CONNECTION_STRING: set (hidden)" in shown
    assert "c2VjcmV0" not in shown


def test_config_show_says_where_each_value_comes_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "tratool.toml").write_text(CONFIG, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, shown, _ = run(
        ["config", "show", "--sources"],
        tmp_path,
        TRATOOL_LOOP_BASE_URL="http://127.0.0.1:9/",
    )
    assert code == 0
    assert "#   loop.base_url: env TRATOOL_LOOP_BASE_URL" in shown
    assert f"#   loop.page_size: {tmp_path / 'tratool.toml'}" in shown
    assert f"#   push.timeout: {tmp_path / 'tratool.toml'}" in shown
    code, shown, _ = run(["config", "show", "--sources", "--profile", "inte"], tmp_path)
    assert f"#   push.timeout: {tmp_path / 'tratool.toml'} (profile inte)" in shown


def test_a_bad_timeout_flag_is_blamed_on_the_flag(tmp_path: Path) -> None:
    code, _, err = run(
        ["push", str(FIXTURES / "ventes-std.tra"), "--dossier", "X", "--timeout", "abc"], tmp_path
    )
    assert code == 2
    assert "tratool: --timeout: 'abc' is not a duration such as 48h" in err
    assert "[push]" not in err


@pytest.mark.parametrize(
    ("table", "line", "said"),
    [
        # What the CLI fuzz found: a number of seconds past what a timedelta holds was exit 70.
        ("dossier", "cache_ttl = 86400000000000.0", "'86400000000000.0' is longer than 100 years"),
        ("dossier", 'cache_ttl = "99999999999999d"', "'99999999999999d' is longer than 100 years"),
        ("push", "sas_expiry = nan", "'nan' is not a duration such as 48h, 2d or 90m"),
        ("push", "timeout = -inf", "'-inf' is not a duration such as 48h, 2d or 90m"),
        ("push", "poll_cap = 3153600001", "'3153600001' is longer than 100 years"),
        ("push", f'timeout = "{"9" * 400}s"', f"'{'9' * 400}s' is longer than 100 years"),
    ],
)
def test_an_impossible_duration_in_the_file_is_a_usage_error(
    table: str, line: str, said: str, tmp_path: Path
) -> None:
    (tmp_path / "tratool.toml").write_text(f"[{table}]\n{line}\n", encoding="utf-8")
    code, _, err = run(["--config", str(tmp_path / "tratool.toml"), "config", "show"], tmp_path)
    assert code == 2
    key = line.split(" =", maxsplit=1)[0]
    assert err == f"tratool: {tmp_path / 'tratool.toml'}: [{table}] {key}: {said}\n"


def test_durations_stop_at_100_years() -> None:
    assert parse_duration("5214w") == dt.timedelta(weeks=5214)  # 99.99 years
    assert parse_duration("36500d") == dt.timedelta(days=36_500)
    with pytest.raises(ValueError, match="'36501d' is longer than 100 years"):
        parse_duration("36501d")
    with pytest.raises(ValueError, match="longer than 100 years"):
        parse_duration("9" * 40 + "s")  # (a timedelta of that many seconds overflows)
    with pytest.raises(ValueError, match="longer than 100 years"):
        parse_duration("9" * 400 + "s")  # (too big for a float)
    with pytest.raises(ValueError, match="longer than 100 years"):
        parse_duration("9" * 5000 + "s")  # (more digits than Python makes an int of)


@pytest.mark.parametrize(
    ("seconds", "written"),
    [(172_800, "48h"), (3600, "60m"), (7200, "2h"), (90, "90s"), (30, "30s"), (43_200, "12h")],
)
def test_durations_are_written_as_people_write_them(seconds: int, written: str) -> None:
    assert format_duration(dt.timedelta(seconds=seconds)) == written
    assert parse_duration(written) == dt.timedelta(seconds=seconds)


def test_dump_toml_round_trips_awkward_values() -> None:
    values = {"é": 'a\nb\t"c"', "list": ("x", "y"), "n": 3, "none": None, "nested": {"k": 1}}
    assert tomllib.loads(dump_toml("t", values)) == {
        "t": {"é": 'a\nb\t"c"', "list": ["x", "y"], "n": 3, "nested": {"k": 1}}
    }


def test_history_has_a_header_row(tmp_path: Path) -> None:
    journal = tmp_path / "journal.sqlite"
    with SubmissionJournal(journal) as book:
        book.record_upload(
            key="k",
            sha256="0" * 64,
            dossier="MANON002",
            endpoint="https://loop.example/",
            file=str(tmp_path / "PG00001.TRA"),
            size=10,
            blob_url="https://blob.example/x",
            forced=False,
        )
    code, out, err = run(["history", "--journal", str(journal)], tmp_path)
    assert code == 0, err
    header, row = out.splitlines()
    assert header.split() == ["created", "dossier", "state", "storage", "Loop", "request", "file"]
    assert row.split()[1:] == ["MANON002", "uploaded", "azure", "-", "PG00001.TRA"]
    assert header.index("dossier") == row.index("MANON002")  # columns line up


def test_a_journal_that_is_not_sqlite_is_a_usage_error(tmp_path: Path) -> None:
    journal = tmp_path / "notes.txt"
    journal.write_text("not a database, but long enough to have a header page\n" * 40)
    before = journal.read_bytes()
    code, _, err = run(["history", "--journal", str(journal)], tmp_path)
    assert code == 2
    assert f"{journal}: cannot read: not a tratool submission journal (an SQLite file)" in err
    assert journal.read_bytes() == before
