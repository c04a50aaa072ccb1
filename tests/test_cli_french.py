"""The command line in French under a French locale: errors, summaries, tables; and a sweep
that finds English left behind (a message said to people but not marked for translation).

The push's French (progress, outcome, duplicate, batch summary) is tested in test_push.py,
against the Loop simulator and Azurite like every other push test.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import tratool.cli.common as main_module
from tests.conftest import FIXTURES
from tests.report_fixture import write_bad_file
from tratool.cli import main
from tratool.i18n import catalogue
from tratool.testing.loop_simulator import Simulator, SimulatorOptions

FRENCH = {"LANG": "fr_FR.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "TRATOOL_LANG": ""}
LOOP_KEYS = {
    "TRATOOL_LOOP_SUBSCRIPTION_KEY": "sim-subscription-key",
    "TRATOOL_LOOP_API_KEY": "sim-key:sim-secret",
}


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner(env={**FRENCH, **(env or {})}).invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def sim() -> Iterator[Simulator]:
    with Simulator(SimulatorOptions(dossiers=("MANON002",))) as running:
        yield running


def test_a_configuration_error_is_said_in_french_with_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "tratool.toml").write_text("[push]\nwait_longer = 1\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, err = run("config", "show")
    assert (code, out) == (2, "")
    assert (
        err
        == f"tratool: {tmp_path / 'tratool.toml'} : clé(s) inconnue(s) dans [push] : wait_longer\n"
    )
    code, _, err = run("push", str(FIXTURES / "ventes-std.tra"))
    assert code == 2
    assert err.endswith(
        "push : donnez exactement une option parmi --dossier, --manifest, --dossier-from\n"
    )


def test_a_missing_file_is_said_in_french(tmp_path: Path) -> None:
    missing = tmp_path / "absent.tra"
    code, out, err = run("validate", str(missing))
    assert (code, out) == (2, "")
    assert err == f"tratool: {missing} : lecture impossible : fichier ou répertoire introuvable\n"
    code, _, err = run("show", str(missing))
    assert code == 2
    assert err == f"tratool: {missing} : lecture impossible : fichier ou répertoire introuvable\n"
    # --lang after the command name wins over the locale, for every command
    code, _, err = run("show", str(missing), "--lang", "en")
    assert err == f"tratool: {missing}: cannot read: No such file or directory\n"


def test_a_misspelt_rule_is_refused_in_french() -> None:
    code, _, err = run("validate", "--select", "TRA-XO1", str(FIXTURES / "ventes-std.tra"))
    assert code == 2
    assert err == "tratool: --select : règle inconnue 'TRA-XO1' ; vouliez-vous dire TRA-X01 ?\n"


def test_show_in_french_names_the_lines_and_writes_amounts_and_dates_the_french_way() -> None:
    code, out, _ = run("show", str(FIXTURES / "ventes-std.tra"))
    assert code == 0
    # ventes-std.tra: 12 lines (a header, 7 general, 4 tiers), 11 entries, 4 pièces, from
    # 04/03/2024 to 25/03/2024, 4 116,59 on each side (docs/tra-format.md's worked example)
    assert "  lignes        12: en-tête 1, générale 7, tiers (X) 4\n" in out
    assert "  écritures     11\n  pièces        4\n  journaux      BQ1 (2), VTE (9)\n" in out
    assert "  dates         04/03/2024 → 25/03/2024\n" in out
    assert "  débit         4 116,59\n  crédit        4 116,59\n" in out
    assert "  en-tête    S5 CLI JRL STD, version 007, générée le 02/04/2024 09:30 par " in out


def test_a_cabinet_listing_in_french(sim: Simulator) -> None:
    env = {**LOOP_KEYS, "TRATOOL_LOOP_BASE_URL": sim.url}
    code, out, err = run("dossier", "list", env=env)
    assert code == 0
    assert out.splitlines()[0].split() == [
        "codeDossier",
        "raisonSociale",
        "nomUsuel",
        "groupeTravail",
    ]
    assert err == "1 enregistrement(s) dossier\n"
    code, _, err = run("dossier", "show", "NOPE", env=env)
    assert code == 1
    assert err == "tratool: aucun dossier 'NOPE' dans le cabinet\n"
    code, _, err = run("groupe", "delete", "G1", env=env)
    assert code == 1  # no such groupe: nothing asked, nothing deleted
    assert err == "tratool: aucun groupe 'G1' dans le cabinet\n"


# -- English left behind ---------------------------------------------------------------------
def english_phrases() -> set[str]:
    """Runs of three words or more of every English message that French says otherwise: one
    of them in a French run's output is a message that was not translated."""
    phrases = set()
    for english, french in catalogue("fr").items():
        for run_of_text in re.split(r"\{[^{}]*\}|[\n:;()«»]", english):
            words = run_of_text.split()
            if len(words) >= 3 and " ".join(words) not in french:
                phrases.add(" ".join(words))
    return phrases


def french_runs(tmp_path: Path, sim: Simulator) -> list[tuple[int, str, str]]:
    """Every command, on clean files where findings would be listed (the findings' own words
    are test_i18n.py's), and through its errors."""
    bad = write_bad_file(tmp_path)
    good = FIXTURES / "ventes-std.tra"
    empty = tmp_path / "empty"
    empty.mkdir()
    csv = tmp_path / "v.csv"
    csv.write_text("Journal;Date;Compte;Libellé;Débit;Crédit\nVTE;31/02/2024;411;x;1;\n")
    loop = {**LOOP_KEYS, "TRATOOL_LOOP_BASE_URL": sim.url}
    journal = str(tmp_path / "j.sqlite")
    return [
        run("show", str(good)),
        run("show", str(bad)),
        run("validate", str(good), str(tmp_path / "none.tra"), str(empty)),
        run("export", str(bad), "--to", "json", "-o", str(tmp_path / "out.json")),
        run("convert", str(FIXTURES / "ventes-excel.csv"), "-o", str(tmp_path / "c.tra")),
        run("convert", str(csv), "-o", str(tmp_path / "d.tra")),
        run("upload", str(bad), env={"AZURE_STORAGE_CONNECTION_STRING": ""}),
        run("config", "show", "--sources"),
        run("history", "--journal", journal),
        run("dossier", "list", env=loop),
        run("dossier", "settings", "MANON002", env=loop),
        run("dossier", "settings", "NOPE", env=loop),
        run("validate", str(good), "--dossier", "MANON002", env=loop),
        run("push", str(good), "--dossier", "MANON002", "--journal", journal, env=loop),
        run("push", str(good), "--dossier", "MANON002", "--journal", journal, env=loop),
        run("doctor", env=loop),
    ]


def test_no_english_phrase_of_the_catalogue_is_left_in_french_runs(
    tmp_path: Path, sim: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    runs = french_runs(tmp_path, sim)
    said = "\n".join(out + err for _, out, err in runs)
    assert "Traceback" not in said
    assert all(code != 70 for code, _, _ in runs)
    left = sorted(phrase for phrase in english_phrases() if phrase in said)
    assert left == []


# What the commands say: a call that prints or fails with text of its own.
SAYING = {"fail", "diagnostic", "echo", "secho", "say", "confirm", "BadParameter", "UsageError"}


def _literal_words(node: ast.expr) -> list[str]:
    """The words written in a string literal, an f-string or a sum of them (option names such
    as --where, and Loop's field names, aside): text that would reach people untranslated."""
    if isinstance(node, ast.BinOp):
        return _literal_words(node.left) + _literal_words(node.right)
    parts: list[str] = []
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        parts.append(node.value)
    elif isinstance(node, ast.JoinedStr):
        parts += [str(v.value) for v in node.values if isinstance(v, ast.Constant)]
    text = re.sub(r"--[\w-]+|\btratool\b", "", " ".join(str(p) for p in parts))
    # Loop's field names (objectId, codeDossier) are written as Loop spells them
    return [w for w in re.findall(r"[A-Za-z]{3,}", text) if not re.search("[a-z][A-Z]", w)]


def test_no_command_prints_text_that_is_not_marked_for_translation() -> None:
    """Every sentence a command prints goes through _() (or is a library Text): a literal
    left in a print or an error call is found here, before a French user meets it."""
    unmarked = []
    for path in sorted((Path(main_module.__file__).parent).glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            words = _literal_words(node.args[0]) if name in SAYING else []
            if words:
                unmarked.append(f"{path.name}:{node.lineno}: {' '.join(words)}")
    assert unmarked == []
