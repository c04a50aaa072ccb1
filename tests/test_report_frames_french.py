"""The frame of each report in French: what surrounds the findings (rule titles, headings,
labels, totals) is French too, while what machines match on (rule ids, SARIF names and tags,
JSON keys, GitLab fingerprints) stays the same in both languages.

The French words checked are written here; the sweep for English left behind takes its
phrases from the English templates Babel extracts from the report modules, so a phrase added
later without a French text is caught as well.
"""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from babel.messages.extract import extract_from_file

import tratool
from tests.conftest import FIXTURES
from tests.report_fixture import write_bad_file
from tests.test_findings_french import bad_file
from tratool.i18n import catalogue
from tratool.validation import RULES
from tratool.validation.renderers import RENDERERS
from tratool.validation.renderers.html_report import html_report

PACKAGE = Path(__file__).resolve().parent.parent / "tratool"
REPORT_MODULES = [
    PACKAGE / "validation" / "rules.py",
    PACKAGE / "validation" / "render.py",
    *sorted((PACKAGE / "validation" / "renderers").glob("*.py")),
]
SCHEMA = Path(__file__).parent / "data" / "sarif-2.1.0-rtm.5.json"
NBSP = "\u00a0"


def english_phrases() -> set[str]:
    """The phrases of the report modules' English templates (two words or more, between
    placeholders) that their French texts do not repeat: none may show in a French report."""
    french = catalogue("fr")
    phrases = set()
    for module in REPORT_MODULES:
        for _, message, _, _ in extract_from_file("python", str(module)):
            if not isinstance(message, str):
                continue
            for piece in re.split(r"\{[^{}]*\}", message):
                part = piece.strip(" .;:,()")
                if " " in part and part not in french.get(message, ""):
                    phrases.add(part)
    return phrases


def readable(fmt: str, rendered: str) -> str:
    """The words a person reads in a report, markup escapes undone."""
    if fmt in ("sarif", "gitlab"):
        return json.dumps(json.loads(rendered), ensure_ascii=False)
    return html.unescape(rendered)


def test_the_sweep_knows_the_frames_phrases() -> None:
    phrases = english_phrases()
    assert {"Findings by rule", "entry date is a calendar date", "columns"} & phrases == {
        "Findings by rule",
        "entry date is a calendar date",
    }
    assert "more finding(s) not listed (--max-findings" in phrases


@pytest.mark.parametrize("fmt", ["text", "github", "sarif", "junit", "gitlab", "html"])
def test_no_english_phrase_is_left_in_a_french_report(fmt: str, tmp_path: Path) -> None:
    report = tratool.validate(bad_file(tmp_path))
    report.dropped = 2  # the "not listed" note too
    french = readable(fmt, RENDERERS[fmt]([report], lang="fr"))
    english = readable(fmt, RENDERERS[fmt]([report], lang="en"))
    phrases = english_phrases()
    assert sorted(p for p in phrases if p in french) == []
    if fmt not in ("github", "gitlab"):  # these two have no frame: only findings
        assert any(p in english for p in phrases)  # the sweep would see them


def sarif_rules(log: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {rule["id"]: rule for rule in log["runs"][0]["tool"]["driver"]["rules"]}


def test_sarif_describes_the_rules_in_french_and_keeps_its_identifiers(tmp_path: Path) -> None:
    report = tratool.validate(bad_file(tmp_path))
    log = json.loads(RENDERERS["sarif"]([report], lang="fr"))
    english = json.loads(RENDERERS["sarif"]([report], lang="en"))
    assert log["runs"][0]["language"] == "fr"
    assert english["runs"][0]["language"] == "en"
    f02, x01 = sarif_rules(log)["TRA-F02"], sarif_rules(log)["TRA-X01"]
    assert f02["shortDescription"]["text"] == "la date comptable est une date du calendrier"
    assert f02["fullDescription"]["text"] == (
        "la date comptable est une date du calendrier (règle de zone)"
    )
    assert f02["help"]["text"] == (
        "TRA-F02 : la date comptable est une date du calendrier (docs/validation.md). "
        "Cegid : « Date comptable manquante ou incorrecte (pos 4). »"
    )
    assert x01["fullDescription"]["text"] == "chaque pièce est équilibrée (règle entre lignes)"
    # What machines match on is the same in both languages.
    for rule_id, rule in sarif_rules(english).items():
        french = sarif_rules(log)[rule_id]
        assert (french["name"], french["properties"]) == (rule["name"], rule["properties"])
        assert french["shortDescription"] != rule["shortDescription"], rule_id
    assert f02["name"] == "EntryDateIsACalendarDate"
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == [
        r["ruleId"] for r in english["runs"][0]["results"]
    ]


def test_the_french_sarif_is_valid_against_the_official_schema(tmp_path: Path) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    log = json.loads(RENDERERS["sarif"]([tratool.validate(bad_file(tmp_path))], lang="fr"))
    assert sorted(jsonschema.Draft4Validator(schema).iter_errors(log), key=str) == []


def test_junit_names_its_cases_and_totals_in_french(tmp_path: Path) -> None:
    report = tratool.validate(write_bad_file(tmp_path))
    suite = ET.fromstring(RENDERERS["junit"]([report], lang="fr")).find("testsuite")
    assert suite is not None
    names = [case.attrib["name"] for case in suite.iter("testcase")]
    assert "TRA-F02 la date comptable est une date du calendrier" in names
    assert "TRA-D01 encodage Windows-1252 sur un octet" in names
    assert all(name.split(" ", 1)[0] in RULES for name in names)  # the id still leads
    # The fixture's totals: 12 lines, 11 entries, 4 pièces; debit 4116.59, credit 4216.59.
    assert suite.findtext("system-out") == (
        f"lignes 12, écritures 11, pièces 4, débit 4{NBSP}116,59, crédit 4{NBSP}216,59; "
        "3 erreur(s), 0 avertissement(s), 5 information(s)"
    )


def test_gitlab_fingerprints_and_check_names_do_not_depend_on_the_language(
    tmp_path: Path,
) -> None:
    report = tratool.validate(bad_file(tmp_path))
    french = json.loads(RENDERERS["gitlab"]([report], lang="fr"))
    english = json.loads(RENDERERS["gitlab"]([report], lang="en"))
    keys = ("check_name", "fingerprint", "severity", "categories", "location")
    assert [[i[k] for k in keys] for i in french] == [[i[k] for k in keys] for i in english]
    sens = next(i for i in french if i["check_name"] == "TRA-F10")
    assert sens["description"].startswith("TRA-F10: le sens 'X' n'est ni D ni C (conseil : ")


def test_the_html_frame_is_french(tmp_path: Path) -> None:
    report = tratool.validate(write_bad_file(tmp_path))
    page = RENDERERS["html"]([report], lang="fr")
    for words in (
        '<html lang="fr">',
        "<title>Rapport de contrôle tratool</title>",
        "<h1>Rapport de contrôle tratool</h1>",
        "<p>tratool ",
        " ; 1 fichier(s)</p>",
        "<legend>Gravité</legend>",
        "<legend>Règle</legend>",
        ' value="warning" checked> avertissement</label>',
        '<label title="chaque pièce est équilibrée">',
        "<h3>Synthèse</h3>",
        '<tr><th>verdict</th><td><strong class="verdict failed">REFUSÉ</strong></td></tr>',
        # Four notes are listed: the totals note (TRA-D07) is the summary itself.
        "<tr><th>anomalies</th><td>3 erreur(s), 0 avertissement(s), 4 information(s)</td></tr>",
        "<tr><th>lignes</th><td>12 (11 écritures)</td></tr>",
        "<tr><th>journaux</th><td>BQ1 (2), VTE (9)</td></tr>",
        "<tr><th>dates</th><td>04/03/2024 → 25/03/2024</td></tr>",
        f"<tr><th>débit</th><td>4{NBSP}116,59</td></tr>",
        "<h3>Équilibre par pièce</h3><p>2 pièce(s) sur 5 non équilibrée(s).</p>",
        "<th>pièce</th><th>ligne</th><th>débit</th><th>crédit</th><th>écart</th>",
        f'<td class="num">-1{NBSP}600,00</td>',
        "<h3>Anomalies par règle</h3>",
        "<h4>TRA-F02 la date comptable est une date du calendrier ",
        '<span class="badge error">erreur</span>',
        '<a href="#f0-l2">ligne 2</a>, colonne 4, <code>date</code> : <span lang="fr">',
        '<h3>Anomalies par ligne</h3><p class="legend">Au-dessus de chaque ligne, une règle',
        "<h4>Fichier entier</h4>",
        "<h4>Ligne 2</h4>",
        'aria-label="ligne 2, colonnes 1 à 100"',
        'title="date, colonnes 4–11 : TRA-F02"',
    ):
        assert words in page, words


def test_the_html_frames_other_notes_are_french(tmp_path: Path) -> None:
    clean = tratool.validate(FIXTURES / "ventes-std.tra")
    clean.findings = [f for f in clean.findings if f.rule == "TRA-D07"]  # no finding to list
    page = html_report([clean], {clean.path: None}, "fr")
    assert "<h3>Anomalies par règle</h3><p>Aucune.</p>" in page
    assert "Équilibre par pièce indisponible (le fichier n'a pas pu être relu)." in page
    bad = tratool.validate(write_bad_file(tmp_path))
    bad.dropped = 3
    assert "<p>3 autre(s) anomalie(s) non listée(s) (--max-findings).</p>" in RENDERERS["html"](
        [bad], lang="fr"
    )


def test_every_rule_title_has_its_own_french_text() -> None:
    french = catalogue("fr")
    titles = {rule_id: rule.title.template for rule_id, rule in RULES.items()}
    untranslated = [i for i, title in titles.items() if french.get(title, title) == title]
    assert untranslated == []
    assert RULES["TRA-X01"].title.render("fr") == "chaque pièce est équilibrée"
    assert str(RULES["TRA-X01"].title) == "every pièce balances"
