"""Every finding is said in French: the rule-trigger corpora run with the French catalogue, and
no message or hint comes out as an English template left untranslated (an f-string message,
or an N_() whose text the catalogue lacks, fails here). Then what a person reads in each format.
"""

from __future__ import annotations

import ast
import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.extract import extract
from click.testing import CliRunner

import tratool
from tests.report_fixture import bad_lines
from tests.test_engines_differential import CONFIGS, TRIGGERS
from tests.test_engines_differential import put as overwrite
from tests.test_rule_mirrors import BASE, BASE_ETE, FIELD_CASES, JOURNALS, both
from tratool.cli import main
from tratool.errors import ConfigError
from tratool.i18n import Text, catalogue
from tratool.tra import layout
from tratool.validation import (
    AccountInfo,
    FiscalYear,
    JournalInfo,
    Report,
    TiersInfo,
    ValidationConfig,
    validate,
)
from tratool.validation.renderers import RENDERERS

from .tra_lines import put, run

PACKAGE = Path(__file__).resolve().parent.parent / "tratool"
HEADER = layout.HEADER


def texts_of(text: Text) -> Iterator[Text]:
    """A text and the texts inside its arguments (" in dossier X", "blank", "entry date"…)."""
    yield text
    for _, value in text.args:
        if isinstance(value, Text):
            yield from texts_of(value)


def with_header(**fields: str) -> list[str]:
    line = BASE[0]
    for name, value in fields.items():
        line = put(line, name, value, HEADER)
    return [line, *BASE[1:]]


LAYOUTS = {**layout.PARAMETER_LAYOUTS, "PS2": layout.LENGTHS, "PS5": layout.CURRENCY}


def parameter(record: str, **fields: str) -> str:
    """A ***code parameter record with raw fields."""
    lay = LAYOUTS[record]
    line = ("***" + record).ljust(lay.end)
    for name, value in fields.items():
        line = put(line, name, value, lay)
    return line


DOSSIER = ValidationConfig().with_dossier(
    "D1",
    {
        "journals": {"ACH": JournalInfo(closed=True), "BQ": JournalInfo(mode="BOR")},
        "chart_of_accounts": {
            "41100000": AccountInfo(nature="COC"),
            "70610000": AccountInfo(nature="PRO", lettrable=False),
        },
        "sections": {"A1/OLD": True},
        "establishments": frozenset({"001"}),
    },
)
YEARS = ValidationConfig(
    fiscal_years=(
        FiscalYear(dt.date(2023, 1, 1), dt.date(2023, 12, 31), "CLO"),
        FiscalYear(dt.date(2024, 1, 1), dt.date(2024, 12, 31), "OUV"),
        FiscalYear(dt.date(2025, 1, 1), dt.date(2025, 12, 31), "NON"),
    ),
    closed_until=dt.date(2024, 3, 31),
    company_code="ACME",
)


def at(line: int, **fields: str) -> list[str]:
    lines = list(BASE)
    for name, value in fields.items():
        lines[line - 1] = put(lines[line - 1], name, value)
    return lines


def ete_line(index: int, **fields: str) -> str:
    """Entry line `index` of the ETE base file, as wide as the layout, with raw ETE fields."""
    line = BASE_ETE[index].ljust(layout.ETE_GENERAL.end)
    defaults = {"created_on": "01032024", "opening_kind": "N", "vat_on_receipts": "-"}
    for name, value in {**defaults, "lettering_state": "RI", **fields}.items():
        line = put(line, name, value, layout.ETE_GENERAL)
    return line


def pieces_of(*lines: list[str]) -> list[str]:
    """The header of the first file, then the entry lines of each."""
    return [lines[0][0], *(line for file in lines for line in file[1:])]


COLLECTIVE = AccountInfo(nature="COC")
ANALYTIC = put(put(put(BASE[2], "line_type", "A"), "auxiliary", "S1"), "axis", "A1")
# Files for the rules the field cases do not reach: header, parameters, widths, pièces,
# analytics, dossier facts, ETE fields, whole-file rules. Each is (lines, config).
FILE_CASES: list[tuple[list[str], ValidationConfig]] = [
    (with_header(product="S7", origin="ABC", content="ZZZ", format="XYZ"), ValidationConfig()),
    (with_header(origin="", content="", format="", version=""), ValidationConfig()),
    (with_header(format="EXT", version="1A"), ValidationConfig(expected_format="STD")),
    (with_header(format="ETE"), ValidationConfig(expected_format="STD")),
    (with_header(origin="EXP", content="JAL", version="003"), ValidationConfig()),
    (with_header(content="BAL", format="ETE", version="099"), ValidationConfig()),
    (with_header(switchover_date="31022024", generated_at="999999999999"), ValidationConfig()),
    (with_header(closing_date="1A", generated_at="12AB"), ValidationConfig()),
    (["!legacy", *BASE[1:]], ValidationConfig()),
    ([BASE[1], *BASE[1:]], ValidationConfig()),
    ([BASE[0], BASE[1][:100], BASE[2][:160], BASE[2] + "  xx", ""], ValidationConfig()),
    ([BASE[0], BASE[1][:218], BASE[2] + "    "], ValidationConfig()),
    ([BASE_ETE[0], BASE_ETE[1][:200], ete_line(2) + "x" * 40], ValidationConfig()),
    ([BASE_ETE[0], ete_line(1) + "    "], ValidationConfig()),
    ([BASE[0]], ValidationConfig()),
    (BASE, ValidationConfig(max_movements=1)),
    (
        [
            BASE[0],
            parameter("PS2", general_account_length="99", auxiliary_length="1", axis1_length="2"),
            parameter("PS2", general_account_length="10", auxiliary_length="10"),
            parameter("PS5", keeping_currency="USD"),
            parameter("PS5", keeping_currency="EUR", keeps_euro="-"),
            parameter("EXO", code="000", start="01012024", end="31122024", state="OUV"),
            parameter("EXO", code="002", start="31022024", end="31122024", state="OUV"),
            parameter("EXO", code="003", start="02012024", end="31122024", state="OUV"),
            parameter("EXO", code="004", start="01012024", end="31122024", state="XXX"),
            parameter("EXO", code="005", start="01012025", end="31122025", state="OUV"),
            parameter("EXO", code="005", start="01012026", end="31122026", state="OUV"),
            parameter("EXO", code="006", start="01012027", end="31122027", state="OUV"),
            parameter("JAL", code="BQ", nature="BQE"),
            parameter("JAL", code="ZZ", nature="ZZZ", entry_mode="XXX"),
            parameter("JAL", code="AN", nature="ODA"),
            parameter("CGN", code="411", nature="ZZZ", lettrable="Q"),
            parameter("CAE", code="CDUPONT", nature="ZZZ"),
            "###ZZZ",
            *BASE[1:],
        ],
        ValidationConfig(general_account_length=8, auxiliary_length=8),
    ),
    (pieces_of(at(3, date="05032024"), at(2, piece_number="103")), ValidationConfig()),
    (
        pieces_of(BASE, BASE, at(2, piece_number="105"), at(2, piece_number="102")),
        ValidationConfig(),
    ),
    (
        pieces_of(BASE, both(piece_number="102")(), both(date="05032024")()),
        ValidationConfig(),
    ),
    ([*at(3, amount="90,00"), BASE[1]], ValidationConfig()),
    (
        at(2, piece_type="OD", currency="USD", establishment="002", amount2="5,00"),
        ValidationConfig(),
    ),
    (at(2, amount_code="ED-", amount2="5,00", currency="USD"), ValidationConfig()),
    (at(3, journal="BQ", entry_type="S", amount="90,00"), DOSSIER),
    (at(2, journal="ACH", account="40100000", auxiliary="FDUPONT"), DOSSIER),
    (at(3, account="60610000", line_type="X", auxiliary="X1"), DOSSIER),
    ([*at(3, line_type="A", auxiliary="OLD", axis="A2"), ANALYTIC], DOSSIER),
    (
        pieces_of(at(2, date="04032023"), at(2, date="04032025"), at(2, date="04032026"), BASE),
        YEARS,
    ),
    (at(3, date="10032024"), YEARS),
    (at(2, account="60610000"), ValidationConfig()),
    (at(2, account="46000000"), ValidationConfig()),
    (at(3, account="41100000"), ValidationConfig(chart_of_accounts={"41100000": COLLECTIVE})),
    (at(2, account="45500000"), ValidationConfig(chart_of_accounts={"45500000": AccountInfo()})),
    (at(2, auxiliary="SALARIE"), ValidationConfig(tiers={"SALARIE": TiersInfo(nature="SAL")})),
    (at(3, line_type="G"), ValidationConfig()),
    (at(3, line_type="P"), ValidationConfig()),
    (at(3, line_type="B"), ValidationConfig()),
    (at(3, amount="1²,00"), ValidationConfig(auxiliary_length=3)),
    (
        [*BASE, put(ANALYTIC, "amount", "40,00".rjust(20)), put(ANALYTIC, "axis", "A")],
        ValidationConfig(sections={"A1/S1": True}),
    ),
    ([BASE[0], ANALYTIC, *BASE[1:]], ValidationConfig(sections={})),
    (
        [*BASE, put(put(ANALYTIC, "line_type", "O"), "journal", "ODA")],
        ValidationConfig(journals={"VTE": JournalInfo(), "ODA": JournalInfo(axis="A2")}),
    ),
    (
        [
            BASE_ETE[0],
            ete_line(1, lettering_state="", lettering_code="AB"),
            ete_line(2, lettering_state="", created_on=""),
            ete_line(1, lettering_state="ZZ", opening_kind="Z", company_code="XX"),
            ete_line(2, lettering_state="TL"),
            ete_line(1, lettering_state="TL", lettering_code="ab", value_date="31022024"),
        ],
        ValidationConfig(company_code="ACME"),
    ),
    (
        [
            BASE_ETE[0],
            ete_line(1, lettering_state="TL", lettering_code="AB", lettering_max_date="01032024"),
            ete_line(2, lettering_state="TL", lettering_code="CD"),
        ],
        DOSSIER,
    ),
]


def byte_files() -> Iterator[bytes]:
    """What the line decoder says: encodings, byte order marks, binary data, line ends."""
    text = "\r\n".join(BASE).encode("cp1252")
    yield "\r\n".join(BASE).encode("utf-16")
    yield b"\xef\xbb\xbf" + text.replace(b"Facture", "Facturé".encode())
    yield text.replace(b"Facture", b"Fac\x81ure")
    yield text.replace(b"\r\n", b"\n", 1)
    yield text.replace(b"\r\n", b"\n")
    yield b"\x01\x02\x03\x04" * 300
    yield text[:50] + b"\x00" + text[50:]


def reports() -> Iterator[Report]:
    for _, _, build, settings, _ in FIELD_CASES:
        yield run(build(), ValidationConfig(**settings))
    for name, values in TRIGGERS.items():
        for value in values:
            lines = [BASE[0], BASE[1], overwrite(BASE[2], name, value)]
            for config in CONFIGS:
                yield run(lines, config)
    for lines, config in FILE_CASES:
        yield run(lines, config, name="bad.txt")
    yield run(BASE_ETE, ValidationConfig(journals=JOURNALS), name="x.tra")
    for data in byte_files():
        yield validate(io.BytesIO(data), ValidationConfig())


def test_every_finding_of_the_trigger_corpora_is_said_in_french() -> None:
    french = catalogue("fr")
    seen: set[str] = set()
    untranslated: set[str] = set()
    for report in reports():
        for finding in report.findings:
            for said in (finding.message_text, finding.hint_text):
                if said is None:
                    continue
                for text in texts_of(said):
                    seen.add(text.template)
                    if text.template not in french:
                        untranslated.add(text.template)
                assert said.render("fr") != said.render("en"), said.template
    assert untranslated == set()
    # The corpora reach every template of the rule families: none is left unchecked.
    assert finding_templates() - seen == set()


# The modules whose templates are the findings' words (tra/values.py's parse errors are also
# the reader's, and render.py's are the report's frame).
FINDING_MODULES = [
    "tra/diagnose.py",
    "tra/lines.py",
    *(
        f"validation/{name}.py"
        for name in (
            "analytics configuration dossier entries extended fields parameters pieces "
            "streaming structure"
        ).split()
    ),
]


# validation/configuration.py also says what is wrong with a [validate] table: those templates
# are configuration errors, which no file triggers; test_a_validate_table_is_refused_in_french
# meets each of them.
CONFIGURATION_ERRORS = {
    "unknown key(s) in [validate]: {keys}",
    "[validate] {error}",
    "[validate.severity] {rule}: {level} is not error, warning, info or off",
    "a whole number",
    "text",
    "true or false",
    "a table",
    "{key} = {value}: expected {words}",
    "cannot read the chart of accounts: {reason}",
    "the chart needs 'account' and 'nature' columns",
}


def templates_in(module: str) -> set[str]:
    """The templates Babel's extractor finds in one module of the package."""
    with (PACKAGE / module).open("rb") as source:
        extracted = extract("python", source, keywords={"N_": None})
        return {m for _, m, _, _ in extracted if isinstance(m, str)}


def finding_templates() -> set[str]:
    """The templates of the rule families, less the configuration errors."""
    found = set().union(*(templates_in(module) for module in FINDING_MODULES))
    assert templates_in("validation/configuration.py") >= CONFIGURATION_ERRORS
    return found - CONFIGURATION_ERRORS


# A [validate] table or chart file, and what the French reader is told (the file's path first).
BAD_TABLES: list[tuple[dict[str, object] | str, str]] = [
    ({"colour": 1, "strict": True}, "clé(s) inconnue(s) dans [validate] : colour, strict"),
    (
        {"severity": {"TRA-F02": "fatal"}},
        "[validate.severity] TRA-F02 : 'fatal' n'est ni error, ni warning, ni info, ni off",
    ),
    ({"max_movements": "10"}, "[validate] max_movements = '10' : attendu un nombre entier"),
    ({"max_movements": True}, "[validate] max_movements = True : attendu un nombre entier"),
    ({"filler_char": 0}, "[validate] filler_char = 0 : attendu du texte"),
    (
        {"allow_negative_amounts": "yes"},
        "[validate] allow_negative_amounts = 'yes' : attendu true ou false",
    ),
    ({"severity": [1]}, "[validate] severity = [1] : attendu une table"),
    (
        {"chart_of_accounts": "missing.csv"},
        "impossible de lire le plan comptable : fichier ou répertoire introuvable",
    ),
    ("account;kind\n401;COF\n", "le plan comptable doit avoir les colonnes 'account' et 'nature'"),
]


def refusal(folder: Path, table: dict[str, object] | str) -> Text:
    """What reading `table` (or a chart file of that text) in `folder` is refused with."""
    if isinstance(table, str):  # a chart of accounts with the wrong columns
        (folder / "chart.csv").write_text(table, encoding="utf-8")
        table = {"chart_of_accounts": "chart.csv"}
    with pytest.raises(ConfigError) as refused:
        ValidationConfig.from_mapping(table, base=folder, source="tratool.toml")
    assert refused.value.text is not None
    return refused.value.text


@pytest.mark.parametrize(("table", "french"), BAD_TABLES)
def test_a_validate_table_is_refused_in_french(
    tmp_path: Path, table: dict[str, object] | str, french: str
) -> None:
    said = refusal(tmp_path, table).render("fr")
    assert said.endswith(french)
    assert said.startswith(("tratool.toml : ", str(tmp_path)))


def test_the_cases_meet_every_configuration_error(tmp_path: Path) -> None:
    met = {t.template for table, _ in BAD_TABLES for t in texts_of(refusal(tmp_path, table))}
    assert CONFIGURATION_ERRORS - met == set()


def _n_calls() -> Iterator[tuple[Path, ast.Call]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "N_":
                yield path, node


def test_every_template_is_a_literal_string_that_babel_can_extract() -> None:
    """An N_(f"…") would be skipped by the extractor and rendered untranslated."""
    calls = list(_n_calls())
    assert len(calls) > 250
    bad = [
        f"{path.name}:{call.lineno}"
        for path, call in calls
        if not (call.args and isinstance(call.args[0], ast.Constant))
        or not isinstance(call.args[0].value, str)
    ]
    assert bad == []


def bad_file(folder: Path) -> Path:
    """The report fixture's file (an impossible date, pièce VTE 101 off balance) with three more
    triggers: direction X on line 4, payment method ZZZ on line 5, a blank line 7."""
    lines = bad_lines()
    lines[3] = overwrite(lines[3].decode("cp1252"), "direction", "X").encode("cp1252")
    lines[4] = overwrite(lines[4].decode("cp1252"), "payment_method", "ZZZ").encode("cp1252")
    lines.insert(6, b"")
    path = folder / "bad.tra"
    path.write_bytes(b"\r\n".join(lines))
    return path


FRENCH_LOCALE = {"LANG": "fr_FR.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "TRATOOL_LANG": ""}


def test_validate_under_a_french_locale_prints_french_messages_and_hints(tmp_path: Path) -> None:
    path = bad_file(tmp_path)
    result = CliRunner(env=FRENCH_LOCALE).invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    out = result.stdout.splitlines()
    expected = [
        f"{path}:2:4: erreur TRA-F02 date: date comptable '31042024' n'est pas une date du "
        "calendrier : le mois 04/2024 compte 30 jours",
        "    conseil : Cegid prendrait le 30/04/2024 sans le dire",
        f"{path}:4:130: erreur TRA-F10 direction: le sens 'X' n'est ni D ni C",
        "    conseil : Cegid passerait un montant nul et équilibrerait la pièce sur le compte "
        "d'attente",
        f"{path}:5:119: avertissement TRA-F08 payment_method: le mode de paiement 'ZZZ' n'est "
        "pas un code connu",
        f"{path}:7: avertissement TRA-S11: ligne vide",
        "    conseil : Cegid la saute ; elle trahit souvent un export défectueux",
        # An amount in a French message: a decimal comma, a no-break space between thousands.
        f"{path}: erreur TRA-X03: le fichier n'est pas équilibré : débit 4\u00a0116,59, "
        "crédit 3\u00a0966,59",
    ]
    assert [line for line in expected if line not in out] == []
    assert any(
        line.startswith(f"{path}:2:152: erreur TRA-X01 piece_number: la pièce VTE 101 du ")
        for line in out
    )
    for english in ("is not", "hint:", "Cegid would", "does not balance", "blank line"):
        assert english not in result.stdout


def test_english_is_unchanged_and_json_stays_english_under_french(tmp_path: Path) -> None:
    path = bad_file(tmp_path)
    runner = CliRunner(env=FRENCH_LOCALE)
    english = runner.invoke(main, ["validate", "--lang", "en", str(path)]).stdout
    assert f"{path}:4:130: error TRA-F10 direction: direction 'X' is not D or C" in english
    assert f"{path}: error TRA-X03: the file does not balance: debit 4116,59, credit 3966,59" in (
        english
    )
    document = json.loads(runner.invoke(main, ["validate", "--format", "json", str(path)]).stdout)
    f10 = next(f for f in document["files"][0]["findings"] if f["rule"] == "TRA-F10")
    assert f10["message"] == "direction 'X' is not D or C"
    assert f10["hint"] == (
        "Cegid would post a zero amount and balance the pièce on the waiting account"
    )


@pytest.mark.parametrize("fmt", ["github", "sarif", "junit", "gitlab", "html"])
def test_every_format_for_people_says_the_findings_in_french(fmt: str, tmp_path: Path) -> None:
    report = tratool.validate(bad_file(tmp_path))
    french = RENDERERS[fmt]([report], lang="fr")
    english = RENDERERS[fmt]([report], lang="en")
    sens = (
        "le sens &#39;X&#39; n&#39;est ni D ni C"
        if fmt in ("junit", "html")
        else ("le sens 'X' n'est ni D ni C")
    )
    assert sens in french
    assert "Cegid passerait un montant nul" in french
    assert "is not D or C" not in french
    assert "is not D or C" in english
    assert "le sens" not in english


def test_junit_names_the_severity_and_counts_the_errors_in_french(tmp_path: Path) -> None:
    report = tratool.validate(bad_file(tmp_path))
    french = RENDERERS["junit"]([report], lang="fr")
    assert '<failure message="1 erreur(s) : le sens &#39;X&#39; n&#39;est ni D ni C"' in french
    assert f"{report.path}:4:130: erreur direction: le sens" in french
    assert f"{report.path}:5:119: avertissement payment_method: le mode de paiement" in french
    english = RENDERERS["junit"]([report], lang="en")
    assert '<failure message="1 error(s): direction &#39;X&#39; is not D or C"' in english


def test_the_html_report_marks_the_language_of_each_message(tmp_path: Path) -> None:
    """The page says which language it is in, and so does each finding's words, so that a
    screen reader pronounces them right (Cegid's own words are always French)."""
    report = tratool.validate(bad_file(tmp_path))
    page = RENDERERS["html"]([report], lang="fr")
    assert '<html lang="fr">' in page
    assert '<span lang="fr">le sens &#39;X&#39; n&#39;est ni D ni C</span>' in page
    assert '<div class="hint" lang="fr">conseil : Cegid passerait un montant nul' in page
    assert '<div class="cegid" lang="fr">Cegid : « Sens du mouvement incorrect »' in page
    english = RENDERERS["html"]([report], lang="en")
    assert '<span lang="en">direction &#39;X&#39; is not D or C</span>' in english
    assert '<html lang="en">' in english
