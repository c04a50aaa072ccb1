"""A client dossier's accounting settings from Loop: the wire, the mapping, the cache."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.conftest import FIXTURES
from tratool.cli import main
from tratool.errors import LoopRejected
from tratool.loop import LoopClient, filters
from tratool.submission.dossier_settings import DossierSettings, fetch, validation_tables
from tratool.submission.settings_cache import SettingsCache, obtain
from tratool.testing.loop_simulator import Simulator, SimulatorOptions

SUB, API = "sim-subscription-key", "sim-key:sim-secret"


@pytest.fixture
def sim() -> Iterator[Simulator]:
    with Simulator(SimulatorOptions(dossiers=("MANON002",))) as running:
        yield running


@pytest.fixture
def client(sim: Simulator) -> LoopClient:
    return LoopClient(sim.settings(), subscription_key=SUB, api_key=API, sleep=lambda s: None)


# Golden wire: the routes and parameters as Cegid's pages spell them (loop-api.md §6.8:
# `journal`, `compte`, `section`, `etablissementComplet`, each with codeDossier, skip, take).
@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("list_journals", "/loop-api-publiques/journal?codeDossier=MANON002&skip=0&take=100"),
        ("list_comptes", "/loop-api-publiques/compte?codeDossier=MANON002&skip=0&take=100"),
        ("list_sections", "/loop-api-publiques/section?codeDossier=MANON002&skip=0&take=100"),
        (
            "list_etablissements",
            "/loop-api-publiques/etablissementComplet?codeDossier=MANON002&skip=0&take=100",
        ),
    ],
)
def test_settings_routes_are_spelled_like_cegids_pages(
    client: LoopClient, sim: Simulator, method: str, expected: str
) -> None:
    rows = list(getattr(client, method)("MANON002"))
    assert rows, "the simulated dossier has records on every settings route"
    first, last = sim.wire  # the page, then the empty page that proves the end
    assert first == ("GET", expected)
    assert last == ("GET", expected.replace("skip=0", f"skip={len(rows)}"))


def test_settings_filter_and_sort_travel_url_encoded(client: LoopClient, sim: Simulator) -> None:
    rows = list(client.list_comptes("MANON002", filters.eq("numero", "41100000"), "numero:desc"))
    assert [r["numero"] for r in rows] == ["41100000"]
    assert sim.wire[0] == (
        "GET",
        "/loop-api-publiques/compte?codeDossier=MANON002"
        "&filter=numero+%3D%3D+%2241100000%22&sort=numero%3Adesc&skip=0&take=100",
    )


def test_settings_are_read_page_after_page(sim: Simulator) -> None:
    client = LoopClient(
        sim.settings(page_size=5), subscription_key=SUB, api_key=API, sleep=lambda s: None
    )
    accounts = [r["numero"] for r in client.list_comptes("MANON002")]
    assert len(accounts) == 13  # the seeded chart of accounts has 13 accounts
    assert [path.split("&", 1)[1] for _, path in sim.wire] == [
        "skip=0&take=5",
        "skip=5&take=5",
        "skip=10&take=5",
        "skip=13&take=5",  # a short page proves nothing: the walk ends on an empty one
    ]


def test_settings_code_is_a_template(sim: Simulator) -> None:
    # Cegid's compte page says "cabinet" where the others say "Code dossier": a setting.
    client = LoopClient(sim.settings(settings_code="cabinet"), subscription_key=SUB, api_key=API)
    with pytest.raises(LoopRejected, match="Le dossier cabinet n'existe pas"):
        list(client.list_sections("MANON002"))
    assert sim.wire[0][1].startswith("/loop-api-publiques/section?codeDossier=cabinet&")


def test_settings_of_an_unknown_dossier_are_refused(client: LoopClient) -> None:
    with pytest.raises(LoopRejected, match="Le dossier NOPE n'existe pas sur le domaine"):
        list(client.list_journals("NOPE"))


def test_a_dossier_created_through_the_api_has_settings(client: LoopClient) -> None:
    assert client.create_dossiers([{"codeDossier": "NEW001", "nature": 2}]).ok
    journals = {r["code"]: r["type"] for r in client.list_journals("NEW001")}
    assert journals == {"HA": 1, "VTE": 8, "BQ1": 4, "OD": 2}


# -- the mapping onto the validator ---------------------------------------------------------


def test_loop_settings_map_onto_the_validator(client: LoopClient) -> None:
    tables = validation_tables(fetch(client, "MANON002"))
    journals, chart = tables["journals"], tables["chart_of_accounts"]
    # Cegid's journal types: Banque 4 is a BQE journal, Vente 8 a VTE journal, Achat 1 ACH.
    assert (journals["BQ1"].nature, journals["VTE"].nature, journals["HA"].nature) == (
        "BQE",
        "VTE",
        "ACH",
    )
    # 401/411/421 collectives are supplier, customer, employee accounts.
    assert [chart[a].nature for a in ("40100000", "41100000", "42100000")] == [
        "COF",
        "COC",
        "COS",
    ]
    assert chart["41100000"].lettrable
    assert not chart["70610000"].lettrable
    assert chart["62570000"].closed
    assert not chart["60610000"].closed
    # analytique: true, and the dossier has sections on axes A1 and A2.
    assert chart["60610000"].ventilable == frozenset({"A1", "A2"})
    assert chart["44571000"].ventilable == frozenset()
    assert tables["sections"] == {
        "A1/ATELIER": False,
        "A1/BUREAU": False,
        "A1/ANCIEN": True,
        "A2/NEGOCE": False,
        "A2/SERVICE": False,
    }
    assert tables["establishments"] == frozenset({"001"})


def test_an_empty_list_gives_no_table() -> None:
    empty = DossierSettings(
        dossier="X", base_url="http://loop/", fetched_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    )
    assert validation_tables(empty) == {}


def test_odd_answers_are_read_for_what_they_say() -> None:
    settings = DossierSettings(
        dossier="X",
        base_url="http://loop/",
        fetched_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        journal=(
            "not an object",
            None,
            {"code": "VT", "type": "8", "ferme": "false"},  # numbers and booleans as text
            {"code": "AC", "type": True, "ferme": "true"},
            {"libelle": "no code"},
        ),
        compte=({"numero": 41100000, "collectif": "false", "lettrable": 1, "ferme": None},),
    )
    tables = validation_tables(settings)
    assert {k: (v.nature, v.closed) for k, v in tables["journals"].items()} == {
        "VT": ("VTE", False),
        "AC": ("", True),
    }
    account = tables["chart_of_accounts"]["41100000"]
    assert (account.nature, account.lettrable, account.closed) == ("", True, False)


def test_section_axis_may_be_an_object_or_a_code() -> None:
    settings = DossierSettings(
        dossier="X",
        base_url="http://loop/",
        fetched_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        section=(
            {"code": "S1", "ferme": False, "axe": {"code": "A3", "libelle": "Projets"}},
            {"code": "S2", "ferme": True, "axe": "A4"},
            {"code": "S3", "ferme": False},  # no axis: cannot be placed, left out
        ),
    )
    assert validation_tables(settings)["sections"] == {"A3/S1": False, "A4/S2": True}


# -- the cache ------------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


def test_the_cache_spares_loop_until_the_ttl_passes(
    client: LoopClient, sim: Simulator, tmp_path: Path
) -> None:
    cache, clock = SettingsCache(tmp_path, dt.timedelta(hours=12)), Clock()
    first = obtain(client, "MANON002", cache, now=clock)
    # one page of each of the 4 lists, then the empty page that ends each walk
    assert (first.source, len(sim.wire)) == ("loop", 8)
    clock.now += dt.timedelta(hours=11)
    second = obtain(client, "MANON002", cache, now=clock)
    assert (second.source, len(sim.wire)) == ("cache", 8)
    assert second.settings == first.settings
    assert "read from Loop at 2026-03-01 08:00 UTC" in str(second.note)
    clock.now += dt.timedelta(hours=2)  # 13 h after the fetch
    assert obtain(client, "MANON002", cache, now=clock).source == "loop"
    assert len(sim.wire) == 16
    assert obtain(client, "MANON002", cache, refresh=True, now=clock).source == "loop"
    assert len(sim.wire) == 24


def test_the_cache_is_one_file_per_loop_and_dossier(client: LoopClient, tmp_path: Path) -> None:
    cache = SettingsCache(tmp_path)
    obtain(client, "MANON002", cache)
    files = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.json"))
    assert len(files) == 1
    assert files[0].name == "MANON002.json"
    # A hostile dossier code stays a file name inside the cache folder.
    assert cache.path("http://loop/", "../../etc/passwd").parent.parent == tmp_path


def test_a_corrupt_cache_is_read_again_from_loop(client: LoopClient, tmp_path: Path) -> None:
    cache = SettingsCache(tmp_path)
    path = cache.path(client.settings.base_url, "MANON002")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\xff{not json")
    assert obtain(client, "MANON002", cache).source == "loop"
    assert json.loads(path.read_text(encoding="utf-8"))["dossier"] == "MANON002"


def test_when_loop_is_down_a_stale_copy_is_used_and_said(tmp_path: Path) -> None:
    cache, clock = SettingsCache(tmp_path, dt.timedelta(hours=1)), Clock()
    with Simulator(SimulatorOptions(dossiers=("MANON002",))) as running:
        client = LoopClient(running.settings(max_attempts=1), subscription_key=SUB, api_key=API)
        obtain(client, "MANON002", cache, now=clock)
    clock.now += dt.timedelta(days=2)
    stale = obtain(client, "MANON002", cache, now=clock)
    assert stale.source == "stale cache"
    assert stale.settings is not None
    assert "Loop could not be read" in str(stale.note)
    assert "cached settings read at 2026-03-01 08:00 UTC" in str(stale.note)
    nothing = obtain(client, "OTHER", cache, now=clock)
    assert (nothing.source, nothing.settings) == ("none", None)
    assert str(nothing.note).startswith("dossier OTHER: settings could not be read from Loop (")


def test_a_dossier_loop_refuses_is_a_refusal_not_an_outage(
    client: LoopClient, tmp_path: Path
) -> None:
    refused = obtain(client, "OTHER", SettingsCache(tmp_path))
    assert (refused.source, refused.settings) == ("refused", None)
    assert str(refused.note).startswith("dossier OTHER: Loop refused to give its settings (GET ")
    assert "HTTP 400: Le dossier OTHER n'existe pas sur le domaine." in str(refused.note)


def test_without_keys_loop_is_not_asked(client: LoopClient, sim: Simulator) -> None:
    result = obtain(client, "MANON002", None, keys=False)
    assert (result.source, result.settings, sim.wire) == ("none", None, [])
    assert "no Loop keys" in str(result.note)


# -- validate --dossier ---------------------------------------------------------------------


# achats-ete.tra with journal ZZ (every line), account 60640000 (the VAT line) and section
# A1/CHANTIER (one analytic line): three things the seeded dossier does not have.
def lacking_file(folder: Path) -> Path:
    lines = (FIXTURES / "achats-ete.tra").read_bytes().split(b"\r\n")
    entries = [b"ZZ " + line[3:] for line in lines[1:] if line]
    changed = [
        line.replace(b"44566000", b"60640000").replace(b"ABUREAU  ", b"ACHANTIER")
        for line in entries
    ]
    path = folder / "PG00002.TRA"
    path.write_bytes(b"\r\n".join([lines[0], *changed, b""]))
    return path


@pytest.fixture
def env(sim: Simulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.chdir(tmp_path)  # no tratool.toml above: the defaults
    return {
        "TRATOOL_LOOP_BASE_URL": sim.url,
        "TRATOOL_LOOP_SUBSCRIPTION_KEY": SUB,
        "TRATOOL_LOOP_API_KEY": API,
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }


def validate_json(env: dict[str, str], *args: str) -> tuple[int, list[dict[str, Any]], str]:
    result = CliRunner().invoke(main, ["validate", *args, "--format", "json"], env=env)
    findings = json.loads(result.stdout)["files"][0]["findings"]
    return result.exit_code, [f for f in findings if f["severity"] != "info"], result.stderr


def test_validate_dossier_refuses_what_the_dossier_lacks_then_passes(
    env: dict[str, str], sim: Simulator, tmp_path: Path
) -> None:
    path = lacking_file(tmp_path)
    code, findings, stderr = validate_json(env, str(path), "--dossier", "MANON002")
    assert code == 1
    assert stderr == (
        "tratool: dossier MANON002: settings read from Loop (4 journals, 13 accounts, "
        "5 sections, 1 establishments)\n"
    )
    located = [(f["rule"], f["line"], f["column"], f["message"]) for f in findings]
    assert located == [
        ("TRA-F01", 2, 1, "journal 'ZZ' does not exist in dossier MANON002"),
        ("TRA-X09", 5, 32, "section A1/CHANTIER does not exist in dossier MANON002"),
        ("TRA-F04", 6, 14, "account '60640000' does not exist in dossier MANON002"),
    ]
    assert {f["severity"] for f in findings} == {"error"}
    sim.store.add_setting("MANON002", "journal", {"code": "ZZ", "libelle": "Achats 2", "type": 1})
    sim.store.add_setting("MANON002", "compte", {"numero": "60640000", "libelle": "Fournitures"})
    sim.store.add_setting(
        "MANON002", "section", {"code": "CHANTIER", "ferme": False, "axe": {"code": "A1"}}
    )
    code, findings, stderr = validate_json(
        env, str(path), "--dossier", "MANON002", "--refresh-settings"
    )
    assert (code, findings) == (0, [])
    assert "5 journals, 14 accounts, 6 sections" in stderr


def test_validate_without_keys_says_it_in_one_line(env: dict[str, str], tmp_path: Path) -> None:
    env = {**env, "TRATOOL_LOOP_API_KEY": ""}
    code, _findings, stderr = validate_json(env, str(lacking_file(tmp_path)), "--dossier", "X1")
    assert code == 0  # the journal, account and section are not known to be missing
    assert stderr == (
        "tratool: dossier X1: settings not read, no Loop keys (TRATOOL_LOOP_SUBSCRIPTION_KEY, "
        "TRATOOL_LOOP_API_KEY): validated without them\n"
    )


def test_validate_against_a_dossier_loop_does_not_know_stops_with_exit_2(
    env: dict[str, str], tmp_path: Path
) -> None:
    # Loop answered: there is no such dossier. Validating "without its settings" would pass a
    # file whose target does not exist, so the run stops instead.
    result = CliRunner().invoke(
        main, ["validate", str(lacking_file(tmp_path)), "--dossier", "NOPE"], env=env
    )
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("tratool: dossier NOPE: Loop refused to give its settings (")
    assert "Le dossier NOPE n'existe pas sur le domaine." in result.stderr
    assert result.stderr.endswith("check the dossier code ('tratool dossier list')\n")


def test_validate_when_loop_cannot_be_reached_says_it_in_one_line(
    env: dict[str, str], tmp_path: Path
) -> None:
    unreachable = {**env, "TRATOOL_LOOP_BASE_URL": "http://127.0.0.1:9"}  # discard port: refused
    code, _, stderr = validate_json(unreachable, str(lacking_file(tmp_path)), "--dossier", "X1")
    assert code == 0  # the journal, account and section are not known to be missing
    assert stderr.count("\n") == 1
    assert stderr.startswith("tratool: dossier X1: settings could not be read from Loop (")
    assert stderr.endswith("): validated without them\n")


def test_tratool_toml_entries_win_over_the_dossiers(env: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "tratool.toml").write_text(
        '[validate.journals]\nZZ = { label = "Achats bis" }\n'
        '[validate.chart_of_accounts]\n60610000 = { nature = "CHA", closed = true }\n',
        encoding="utf-8",
    )
    code, findings, _ = validate_json(env, str(lacking_file(tmp_path)), "--dossier", "MANON002")
    assert code == 1
    messages = [(f["rule"], f["message"]) for f in findings]
    # ZZ is declared locally; 60610000 is closed locally (no "in dossier": not Loop's word).
    assert ("TRA-F01", "journal 'ZZ' does not exist in dossier MANON002") not in messages
    assert ("TRA-X09", "section A1/CHANTIER does not exist in dossier MANON002") in messages
    assert ("TRA-F04", "account '60640000' does not exist in dossier MANON002") in messages


def test_dossier_settings_command_prints_the_validate_tables(env: dict[str, str]) -> None:
    result = CliRunner().invoke(main, ["dossier", "settings", "MANON002"], env=env)
    assert result.exit_code == 0
    assert result.stdout.startswith("# dossier MANON002, read from http://127.0.0.1:")
    printed = tomllib.loads(result.stdout)["validate"]  # TOML that parses back
    assert printed["journals"]["HA"]["label"] == "Journal des achats"
    sections = printed["sections"]
    assert (sections["A1/ATELIER"], sections["A1/BUREAU"], sections["A1/ANCIEN"]) == (
        False,
        False,
        True,
    )
    again = CliRunner().invoke(
        main, ["dossier", "settings", "MANON002", "--format", "json"], env=env
    )
    data = json.loads(again.stdout)
    assert (data["dossier"], data["source"]) == ("MANON002", "cache")
    assert data["validate"]["chart_of_accounts"]["40100000"] == {
        "nature": "COF",
        "lettrable": True,
        "ventilable": [],
        "closed": False,
    }
    assert data["validate"]["establishments"] == ["001"]


def test_dossier_settings_command_fails_clearly(env: dict[str, str]) -> None:
    result = CliRunner().invoke(main, ["dossier", "settings", "NOPE"], env=env)
    assert result.exit_code == 2  # Loop answered: no such dossier (not a transport failure)
    assert result.stdout == ""
    assert "Le dossier NOPE n'existe pas sur le domaine." in result.stderr


def test_an_empty_dossier_code_is_a_usage_error(env: dict[str, str], tmp_path: Path) -> None:
    path = lacking_file(tmp_path)
    for code in (" ", ""):  # ("": once taken for no --dossier at all, the check switched off)
        result = CliRunner().invoke(main, ["validate", str(path), "--dossier", code], env=env)
        assert (result.exit_code, result.stderr) == (2, "tratool: --dossier needs a dossier code\n")
    result = CliRunner().invoke(main, ["dossier", "settings", ""], env=env)
    assert (result.exit_code, result.stderr) == (2, "tratool: a dossier code is needed\n")
