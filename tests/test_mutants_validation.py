"""Tests written against surviving mutants of the validation area (`make mutation`): each
states its expected values from tra-format.md, validation-rules.md or the lines it builds,
never from what tratool computes."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import tratool
from tratool.errors import ConfigError
from tratool.tra import layout
from tratool.tra.lines import LineDecoder
from tratool.validation import (
    AccountInfo,
    FiscalYear,
    JournalInfo,
    Report,
    TiersInfo,
    ValidationConfig,
    validate,
)
from tratool.validation.balances import PieceBalance, piece_balances
from tratool.validation.columnar import FastPass
from tratool.validation.engine import config_for
from tratool.validation.line import cents, day, money
from tratool.validation.rules import RULES, check_rule_patterns
from tratool.validation.traces import SpillDatabase

from .test_rule_mirrors import BASE, FIELD_CASES, axes_with, ps2
from .tra_lines import entry, ete, put, run, std, tiers


# -- the pièce balances of the HTML report (validation/balances.py) -----------------------------
def _balance_lines() -> list[str]:
    """VTE 101: debit 100,00 (X line) against 60,00 + 40,00 of credit, and an A line of 60,00
    that does not count; ACH 7 of 31/02/2024 (impossible, kept as written): a lone debit of
    10,00, between the two lines of VTE 101; a line with direction Z counts on neither side;
    VTE 102 after them: a lone credit of 1,00."""
    lines = std(
        tiers(direction="D"),
        entry(direction="C", amount=Decimal("60.00")),
        entry(journal="ACH", piece_number=7, direction="D", amount=Decimal("10.00")),
        entry(direction="C", amount=Decimal("40.00")),
        entry(line_type="A", auxiliary="SECT1", axis="A1", direction="C", amount=Decimal("60")),
        entry(direction="D", amount=Decimal("5.00")),
        entry(piece_number=102, direction="C", amount=Decimal("1.00")),
    )
    lines[3] = put(lines[3], "date", "31022024")
    lines[6] = put(lines[6], "direction", "Z")
    return [lines[0], "***JALVTE", *lines[1:]]  # a parameter record is no entry line


VTE_101 = PieceBalance("VTE", "04/03/2024", "101", 3, 10000, 10000)
ACH_7 = PieceBalance("ACH", "31/02/2024", "7", 5, 1000, 0)
VTE_102 = PieceBalance("VTE", "04/03/2024", "102", 9, 0, 100)


def test_piece_balances_in_order_of_first_appearance() -> None:
    data = "".join(line + "\r\n" for line in _balance_lines()).encode("cp1252")
    assert piece_balances(io.BytesIO(data)) == [VTE_101, ACH_7, VTE_102]
    assert (VTE_101.difference, ACH_7.difference) == (0, 1000)
    assert PieceBalance("X", "", "1", 1, 500, 2000).difference == -1500


def test_piece_balances_of_a_path_in_another_encoding(tmp_path: Path) -> None:
    """Lines cut after their last character (the axis and due number are blank) read the
    same: the fields are where tra-format.md puts them, from column 1."""
    lines = [line.rstrip() for line in _balance_lines()]
    lines[2] = put(lines[2], "label", "Facture état")
    path = tmp_path / "x.tra"
    path.write_bytes("".join(line + "\r\n" for line in lines).encode("utf-8"))
    assert piece_balances(path, encoding="utf-8") == [VTE_101, ACH_7, VTE_102]


def test_piece_balances_read_the_keeping_amount_the_amount_code_names() -> None:
    """Amount code -E-: amount2 (176-195) holds the keeping currency (tra-format.md)."""
    lines = std(
        entry(direction="D", amount=Decimal("12.00"), date=dt.date(2024, 3, 4)),
        entry(direction="C", amount=Decimal("12.00")),
    )
    lines[1] = put(put(lines[1], "amount_code", "DE-"), "amount2", "33,50")
    data = "".join(line + "\r\n" for line in lines).encode("cp1252")
    assert piece_balances(io.BytesIO(data)) == [
        PieceBalance("VTE", "04/03/2024", "101", 2, 3350, 1200)
    ]


# -- whole findings: rule, severity, place, value, message, hint and the line shown -------------
LINE = "<the line>"  # the finding shows the offending line's own text
Whole = tuple[str, str, int | None, int | None, str | None, str | None, str, str | None, str | None]


def whole(lines: list[str], config: ValidationConfig | None = None, *rules: str) -> list[Whole]:
    """Every attribute of the findings of `rules` (prefixes), the source shown as LINE when it
    is the text of the finding's line."""
    data = "".join(line + "\r\n" for line in lines).encode("cp1252")
    report = validate(io.BytesIO(data), config or ValidationConfig())
    return [
        (
            f.rule,
            f.severity,
            f.line,
            f.column,
            f.field,
            f.value,
            f.message,
            f.hint,
            LINE if f.line is not None and f.source == lines[f.line - 1] else f.source,
        )
        for f in report.findings
        if f.rule.startswith(rules)
    ]


def ete_line(line: str, **fields: str) -> str:
    """An ETE general line, 1407 wide (tra-format.md §12), with raw ETE fields."""
    line = line.ljust(1407)
    for name, value in fields.items():
        line = put(line, name, value, layout.ETE_GENERAL)
    return line


ETE_CLEAN = {"created_on": "04032024", "opening_kind": "N", "vat_on_receipts": "-"}
LETTERING_BLANK_HINT = (
    "Cegid's checker reports « Statut du mouvement incorrect ou manquant »; write RI for a line "
    "that is not lettrable, AL for one to be lettered"
)
CASE_HINT = "an upper-case code means total lettering (TL), lower or mixed case partial (PL)"
REQUIRED_HINT = "Cegid's file checker refuses the line"
ETE_DATE_HINT = "Cegid would silently use 01/01/1900"


def test_the_ete_rules_whole_findings() -> None:
    """TRA-F21 to F25 (validation-rules.md): opening kind at 302, lettering state at 1021 and
    code at 1014, other dates (447, 463), company code at 274, required fields 266 and 386."""
    header, debit, credit = ete(tiers(direction="D"), entry(direction="C"))
    ok = {**ETE_CLEAN, "lettering_state": "RI"}
    lines = [
        header,
        ete_line(debit, **{**ok, "lettering_state": "", "lettering_code": "AB"}),
        ete_line(credit, **{**ok, "lettering_state": ""}),
        ete_line(debit, **{**ok, "lettering_state": "PL"}),
        ete_line(credit, **{**ok, "lettering_state": "ZZ"}),
        ete_line(debit, **{**ok, "lettering_state": "TL", "lettering_code": "ab"}),
        ete_line(credit, **{**ok, "lettering_state": "PL", "lettering_code": "AB"}),
        ete_line(debit, **{**ok, "reconciliation_date": "31042024", "company_code": "002"}),
        ete_line(credit, **{**ok, "opening_kind": "X", "company_code": ""}),
        ete_line(
            credit, **{**ok, "created_on": "", "vat_on_receipts": "", "value_date": "0A012024"}
        ),
        ete_line(credit, **{**ok, "lettering_state": "TL", "lettering_code": "AB"}),
        ete_line(credit, **{**ok, "lettering_state": "PL", "lettering_code": "aB"}),
    ]
    blank_state = "the lettering state is blank"
    assert whole(lines, ValidationConfig(company_code="001"), "TRA-F2") == [
        ("TRA-F22", "warning", 2, 1021, "lettering_state", "   ",
         f"{blank_state} (lettering code 'AB')", LETTERING_BLANK_HINT, LINE),
        ("TRA-F22", "warning", 3, 1021, "lettering_state", "   ", blank_state,
         LETTERING_BLANK_HINT, LINE),
        ("TRA-F22", "warning", 4, 1021, "lettering_state", "PL ",
         "lettering state PL without a lettering code", None, LINE),
        ("TRA-F22", "warning", 5, 1021, "lettering_state", "ZZ ",
         "lettering state 'ZZ' is not RI, AL, PL or TL", None, LINE),
        ("TRA-F22", "warning", 6, 1014, "lettering_code", "ab   ",
         "lettering code 'ab' does not match state TL", CASE_HINT, LINE),
        ("TRA-F22", "warning", 7, 1014, "lettering_code", "AB   ",
         "lettering code 'AB' does not match state PL", CASE_HINT, LINE),
        ("TRA-F24", "warning", 8, 274, "company_code", "002",
         "company code '002' differs from the dossier's '001'", None, LINE),
        ("TRA-F23", "warning", 8, 447, "reconciliation_date", "31042024",
         "reconciliation_date '31042024' is not a calendar date: 04/2024 has 30 days",
         ETE_DATE_HINT, LINE),
        ("TRA-F21", "warning", 9, 302, "opening_kind", "  X",
         "opening kind 'X' is not N, H or OAN", None, LINE),
        ("TRA-F25", "warning", 10, 266, "created_on", "        ",
         "created_on is blank; Cegid's specification marks it required", REQUIRED_HINT, LINE),
        ("TRA-F25", "warning", 10, 386, "vat_on_receipts", " ",
         "vat_on_receipts is blank; Cegid's specification marks it required", REQUIRED_HINT,
         LINE),
        ("TRA-F23", "warning", 10, 463, "value_date", "0A012024",
         "value_date '0A012024' is not a date in JJMMAAAA form", ETE_DATE_HINT, LINE),
    ]  # fmt: skip


def header_with(**fields: str) -> str:
    """The base file's header (147 wide, tra-format.md §2) with raw header fields."""
    line = BASE[0].ljust(147)
    for name, value in fields.items():
        line = put(line, name, value, layout.HEADER)
    return line


CONTENT_HINT = "a journal import needs a JRL file; DOS, BAL and SYN select other imports"
HEADERS: list[tuple[dict[str, str], list[Whole]]] = [
    ({"product": "S3"}, [
        ("TRA-S02", "warning", 1, 4, "product", "S3",
         "product 'S3' is not the expected 'S5'", None, LINE)]),
    ({"origin": ""}, [
        ("TRA-S03", "error", 1, 6, "origin", "   ",
         "origin 'blank' is not CLI or EXP", "Cegid rejects the file", LINE)]),
    ({"origin": "EXP"}, [
        ("TRA-S03", "warning", 1, 6, "origin", "EXP",
         "origin 'EXP' differs from the expected 'CLI'", "the Loop guide asks for CLI", LINE)]),
    ({"content": ""}, [
        ("TRA-S04", "error", 1, 9, "content", "   ",
         "content 'blank' is not JRL, DOS, BAL or SYN", None, LINE)]),
    ({"content": "JAL"}, [
        ("TRA-S04", "warning", 1, 9, "content", "JAL",
         "content 'JAL' is read as JRL", "write JRL", LINE)]),
    ({"content": "DOS"}, [
        ("TRA-S04", "error", 1, 9, "content", "DOS",
         "content 'DOS' is not 'JRL'", CONTENT_HINT, LINE)]),
    ({"format": "EXT"}, [
        ("TRA-S05", "error", 1, 12, "format", "EXT",
         "format 'EXT' is not STD or ETE", "use ETE", LINE)]),
    ({"format": ""}, [
        ("TRA-S05", "error", 1, 12, "format", "   ",
         "format 'blank' is not STD or ETE", None, LINE)]),
    ({"content": "BAL", "format": "ETE"}, [
        ("TRA-S04", "error", 1, 9, "content", "BAL",
         "content 'BAL' is not 'JRL'", CONTENT_HINT, LINE),
        ("TRA-S05", "error", 1, 12, "format", "ETE", "a BAL file must be STD", None, LINE)]),
    ({"version": "07"}, [
        ("TRA-S06", "error", 1, 34, "version", "07 ",
         "version '07' is not 3 ASCII digits", "write 007 (the Loop guide's version)", LINE)]),
    ({"version": "004"}, [
        ("TRA-S06", "warning", 1, 34, "version", "004",
         "version 004 makes Cegid skip every line whose first amount is 0", None, LINE)]),
    ({"version": "005"}, []),
    ({"version": "011"}, []),
    ({"version": "012"}, [
        ("TRA-S06", "info", 1, 34, "version", "012",
         "version 012 is newer than 011, the latest Cegid specification: fields beyond "
         "column 1407 are unknown", None, LINE)]),
    ({"switchover_date": "31022024", "closing_date": "01011900", "purge_date": "",
      "generated_at": "202413010000"}, [
        ("TRA-S07", "warning", 1, 18, "switchover_date", "31022024",
         "'31022024' is not a calendar date (31/02/2024)", None, LINE),
        ("TRA-S07", "warning", 1, 42, "generated_at", "202413010000",
         "'202413010000' is not a valid date and time", None, LINE)]),
]  # fmt: skip


@pytest.mark.parametrize(("fields", "expected"), HEADERS)
def test_the_header_rules_whole_findings(fields: dict[str, str], expected: list[Whole]) -> None:
    """TRA-S02 … S07 at the header's columns (tra-format.md §2: product 4, origin 6,
    content 9, format 12, switch-over date 18, version 34, generation time 42)."""
    assert whole([header_with(**fields), *BASE[1:]], None, "TRA-S0") == expected


NO_HEADER_HINT = (
    "start the file with a header such as ***S5CLIJRLETE…: without it Cegid takes line 1 as a "
    "title and its entry is lost"
)


@pytest.mark.parametrize(
    ("first", "start"),
    [(BASE[1], "VTE04032024FC4"), ("hello world, not a TRA file", "hello world, n")],
)
def test_a_first_line_that_is_no_header_is_shown_by_its_first_14_characters(
    first: str, start: str
) -> None:
    assert whole([first, *BASE[1:]], None, "TRA-S02") == [
        ("TRA-S02", "error", 1, 1, None, start,
         f"line 1 is not a TRA header (it starts {start!r})", NO_HEADER_HINT, LINE),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("line_type", "expected"),
    [
        ("-", ("info", "line type '-' is read as a plain general line", "tratool writes a blank")),
        ("E", ("warning", "line type 'E' is read like X but is undocumented", "write X")),
        ("L", ("warning", "line type 'L' is read like X but is undocumented", "write X")),
        ("G", ("warning", "line type 'G' is an attachment (GED) line, not a journal entry", None)),
        ("P", ("warning", "line type 'P' is a payment approval (BAP) line, not a journal entry",
               None)),
        ("B", ("warning", "line type 'B' is a budget line, not a journal entry", None)),
        ("Z", ("error", "line type 'Z' is unknown",
               "Cegid silently ignores the auxiliary or section of such a line")),
    ],
)  # fmt: skip
def test_the_line_type_rule_whole_findings(
    line_type: str, expected: tuple[str, str, str | None]
) -> None:
    """TRA-S10 (validation-rules.md): info for -, warnings for E, L, G, P, B, else an error."""
    severity, message, hint = expected
    lines = [BASE[0], BASE[1], put(BASE[2], "line_type", line_type)]
    assert whole(lines, None, "TRA-S10") == [
        ("TRA-S10", severity, 3, 31, "line_type", line_type, message, hint, LINE)
    ]


def test_encoding_and_control_findings_show_their_line() -> None:
    """TRA-D01 at the undefined byte 0x81 (label, column 86) and at a UTF-8 é (label, column
    90), TRA-D06 at a TAB (label, column 91), TRA-S11 for the blank line."""
    raw = [line.encode("cp1252") for line in BASE]
    undefined = raw[1][:85] + b"\x81" + raw[1][86:]
    utf8 = raw[2][:89] + "é".encode() + raw[2][90:]
    tab = raw[2][:90] + b"\t" + raw[2][91:]
    data = b"\r\n".join([raw[0], undefined, utf8, tab, b"", raw[2]]) + b"\r\n"
    report = validate(io.BytesIO(data), ValidationConfig())
    got = [
        (f.rule, f.severity, f.line, f.column, f.field, f.value, f.message, f.hint, f.source)
        for f in report.findings
        if f.rule in ("TRA-D01", "TRA-D06", "TRA-S11")
    ]
    assert got == [
        ("TRA-D01", "error", 2, 86, "label", None, "byte 0x81 is not a character in cp1252",
         "the file is not in the expected encoding; pass the right one with --encoding, or "
         "re-save it as ANSI", undefined.decode("cp1252", errors="replace")),
        ("TRA-D01", "error", 3, 90, "label", "é",
         "the line looks UTF-8 encoded: 'é' takes 2 bytes, which shifts every later field by "
         "1 column(s) in total",
         "save the file as ANSI (Windows-1252), or read it with --encoding utf-8",
         utf8.decode("utf-8")),
        ("TRA-D06", "warning", 4, 91, "label", "\t", "control character '\\t' inside the record",
         "tabs and other control characters break displays and exports; a TAB often replaced "
         "a run of blanks", tab.decode("cp1252")),
        ("TRA-S11", "warning", 5, None, None, None, "blank line",
         "Cegid skips it; it often reveals a broken export", None),
    ]  # fmt: skip


def test_the_parameter_record_rules_whole_findings() -> None:
    """TRA-S08, S12 and S13 (validation-rules.md) at the columns of tra-format.md §8: PS2
    lengths 7, 10, 13, 16, 19; PS5 currency 7 and euro flag 11; EXO code 7, start 10, state
    26; JAL nature 45, account 54, axis 71, entry mode 74; CGN nature 59, flags 62; CAE nature
    59. S12 shows the record without its trailing blanks."""
    records = [
        "***PS28     2  18 A  ",  # auxiliary blank: the axes after it are still checked
        "***PS25  10 ",
        "***PS5USD2X",
        "***PS5EUR2-",
        "***EXO000" + "01012024" + "31122024" + "OUV",
        "***EXO002" + "32012024" + "31122024" + "OUV",
        "***EXO003" + "02012024" + "31122024" + "OUV",
        "***EXO004" + "01012024" + "31122024" + "XYZ",
        "***EXO004" + "01012023" + "31122023" + "OUV",
        "***EXO005" + "01012022" + "31122022" + "OUV",
        "***EXO006" + "01012021" + "31122021" + "OUV",
        "***JALVTE".ljust(44) + "ZZZ".ljust(29) + "XYZ",
        "***JALVTE".ljust(44) + "BQE".ljust(29) + "-  ",
        "***JALVTE".ljust(44) + "ODA".ljust(29) + "-  ",
        "***CGN70610000".ljust(58) + "ZZZY-",
        "***CAECDUPONT".ljust(58) + "ZZZ 41100000   ",
        "###JALVTE",
        "***ZZZ",
    ]
    lines = [BASE[0], *records, *BASE[1:]]
    config = ValidationConfig(general_account_length=8, auxiliary_length=8)
    ps2 = "***PS28     2  18 A"
    not_known = "Cegid silently ignores the record and its content"
    aborts = "differs from the dossier's 8: the import would abort"
    assert whole(lines, config, "TRA-S08", "TRA-S12", "TRA-S13") == [
        ("TRA-S13", "info", 2, 4, None, "PS2", "a JRL file carries a dossier-level ***PS2 record",
         "a journal import needs none; their effect in Loop is unknown", LINE),
        ("TRA-S12", "error", 2, 13, None, "2 ", "PS2 axis 1 section length '2' is not 3 to 17",
         None, ps2),
        ("TRA-S12", "error", 2, 16, None, "18", "PS2 axis 2 section length '18' is not 3 to 17",
         None, ps2),
        ("TRA-S12", "error", 2, 19, None, "A ", "PS2 axis 3 section length 'A' is not 3 to 17",
         None, ps2),
        ("TRA-S12", "error", 3, 7, None, "5 ", "PS2 general account length '5' is not 6 to 17",
         None, "***PS25  10"),
        ("TRA-S12", "error", 3, 7, None, "5 ", f"PS2 general length 5 {aborts}", None,
         "***PS25  10"),
        ("TRA-S12", "error", 3, 10, None, "10", f"PS2 auxiliary length 10 {aborts}", None,
         "***PS25  10"),
        ("TRA-S12", "error", 4, 7, None, "USD", "PS5 keeping currency 'USD' is not EUR or FRF",
         None, LINE),
        ("TRA-S12", "error", 5, 11, None, "-", "PS5 euro flag '-' contradicts currency EUR",
         None, LINE),
        ("TRA-S12", "error", 6, 7, None, "000", "EXO code '000' is not 001 to 999", None, LINE),
        ("TRA-S12", "error", 7, 10, None, "32012024",
         "EXO '32012024' is not a calendar date (32/01/2024)", None, LINE),
        ("TRA-S12", "error", 8, 10, None, "02012024",
         "EXO dates 02012024-31122024 are not the first and last day of an exercise", None,
         LINE),
        ("TRA-S12", "error", 9, 26, None, "XYZ",
         "EXO state 'XYZ' is not OUV, CDE, CPR, CLO or NON", None, LINE),
        ("TRA-S12", "error", 10, 7, None, "004", "EXO code 004 appears twice", None, LINE),
        ("TRA-S12", "error", 11, 26, None, "OUV", "more than two open exercises", None, LINE),
        ("TRA-S12", "error", 13, 45, None, "ZZZ", "JAL nature 'ZZZ' is not a journal nature",
         None, LINE),
        ("TRA-S12", "error", 13, 74, None, "XYZ", "JAL entry mode 'XYZ' is not -, BOR or LIB",
         None, LINE),
        ("TRA-S12", "error", 14, 54, None, " " * 17, "JAL BQE journal without its account",
         None, records[12].rstrip()),
        ("TRA-S12", "error", 15, 71, None, "   ", "JAL ODA journal without its axis", None,
         records[13].rstrip()),
        ("TRA-S12", "error", 16, 59, None, "ZZZ", "CGN nature 'ZZZ' is not an account nature",
         None, LINE),
        ("TRA-S12", "error", 16, 62, None, "Y", "CGN flags 'Y-     ' are not X or -", None, LINE),
        ("TRA-S12", "error", 17, 59, None, "ZZZ", "CAE nature 'ZZZ' is not a tiers nature", None,
         records[15].rstrip()),
        ("TRA-S08", "warning", 18, 1, None, "###JAL", "parameter record with prefix '###'",
         "Cegid reads ### and ¥¥¥ like ***; tratool writes ***", LINE),
        ("TRA-S12", "error", 18, 45, None, "   ", "JAL nature '' is not a journal nature", None,
         LINE),
        ("TRA-S08", "warning", 19, 4, None, "ZZZ", "unknown record code 'ZZZ'", not_known, LINE),
    ]  # fmt: skip


CHART = {
    "70610000": AccountInfo(nature="PRO", ventilable=frozenset({"A1"})),
    "41100000": AccountInfo(nature="COC"),
}


def section_line(**overrides: Any) -> tratool.Entry:
    """An A line under the credit line: 70610000, credit, section SECT1 on A1, 100,00."""
    fields: dict[str, Any] = {
        "line_type": "A",
        "direction": "C",
        "auxiliary": "SECT1",
        "axis": "A1",
        "amount": Decimal("100.00"),
    }
    return entry(**{**fields, **overrides})


def test_the_analytic_rules_whole_findings() -> None:
    """TRA-X07 … X09 (validation-rules.md): line type 31, account 14, amount 131, axis 219,
    section 32. Pièce 101's A lines split 100,00: 60 on a blank axis (read as A1) and 30 on
    A1 sum to 90; 40 on A2, an axis 70610000 is not ventilable on. Pièce 102 holds only O
    lines, 7,00 debit against 2,00 credit."""
    lines = std(
        section_line(amount=Decimal("5")),  # before any general line of its pièce
        tiers(direction="D"),
        entry(direction="C"),
        section_line(amount=Decimal("60.00"), axis=""),
        section_line(amount=Decimal("30.00"), account="70620000"),
        section_line(amount=Decimal("40.00"), axis="A2"),
        section_line(piece_number=102, line_type="O", axis="A2", direction="D", amount=Decimal(7)),
        section_line(piece_number=102, line_type="O", auxiliary="SECT9", amount=Decimal(2)),
    )
    config = ValidationConfig(
        chart_of_accounts=CHART,
        journals={"VTE": JournalInfo(axis="A1")},
        sections={"A1/SECT1": False, "A2/SECT1": True},
    )
    gap = "Cegid would post the gap on the waiting section, or absorb it silently"
    closed = "a closed section stops the import"
    assert whole(lines, config, "TRA-X07", "TRA-X08", "TRA-X09") == [
        ("TRA-X07", "error", 2, 31, "line_type", None,
         "an analytic line that follows no general line of its pièce",
         "Cegid hangs it on the last general line it saw", LINE),
        ("TRA-X07", "error", 4, 131, "amount", None,
         "the analytic lines on A1 sum to 90,00, the general line is 100,00", gap, LINE),
        ("TRA-X07", "error", 4, 131, "amount", None,
         "the analytic lines on A2 sum to 40,00, the general line is 100,00", gap, LINE),
        ("TRA-X07", "error", 6, 14, "account", None,
         "analytic line on 70620000 C does not match its general line 4 (70610000 C)", None,
         LINE),
        ("TRA-X09", "warning", 7, 32, "auxiliary", "SECT1".ljust(17),
         "section A2/SECT1 is closed", closed, LINE),
        ("TRA-X07", "error", 7, 219, "axis", None,
         "account 70610000 is not ventilable on axis A2", "Cegid would drop the analytic split",
         LINE),
        ("TRA-X09", "warning", 8, 32, "auxiliary", "SECT1".ljust(17),
         "section A2/SECT1 is closed", closed, LINE),
        ("TRA-X08", "error", 8, 131, "amount", None,
         "the analytic-only lines of pièce VTE 102 do not balance (5,00)",
         "Cegid would add a line on the waiting section", LINE),
        ("TRA-X08", "error", 8, 219, "axis", None,
         "analytic-only line on axis 'A2'; journal VTE works on A1", None, LINE),
        ("TRA-X09", "warning", 9, 32, "auxiliary", "SECT9".ljust(17),
         "section A1/SECT9 is not a known section of the dossier", None, LINE),
    ]  # fmt: skip


def test_sections_the_dossier_lacks_are_errors_said_once() -> None:
    lines = std(
        tiers(direction="D"),
        entry(direction="C"),
        section_line(auxiliary="SECTX"),
        section_line(auxiliary="SECTX", amount=Decimal("0")),
        section_line(auxiliary="SECT2"),
    )
    config = ValidationConfig(
        sections={"A1/SECT2": True}, dossier="MANON002", dossier_tables=frozenset({"sections"})
    )
    assert whole(lines, config, "TRA-X09") == [
        ("TRA-X09", "error", 4, 32, "auxiliary", "SECTX".ljust(17),
         "section A1/SECTX does not exist in dossier MANON002",
         "create it in Loop first, or fix the code (reported at its first line only)", LINE),
        ("TRA-X09", "warning", 6, 32, "auxiliary", "SECT2".ljust(17),
         "section A1/SECT2 is closed in dossier MANON002", "a closed section stops the import",
         LINE),
    ]  # fmt: skip


PIECE_RULES = ("TRA-X01", "TRA-X02", "TRA-X03", "TRA-X04", "TRA-X11", "TRA-X12", "TRA-D03")
WAITING = "Cegid would silently post the difference on the waiting account"
NEW_PIECE = (
    "in pièce journals Cegid silently starts a new pièce here; both halves end up on the "
    "waiting account"
)
ONE_DATE = "all lines of a pièce share one date; Cegid would make two unbalanced pièces of it"
TOGETHER = "keep the lines of a pièce together"
CONTINUOUS = "the FEC requires continuous numbering"
TWICE = "the same entries would be imported twice"
FOLIO = "Cegid inserts a waiting-account line « GENEREE PAR COMSX »"


def test_a_piece_that_changes_inside_whole_findings() -> None:
    """TRA-X04 (pièce type 12, currency 160, establishment 216, date 4, continued pièce at its
    number 152), TRA-X01 by side, TRA-X03 with both totals: debit 100,00 against 40 + 60 +
    10 + 10 of credit, the last 10,00 under 05/03/2024."""
    lines = std(
        tiers(direction="D"),
        entry(direction="C", amount=Decimal("40")),
        entry(direction="C", amount=Decimal("60")),
        entry(direction="C", amount=Decimal("10")),
        entry(direction="C", amount=Decimal("10")),
    )
    lines[3] = put(
        put(put(lines[3], "piece_type", "FF"), "currency", "USD"), "establishment", "002"
    )
    lines[4] = put(lines[4], "date", "05032024")
    assert whole(lines, None, *PIECE_RULES) == [
        ("TRA-X04", "error", 4, 12, "piece_type", "FF",
         "piece_type 'FF' differs from 'FC' on the pièce's first line 2", NEW_PIECE, LINE),
        ("TRA-X04", "error", 4, 160, "currency", "USD",
         "currency 'USD' differs from 'EUR' on the pièce's first line 2", None, LINE),
        ("TRA-X04", "warning", 4, 216, "establishment", "002",
         "establishment '002' differs from line 2's", None, LINE),
        ("TRA-X04", "error", 5, 4, "date", "05032024",
         "pièce VTE 101 changes date from 04/03/2024 to 05/03/2024 here", ONE_DATE, LINE),
        ("TRA-X01", "error", 5, 152, "piece_number", None,
         "pièce VTE 101 of 05/03/2024 does not balance: credit exceeds by 10,00", WAITING, LINE),
        ("TRA-X04", "error", 6, 4, "date", "04032024",
         "pièce VTE 101 changes date from 05/03/2024 to 04/03/2024 here", ONE_DATE, LINE),
        ("TRA-X04", "warning", 6, 152, "piece_number", None,
         "pièce VTE 101 of 04/03/2024 continues here after other lines", TOGETHER, LINE),
        ("TRA-X01", "error", 6, 152, "piece_number", None,
         "pièce VTE 101 of 04/03/2024 does not balance: credit exceeds by 10,00", WAITING, LINE),
        ("TRA-X03", "error", None, None, None, None,
         "the file does not balance: debit 100,00, credit 120,00", None, None),
    ]  # fmt: skip


def test_repeated_lines_and_a_piece_that_comes_back_whole_findings() -> None:
    """Line 5 repeats line 4 (TRA-D03); pièce 101 comes back at line 8 after 102 (TRA-X04,
    TRA-X11); pièce 102 is used again on 05/03/2024 (TRA-X02)."""
    march_5 = dt.date(2024, 3, 5)
    lines = std(
        tiers(direction="D"),
        entry(direction="C"),
        entry(direction="C", amount=Decimal("0")),
        entry(direction="C", amount=Decimal("0")),
        entry(piece_number=102, direction="D", amount=Decimal("5")),
        entry(piece_number=102, direction="C", amount=Decimal("5")),
        entry(piece_number=101, direction="D", amount=Decimal("3")),
        entry(piece_number=101, direction="C", amount=Decimal("3")),
        entry(piece_number=102, direction="D", amount=Decimal("5"), date=march_5),
        entry(piece_number=102, direction="C", amount=Decimal("5"), date=march_5),
    )
    assert whole(lines, None, *PIECE_RULES) == [
        ("TRA-D03", "warning", 5, None, None, None,
         "this line repeats an earlier line of pièce VTE 101",
         "Cegid imports both unless « Contrôler les doublons » is on, which the API cannot set",
         LINE),
        ("TRA-X04", "warning", 8, 152, "piece_number", None,
         "pièce VTE 101 of 04/03/2024 continues here after other lines", TOGETHER, LINE),
        ("TRA-X11", "warning", 8, 152, "piece_number", None,
         "piece number 101 of journal VTE comes after 102", None, LINE),
        ("TRA-X02", "warning", 10, 152, "piece_number", None,
         "piece number 102 of journal VTE is used on 04/03/2024 and on 05/03/2024", None, LINE),
    ]  # fmt: skip


def test_piece_numbering_whole_findings() -> None:
    """Pièces 101, 105, 103 of 04/03 (each 1,00 debit and credit: 105 and 103 repeat 101
    line for line), 107 of 06/03, 105 again on 07/03."""
    pairs = [(101, 4), (105, 4), (103, 4), (107, 6), (105, 7)]
    lines = std(
        *(
            entry(piece_number=number, direction=side, amount=Decimal(1), date=dt.date(2024, 3, d))
            for number, d in pairs
            for side in "DC"
        )
    )
    assert whole(lines, None, *PIECE_RULES) == [
        ("TRA-D03", "warning", 4, 152, "piece_number", None,
         "pièce VTE 105 repeats the pièce at line 2 line for line", TWICE, LINE),
        ("TRA-X11", "warning", 4, 152, "piece_number", None,
         "pieces 102-104 of journal VTE are missing", CONTINUOUS, LINE),
        ("TRA-D03", "warning", 6, 152, "piece_number", None,
         "pièce VTE 103 repeats the pièce at line 2 line for line", TWICE, LINE),
        ("TRA-X11", "warning", 6, 152, "piece_number", None,
         "piece number 103 of journal VTE comes after 105", None, LINE),
        ("TRA-X11", "warning", 8, 152, "piece_number", None,
         "pieces 104-106 of journal VTE are missing", CONTINUOUS, LINE),
        ("TRA-X02", "warning", 10, 152, "piece_number", None,
         "piece number 105 of journal VTE is used on 04/03/2024 and on 07/03/2024", None, LINE),
    ]  # fmt: skip


def test_folios_and_the_foreign_balance_whole_findings() -> None:
    """Journal BQ1 kept by bordereau (mode BOR): a folio per date that must balance (TRA-X02
    at column 1), normal entries only (TRA-X12 at 151). Pièce VTE 201 in USD, amount code
    ED-: 30,00 against 31,00 in amount2 (TRA-X01 at the amount, 131), 20,00 against 25,00."""
    lines = std(
        entry(journal="BQ1", direction="D", amount=Decimal("10")),
        entry(journal="BQ1", direction="C", amount=Decimal("4"), entry_type="S"),
        entry(journal="BQ1", piece_number=102, direction="D", amount=Decimal("1"),
              date=dt.date(2024, 3, 5)),
        entry(piece_number=201, direction="D", amount=Decimal("20")),
        entry(piece_number=201, direction="C", amount=Decimal("25")),
    )  # fmt: skip
    for row, foreign in ((4, "30,00"), (5, "31,00")):
        lines[row] = put(
            put(put(lines[row], "amount_code", "ED-"), "amount2", foreign), "currency", "USD"
        )
    config = ValidationConfig(journals={"BQ1": JournalInfo(mode="BOR"), "VTE": JournalInfo()})
    assert whole(lines, config, *PIECE_RULES) == [
        ("TRA-X02", "error", 2, 1, "journal", None,
         "the BQ1 folio of 04/03/2024 does not balance (6,00)", FOLIO, LINE),
        ("TRA-X01", "error", 2, 152, "piece_number", None,
         "pièce BQ1 101 of 04/03/2024 does not balance: debit exceeds by 6,00", WAITING, LINE),
        ("TRA-X12", "warning", 3, 151, "entry_type", None,
         "journal BQ1 is BOR, which takes normal entries only, not 'S'", None, LINE),
        ("TRA-X02", "error", 4, 1, "journal", None,
         "the BQ1 folio of 05/03/2024 does not balance (1,00)", FOLIO, LINE),
        ("TRA-X01", "error", 4, 152, "piece_number", None,
         "pièce BQ1 102 of 05/03/2024 does not balance: debit exceeds by 1,00", WAITING, LINE),
        ("TRA-X01", "error", 5, 131, "amount", None,
         "pièce VTE 201 does not balance in its foreign currency (-1,00)", None, LINE),
        ("TRA-X01", "error", 5, 152, "piece_number", None,
         "pièce VTE 201 of 04/03/2024 does not balance: credit exceeds by 5,00", WAITING, LINE),
        ("TRA-X03", "error", None, None, None, None,
         "the file does not balance: debit 31,00, credit 29,00", None, None),
    ]  # fmt: skip


def from_dossier(chart: dict[str, AccountInfo]) -> ValidationConfig:
    """A chart of accounts read from dossier MANON002's settings in Loop."""
    return ValidationConfig(
        chart_of_accounts=chart, dossier="MANON002", dossier_tables=frozenset({"chart_of_accounts"})
    )


DOSSIER_CHART = {
    "70610000": AccountInfo(nature="PRO"),
    "41100000": AccountInfo(nature="COC"),
    "40100000": AccountInfo(nature="COF"),
    "46800000": AccountInfo(nature="DIV"),
    "62000000": AccountInfo(nature="CHA", lettrable=False),
    "41000000": AccountInfo(nature="COC", lettrable=True),
}
MISMATCH = "Cegid would treat the tiers as missing or replace the collective"


def test_collective_accounts_by_prefix_whole_findings() -> None:
    """TRA-X06 at the account (14) without a chart: the default prefixes 401, 411, 421, 467."""
    lines = std(
        tiers(account="51200000", direction="D"),
        tiers(account="40800000", direction="D", amount=Decimal("0")),
        entry(account="41100000", direction="C"),
    )
    assert whole(lines, None, "TRA-X06") == [
        ("TRA-X06", "error", 2, 14, "account", "51200000".ljust(17),
         "auxiliary 'CDUPONT' on account 51200000, outside class 4",
         "no French chart makes it collective: Cegid drops the auxiliary", LINE),
        ("TRA-X06", "warning", 3, 14, "account", "40800000".ljust(17),
         "account 40800000 matches no collective prefix (401, 411, 421, 467), yet carries "
         "auxiliary 'CDUPONT'",
         "declare the prefix in collective_prefixes, or give the chart of accounts", LINE),
        ("TRA-X06", "error", 4, 14, "account", "41100000".ljust(17),
         "collective account 41100000 without an auxiliary",
         "Cegid would substitute its waiting tiers: put X in column 31 and the tiers code at "
         "column 32", LINE),
    ]  # fmt: skip


def test_collective_accounts_by_chart_whole_findings() -> None:
    lines = std(
        tiers(account="46800000", direction="D"),
        tiers(account="40100000", direction="D", amount=Decimal("0")),
        tiers(account="41100000", auxiliary="FMARTIN", direction="C"),
    )
    known = {"CDUPONT": TiersInfo(nature="CLI"), "FMARTIN": TiersInfo(nature="FOU")}
    config = ValidationConfig(chart_of_accounts=DOSSIER_CHART, tiers=known)
    assert whole(lines, config, "TRA-X06") == [
        ("TRA-X06", "error", 2, 14, "account", "46800000".ljust(17),
         "account 46800000 is not collective in the chart, yet carries auxiliary 'CDUPONT'",
         "Cegid would drop the auxiliary", LINE),
        ("TRA-X06", "error", 3, 14, "account", "40100000".ljust(17),
         "tiers CDUPONT is CLI, but account 40100000 is COF", MISMATCH, LINE),
        ("TRA-X06", "error", 4, 14, "account", "41100000".ljust(17),
         "tiers FMARTIN is FOU, but account 41100000 is COC", MISMATCH, LINE),
    ]  # fmt: skip
    from_loop = from_dossier(DOSSIER_CHART)
    assert whole(lines, from_loop, "TRA-X06") == [
        ("TRA-X06", "error", 2, 14, "account", "46800000".ljust(17),
         "account 46800000 is not collective in dossier MANON002, yet carries auxiliary "
         "'CDUPONT'", "Cegid would drop the auxiliary", LINE),
    ]  # fmt: skip


def test_fiscal_years_whole_findings() -> None:
    """TRA-X05 at the date (4): 2023 closed, 2024 open to 30/06 and not opened after, the
    period closed until 04/03/2024; pièces 1 to 5 of 31/12/2022, 01/06/2023, 04/03/2024,
    05/03/2024, 01/07/2024."""
    years = (
        FiscalYear(dt.date(2023, 1, 1), dt.date(2023, 12, 31), "CLO"),
        FiscalYear(dt.date(2024, 1, 1), dt.date(2024, 6, 30), "OUV"),
        FiscalYear(dt.date(2024, 7, 1), dt.date(2024, 12, 31), "NON"),
    )
    days = [(2022, 12, 31), (2023, 6, 1), (2024, 3, 4), (2024, 3, 5), (2024, 7, 1)]
    lines = std(
        *(
            entry(date=dt.date(*day), piece_number=number, direction=side)
            for number, day in enumerate(days, 1)
            for side in "DC"
        )
    )
    config = ValidationConfig(fiscal_years=years, closed_until=dt.date(2024, 3, 4))
    outside = (
        "31/12/2022 is outside every fiscal year of the dossier",
        "a date outside every exercise stops the whole import",
    )
    closed = (
        "01/06/2023 is in the closed exercise 01/01/2023-31/12/2023",
        "Cegid refuses entries in a closed exercise",
    )
    period = (
        "04/03/2024 is in the period closed until 04/03/2024",
        "Cegid refuses entries in a closed period",
    )
    not_open = ("01/07/2024 is in an exercise not yet opened", "open the exercise in Loop first")
    assert whole(lines, config, "TRA-X05") == [
        ("TRA-X05", "error", 2, 4, "date", "31122022", *outside, LINE),
        ("TRA-X05", "error", 3, 4, "date", "31122022", *outside, LINE),
        ("TRA-X05", "error", 4, 4, "date", "01062023", *closed, LINE),
        ("TRA-X05", "error", 5, 4, "date", "01062023", *closed, LINE),
        ("TRA-X05", "error", 6, 4, "date", "04032024", *period, LINE),
        ("TRA-X05", "error", 7, 4, "date", "04032024", *period, LINE),
        ("TRA-X05", "warning", 10, 4, "date", "01072024", *not_open, LINE),
        ("TRA-X05", "warning", 11, 4, "date", "01072024", *not_open, LINE),
    ]


def test_lettering_rules_whole_findings() -> None:
    """TRA-X10 at the lettering code (1014): total lettering AB on 41000000 (100,00 debit)
    and on 62000000 (60,00 credit) balances on neither; 62000000 and 70610000 are not
    lettrable; a partial code 'ab' dated 01011900 has no date."""
    header, *general = ete(
        tiers(account="41000000", direction="D"),
        entry(account="62000000", direction="C", amount=Decimal("60")),
        entry(account="70610000", direction="C", amount=Decimal("40")),
    )
    total = {**ETE_CLEAN, "lettering_state": "TL", "lettering_code": "AB"}
    lines = [
        header,
        ete_line(general[0], **total, lettering_max_date="04032024"),
        ete_line(general[1], **total, lettering_max_date="04032024"),
        ete_line(general[2], **{**total, "lettering_state": "PL", "lettering_code": "ab"},
                 lettering_max_date="01011900"),
    ]  # fmt: skip
    for config, origin in (
        (ValidationConfig(chart_of_accounts=DOSSIER_CHART), ""),
        (from_dossier(DOSSIER_CHART), " in dossier MANON002"),
    ):
        assert whole(lines, config, "TRA-X10") == [
            ("TRA-X10", "warning", 2, 1014, "lettering_code", None,
             "total lettering 'AB' on 41000000 CDUPONT does not balance (100,00)", None, None),
            ("TRA-X10", "warning", 3, 1014, "lettering_code", None,
             f"lettering on account 62000000, which is not lettrable{origin}", None, LINE),
            ("TRA-X10", "warning", 3, 1014, "lettering_code", None,
             "total lettering 'AB' on 62000000  does not balance (-60,00)", None, None),
            ("TRA-X10", "warning", 4, 1014, "lettering_code", None,
             f"lettering on account 70610000, which is not lettrable{origin}", None, LINE),
            ("TRA-X10", "warning", 4, 1014, "lettering_code", None,
             "lettering code 'ab' without a lettering date", "the FEC requires both", LINE),
        ]  # fmt: skip


# -- the rule catalogue: Cegid's words, suggestions for typos, the report's verdicts -------------
@pytest.mark.parametrize(
    ("rule", "field", "value", "words"),
    [
        ("TRA-F14", "currency", "XYZ", "Erreur : la devise XYZ est inconnue."),
        ("TRA-F14", "currency", None, "Erreur : la devise X est inconnue."),
        ("TRA-F18", "establishment", "", "Etablissement X est manquant"),
        ("TRA-F18", "establishment", " 002 ", "Etablissement 002 est manquant"),
        ("TRA-S05", "format", "EXT", "Format du fichier incorrect"),
        ("TRA-S05", "format", "   ", "Format du fichier manquant."),
        ("TRA-S05", "format", None, "Format du fichier incorrect"),
        ("TRA-F19", "auxiliary", "", "Section analytique manquante"),
        ("TRA-F19", "axis", "A6", "Axe analytique manquant."),
        ("TRA-F19", None, None, "Axe analytique manquant."),
        (
            "TRA-S07",
            "closing_date",
            "x",
            "Format de la date d'arrete periodique incorrect.(pos 26)",
        ),
        ("TRA-S07", "generated_at", "x", ""),
    ],
)
def test_cegids_words_for_a_finding(
    rule: str, field: str | None, value: str | None, words: str
) -> None:
    """Cegid's messages as validation-rules.md quotes them, the value filled in (X when
    there is none), the "missing" form for a blank value."""
    assert RULES[rule].cegid_for(field, value) == words


@pytest.mark.parametrize(
    ("typo", "suggestion"),
    [
        ("x01", "; did you mean TRA-X01?"),
        ("TRAX11", "; did you mean TRA-X11?"),
        ("TRAS1", "; did you mean TRA-S01?"),  # TRA without its dash, S1 for S01
        ("s1", "; did you mean TRA-S01?"),
        ("tra-d6", "; did you mean TRA-D06?"),
        ("TRA-XO1", "; did you mean TRA-X01?"),
        ("ZZZZZZZZZZ", " (see docs/validation.md for the IDs)"),
    ],
)
def test_a_misspelt_rule_id_is_refused_with_the_closest_id(typo: str, suggestion: str) -> None:
    with pytest.raises(ConfigError) as raised:
        check_rule_patterns([typo], "[validate] select", source="tratool.toml")
    assert str(raised.value).endswith(f"[validate] select: unknown rule {typo!r}{suggestion}")


def test_passed_and_the_rule_counts_of_a_report() -> None:
    """BASE with an empty label (TRA-F06, a warning) on both lines: it passes, not strictly."""
    lines = [BASE[0], *(put(line, "label", "") for line in BASE[1:])]
    data = "".join(line + "\r\n" for line in lines).encode("cp1252")
    report = validate(io.BytesIO(data), ValidationConfig())
    assert report.passed()
    assert not report.passed(strict=True)
    assert report.rules()["TRA-F06"] == 2
    assert report.rules()["TRA-F01"] == 0
    clean = "".join(line + "\r\n" for line in BASE).encode("cp1252")
    assert validate(io.BytesIO(clean), ValidationConfig()).passed(strict=True)


# -- the pièce rules' bounded memory (validation/traces.py) --------------------------------------
def test_keys_spilled_in_one_batch_share_a_bitmap_byte_and_are_all_found() -> None:
    """Keys 0, 1 and 2 fall in the bitmap's first byte; all three reach the disk together."""
    spill = SpillDatabase()
    try:
        trace = spill.trace(3)
        assert [trace.setdefault(key, f"v{key}") for key in (0, 1, 2)] == ["v0", "v1", "v2"]
        assert trace._recent == {}  # the third key moved the batch to disk
        assert [trace.setdefault(key, "new") for key in (0, 1, 2, 3)] == ["v0", "v1", "v2", "new"]
        assert len(trace) == 4
    finally:
        spill.close()


def test_two_traces_spill_to_their_own_tables(caplog: pytest.LogCaptureFixture) -> None:
    spill = SpillDatabase()
    try:
        first, second = spill.trace(1), spill.trace(1)
        assert (first.setdefault(7, 1), second.setdefault(7, 2)) == (1, 2)
        assert (first._recent, second._recent) == ({}, {})  # both on disk
        assert (first.setdefault(7, 3), second.setdefault(7, 4)) == (1, 2)
    finally:
        spill.close()
    assert caplog.records == []


def test_a_failing_temporary_database_keeps_the_traces_in_memory(
    caplog: pytest.LogCaptureFixture,
) -> None:
    spill = SpillDatabase()
    spill.db.close()  # any SQLite error: no temporary directory, a full disk
    trace = spill.trace(1)
    assert trace.setdefault(5, "a") == "a"
    assert [r.getMessage() for r in caplog.records] == [
        "validation traces stay in memory: temporary database failed: "
        "Cannot operate on a closed database."
    ]
    assert [trace.setdefault(key, "b") for key in (5, 6, 6)] == ["a", "b", "b"]
    assert len(trace) == 2


# The words of each field rule case of test_rule_mirrors.py: (message, hint) of its rule.
FIELD_WORDS: dict[str, list[tuple[str, str | None]]] = {
    "TRA-F01-blank": [("the journal code is blank", None)],
    "TRA-F01-lower case": [("journal 'vte' is not upper-case letters and digits", None)],
    "TRA-F01-unknown journal": [
        (
            "journal 'BQ1' is not a known journal of the dossier",
            "Cegid creates it, or rejects the line",
        )
    ],
    "TRA-F01-closed journal": [
        ("journal 'ACH' is closed", "a closed journal stops the whole import")
    ],
    "TRA-F01-reserved AN": [
        ("journal 'AN' is reported as reserved by Loop", "use another journal code")
    ],
    "TRA-F02-last day before 1900": [
        ("entry date '31121899' is not a date between 1900 and 2099", None)
    ],
    "TRA-F02-first day of 2100": [
        ("entry date '01012100' is not a date between 1900 and 2099", None)
    ],
    "TRA-F02-29/02 of a common year": [
        (
            "entry date '29022023' is not a calendar date: 02/2023 has 28 days",
            "Cegid would silently use 28/02/2023",
        )
    ],
    "TRA-F02-31/04": [
        (
            "entry date '31042024' is not a calendar date: 04/2024 has 30 days",
            "Cegid would silently use 30/04/2024",
        )
    ],
    "TRA-F02-day 0": [
        (
            "entry date '00042024' is not a calendar date: 04/2024 has 30 days",
            "Cegid would silently use 01/04/2024",
        )
    ],
    "TRA-F02-month 13": [("entry date '01132024' is not a date between 1900 and 2099", None)],
    "TRA-F02-month 0": [("entry date '01002024' is not a date between 1900 and 2099", None)],
    "TRA-F02-blank": [
        ("the entry date is missing", "Cegid would post it on 01/01/1900, outside every exercise")
    ],
    "TRA-F02-01011900 means no date": [
        (
            "entry date '01011900' means 'no date'",
            "Cegid would post it on 01/01/1900, outside every exercise",
        )
    ],
    "TRA-F02-seven digits": [("entry date '1032024' is not a date in JJMMAAAA form", None)],
    "TRA-F03-unknown": [
        (
            "piece type 'ZZ' is not one of AC, AF, FC, FF, OC, OD, OF, RC, RF",
            "Cegid would silently replace it by OD",
        )
    ],
    "TRA-F03-blank": [
        (
            "piece type blank is not one of AC, AF, FC, FF, OC, OD, OF, RC, RF",
            "Cegid would silently replace it by OD",
        )
    ],
    "TRA-F04-one past the length": [
        (
            "account '706100000' has 9 characters; the dossier's accounts have 8",
            "Cegid would truncate it, possibly onto another account",
        )
    ],
    "TRA-F04-blank": [("the general account is blank", None)],
    "TRA-F04-letters": [
        ("account '7061000A' is not all digits", "Cegid reports alphanumeric general accounts")
    ],
    "TRA-F04-two digits": [
        ("account '70' has fewer than 3 digits", "the FEC requires at least the 3-digit class")
    ],
    "TRA-F04-not in the chart": [
        (
            "account '70620000' is not in the chart of accounts",
            "Cegid would create it or replace it by the waiting account",
        )
    ],
    "TRA-F05-auxiliary on a blank line type": [
        (
            "auxiliary 'CDUPONT' on a line whose type is not X",
            "put X in column 31: otherwise Cegid silently ignores the auxiliary",
        )
    ],
    "TRA-F05-X without auxiliary": [
        ("an X line without an auxiliary", "Cegid would substitute its waiting tiers")
    ],
    "TRA-F05-a quote": [
        (
            'auxiliary "CDU\'PONT" has lower case or a quote',
            "Cegid silently upper-cases it and turns ' into 0",
        )
    ],
    "TRA-F05-unknown tiers": [("auxiliary 'CMARTIN' is not a known tiers", None)],
    "TRA-F06-empty": [("the label is empty", "the FEC requires a label")],
    "TRA-F06-deleted entry": [
        (
            "label 'DETRUITE LE 01/03/2024' starts with 'DETRUITE LE '",
            "Cegid treats such an entry as deleted",
        )
    ],
    "TRA-F06-deleted entry, lower case": [
        (
            "label 'detruite le 01/03/2024' starts with 'DETRUITE LE '",
            "Cegid treats such an entry as deleted",
        )
    ],
    "TRA-F06-a double quote": [
        ("label 'Facture \"Dupont\"' contains a double quote", "Cegid strips double quotes")
    ],
    "TRA-F07-X line without reference": [
        ("a tiers line without a reference", "the reference serves lettering and duplicate checks")
    ],
    "TRA-F08-unknown": [
        (
            "payment method 'ZZZ' is not a known code",
            "Cegid maps it through a correspondence table or takes the dossier default",
        )
    ],
    "TRA-F09-31/04": [
        (
            "due date '31042024' is not a calendar date: 04/2024 has 30 days",
            "Cegid would silently use 01/01/1900, then the entry date",
        )
    ],
    "TRA-F09-year 2100": [
        (
            "due date '01012100' is not a date between 1900 and 2099",
            "Cegid would silently use 01/01/1900, then the entry date",
        )
    ],
    "TRA-F09-not digits": [
        (
            "due date '3O042024' is not a date in JJMMAAAA form",
            "Cegid would silently use 01/01/1900, then the entry date",
        )
    ],
    "TRA-F10-lower case d": [
        (
            "direction 'd' is not D or C",
            "Cegid would post a zero amount and balance the pièce on the waiting account",
        )
    ],
    "TRA-F10-blank": [
        (
            "direction blank is not D or C",
            "Cegid would post a zero amount and balance the pièce on the waiting account",
        )
    ],
    "TRA-F10-other letter": [
        (
            "direction 'X' is not D or C",
            "Cegid would post a zero amount and balance the pièce on the waiting account",
        )
    ],
    "TRA-F11-three decimals": [("amount '100,000' has 3 decimals; the currency has 2", None)],
    "TRA-F11-thousands blank": [
        ("amount '1 000,00' has a thousands separator", "write 1234,56, with no separator")
    ],
    "TRA-F11-thousands point": [
        ("amount '1.000,00' has a thousands separator", "write 1234,56, with no separator")
    ],
    "TRA-F11-not a number": [("amount '12a' is not a decimal number", "write e.g. 1200,50")],
    "TRA-F11-blank": [("the amount is missing", None)],
    "TRA-F11-zero": [
        ("the amount is zero", "Cegid silently drops a line whose three amounts are 0")
    ],
    "TRA-F11-negative": [
        (
            "amount '-100,00' is negative",
            "write a positive amount with the opposite direction: a negative amount switches on "
            "« montants négatifs autorisés » dossier-wide",
        )
    ],
    "TRA-F11-decimal point": [
        ("amount '100.00' uses a decimal point", "Cegid writes a decimal comma")
    ],
    "TRA-F11-decimal point refused": [
        ("amount '100.00' uses a decimal point", "Cegid writes a decimal comma")
    ],
    "TRA-F12-special S": [
        (
            "entry type 'S' is not a normal entry (N)",
            "S simulation, U situation, P prévision, R révision… are not posted as normal entries",
        )
    ],
    "TRA-F12-special U": [
        (
            "entry type 'U' is not a normal entry (N)",
            "S simulation, U situation, P prévision, R révision… are not posted as normal entries",
        )
    ],
    "TRA-F12-special R": [
        (
            "entry type 'R' is not a normal entry (N)",
            "S simulation, U situation, P prévision, R révision… are not posted as normal entries",
        )
    ],
    "TRA-F12-special P": [
        (
            "entry type 'P' is not a normal entry (N)",
            "S simulation, U situation, P prévision, R révision… are not posted as normal entries",
        )
    ],
    "TRA-F12-special C": [
        (
            "entry type 'C' is not a normal entry (N)",
            "S simulation, U situation, P prévision, R révision… are not posted as normal entries",
        )
    ],
    "TRA-F12-special I": [
        (
            "entry type 'I' is not a normal entry (N)",
            "S simulation, U situation, P prévision, R révision… are not posted as normal entries",
        )
    ],
    "TRA-F12-unknown": [("entry type 'Z' is unknown", "Cegid would silently use N")],
    "TRA-F13-blank": [
        (
            "the piece number is blank or 0",
            "Cegid numbers the pièce itself; its grouping cannot be checked",
        )
    ],
    "TRA-F13-zero": [
        (
            "the piece number is blank or 0",
            "Cegid numbers the pièce itself; its grouping cannot be checked",
        )
    ],
    "TRA-F13-letters": [("piece number '12A' is not a whole number", None)],
    "TRA-F15-foreign currency, no rate": [
        (
            "no exchange rate for currency USD",
            "Cegid would take its own rate table's, which may differ from the document",
        )
    ],
    "TRA-F15-a rate that is no number": [("exchange rate '1,0x' is not a number", None)],
    "TRA-F16-blank": [("amount code 'blank' is read as E--", None)],
    "TRA-F16----": [("amount code '---' is read as E--", None)],
    "TRA-F16-dash first": [("amount code '-E-' is not 3 of E, D, F, - with a letter first", None)],
    "TRA-F16-unknown letter": [
        ("amount code 'EX-' is not 3 of E, D, F, - with a letter first", None)
    ],
    "TRA-F16-two characters": [
        ("amount code 'ED' is not 3 of E, D, F, - with a letter first", None)
    ],
    "TRA-F17-amount2 named, blank": [
        ("amount code 'ED-' names amount2, which is blank", "Cegid would book 0")
    ],
    "TRA-F17-amount3 named, blank": [
        ("amount code 'E-F' names amount3, which is blank", "Cegid would book 0")
    ],
    "TRA-F17-amount2 not a number": [("amount '1x' is not a decimal number", "write e.g. 1200,50")],
    "TRA-F18-unknown": [
        (
            "establishment '002' is not a known establishment",
            "Cegid creates it, or fails when the establishment check is on",
        )
    ],
    "TRA-F19-axis on a general line": [
        ("axis 'A1' on a general line", "only A, H and O lines use it")
    ],
    "TRA-F20-a letter": [("due number '1A' is not a whole number", None)],
}


@pytest.mark.parametrize(
    ("rule", "what", "build", "config"),
    [case[:4] for case in FIELD_CASES],
    ids=[f"{case[0]}-{case[1]}" for case in FIELD_CASES],
)
def test_the_words_of_each_field_rule_case(
    rule: str, what: str, build: Callable[[], list[str]], config: dict[str, Any]
) -> None:
    """Each message names the value and what is wrong with it; each hint what Cegid does."""
    report = run(build(), ValidationConfig(**config))
    words: list[tuple[str, str | None]] = []
    for finding in report.findings:
        if finding.rule == rule and (finding.message, finding.hint) not in words:
            words.append((finding.message, finding.hint))
    assert words == FIELD_WORDS.get(f"{rule}-{what}", [])


# -- what only the whole file shows (TRA-S01, D02, D04, D05, D07, the skipped checks) -----------
FileWhole = tuple[str, str, str, str | None]
SKIPPED: list[FileWhole] = [
    ("TRA-X05", "info", "check skipped: no fiscal_years (or ***EXO records) configured", None),
    ("TRA-X09", "info", "check skipped: no sections configured", None),
    ("TRA-F18", "info", "check skipped: no establishments configured", None),
    ("TRA-F24", "info", "check skipped: no company_code configured", None),
]
CRLF_HINT = "Cegid writes CRLF; its file checker assumes it"


def file_findings(
    data: bytes, name: str, config: ValidationConfig, max_findings: int = 10_000
) -> tuple[list[FileWhole], Report]:
    stream = io.BytesIO(data)
    stream.name = name
    report = validate(stream, config, max_findings=max_findings)
    found: list[FileWhole] = [
        (f.rule, str(f.severity), f.message, f.hint)
        for f in report.findings
        if (f.line, f.column, f.field, f.value, f.source) == (None, None, None, None, None)
    ]
    return found, report


def two_journals(ending: str = "\r\n") -> bytes:
    """VTE 101 of 04/03/2024 and ACH 101 of 01/02/2024, 100,00 each side; lines 2 and 4 end
    in LF alone, the others in CRLF (1043 bytes; 1040 all in LF)."""
    february = dt.date(2024, 2, 1)
    header, *rest = std(
        entry(direction="D"),
        entry(direction="C"),
        entry(journal="ACH", date=february, direction="D"),
        entry(journal="ACH", date=february, direction="C"),
    )
    endings = ["\r\n", "\n", "\r\n", "\n", "\r\n"] if ending == "mixed" else [ending] * 5
    return "".join(line + end for line, end in zip([header, *rest], endings, strict=True)).encode()


TOTALS = (
    "TRA-D07",
    "info",
    "4 entries in 2 pièces (ACH 2, VTE 2), 01/02/2024 → 04/03/2024; debit 200,00, credit 200,00",
    None,
)


def test_the_whole_file_findings_come_last_in_their_order() -> None:
    found, report = file_findings(
        two_journals("mixed"), "export.txt", ValidationConfig(max_movements=3)
    )
    assert found == [
        ("TRA-D02", "warning", "2 line(s) end in LF alone, 3 in CRLF", CRLF_HINT),
        ("TRA-D04", "warning", "the file name 'export.txt' does not end in .tra",
         "Cegid's checker refuses other extensions"),
        ("TRA-D05", "warning",
         "4 entry lines, 1043 bytes: above Loop's recommendation (3 lines, 133000000 bytes)",
         "split the file"),
        *SKIPPED,
        TOTALS,
    ]  # fmt: skip
    assert report.findings[-len(found) :] == [f for f in report.findings if f.line is None]


def test_the_size_limit_in_bytes_and_a_file_all_in_lf() -> None:
    found, _ = file_findings(two_journals("\n"), "<stdin>", ValidationConfig(max_bytes=1039))
    assert found == [
        ("TRA-D02", "warning", "5 line(s) end in LF alone", CRLF_HINT),
        ("TRA-D05", "warning",
         "4 entry lines, 1040 bytes: above Loop's recommendation (1000000 lines, 1039 bytes)",
         "split the file"),
        *SKIPPED,
        TOTALS,
    ]  # fmt: skip
    at_the_limit, _ = file_findings(two_journals("\n"), "x.tra", ValidationConfig(max_bytes=1040))
    assert [f[0] for f in at_the_limit] == ["TRA-D02", *(s[0] for s in SKIPPED), "TRA-D07"]
    four, _ = file_findings(two_journals(), "x.tra", ValidationConfig(max_movements=4))
    assert [f[0] for f in four] == [*(s[0] for s in SKIPPED), "TRA-D07"]


def test_a_file_without_entries() -> None:
    config = ValidationConfig(sections={}, establishments=frozenset(), company_code="001")
    found, _ = file_findings((BASE[0] + "\r\n").encode(), "x.TRA", config)
    assert found == [
        ("TRA-S01", "error", "the file holds no entry line",
         "nothing to import: Loop would fail only after upload and polling"),
        SKIPPED[0],
        ("TRA-D07", "info", "0 entries in 0 pièces (no journal); debit 0,00, credit 0,00", None),
    ]  # fmt: skip


def test_findings_past_the_cap_are_counted_not_kept() -> None:
    found, report = file_findings(two_journals("mixed"), "x.tra", ValidationConfig(), 2)
    assert found == [("TRA-D02", "warning", "2 line(s) end in LF alone, 3 in CRLF", CRLF_HINT),
                     SKIPPED[0]]  # fmt: skip
    assert (report.counts["warning"], report.counts["info"], report.dropped) == (1, 5, 4)


# -- one entry line as the cross-line rules see it (validation/line.py) --------------------------
@pytest.mark.parametrize(
    ("raw", "hundredths"),
    [
        ("       100,00", 10000),
        ("-12,00", -1200),
        ("+5", 500),
        ("1.5", 150),
        ("0,07", 7),
        ("12,345", 1234),  # TRA-F11 reports the third decimal; the balance reads two
        ("", 0),
        ("   ", 0),
        ("12a", 0),
        ("1,2,3", 0),
        ("1,x", 0),
        ("\u00b9", 0),  # a superscript one is no digit to Cegid (TRA-F26)
    ],
)
def test_an_amount_field_in_hundredths(raw: str, hundredths: int) -> None:
    assert cents(raw) == hundredths


@pytest.mark.parametrize(
    ("raw", "shown"),
    [("31042024", "31/04/2024"), ("04032024 ", "04/03/2024"), ("0403202", "'0403202'"),
     ("        ", "''"), ("0403202A", "'0403202A'")],
)  # fmt: skip
def test_a_date_field_as_people_read_it(raw: str, shown: str) -> None:
    assert day(raw) == shown


@pytest.mark.parametrize(
    ("hundredths", "amount"),
    [(123450, "1234.50"), (-5, "-0.05"), (0, "0.00"), (100, "1.00")],
)
def test_hundredths_as_the_amount_a_finding_shows(hundredths: int, amount: str) -> None:
    assert str(money(hundredths)) == amount


@pytest.mark.parametrize("line_type", ["A", "H", "O"])
def test_the_axis_rule_on_section_lines_whole_findings(line_type: str) -> None:
    """TRA-F19 at the axis (219) and the section (32) of each analytic line type."""
    lines = std(
        tiers(direction="D"),
        entry(direction="C"),
        section_line(line_type=line_type, axis=""),
        section_line(line_type=line_type, axis="A"),
        section_line(line_type=line_type, axis="A6", auxiliary=""),
    )
    not_an_axis = "Cegid would silently use A1"
    assert whole(lines, None, "TRA-F19", "TRA-F05") == [
        ("TRA-F19", "error", 4, 219, "axis", "  ", "analytic axis 'blank' is not A1 to A5",
         not_an_axis, LINE),
        ("TRA-F19", "warning", 5, 219, "axis", "A ", "axis 'A' is read as A1", "write A1", LINE),
        ("TRA-F19", "error", 6, 32, "auxiliary", " " * 17,
         f"an analytic ({line_type}) line without a section", None, LINE),
        ("TRA-F19", "error", 6, 219, "axis", "A6", "analytic axis 'A6' is not A1 to A5",
         not_an_axis, LINE),
    ]  # fmt: skip


def test_an_auxiliary_longer_than_the_dossiers_whole_finding() -> None:
    lines = std(tiers(direction="D", auxiliary="CDUPONT12"), entry(direction="C"))
    assert whole(lines, ValidationConfig(auxiliary_length=8), "TRA-F05") == [
        ("TRA-F05", "error", 2, 32, "auxiliary", "CDUPONT12".ljust(17),
         "auxiliary 'CDUPONT12' is longer than 8 characters", "Cegid would truncate it", LINE),
    ]  # fmt: skip


def test_the_width_rule_whole_findings() -> None:
    """TRA-S09: a STD line cut at 200 stops inside amount3 (196-215); one of 225 has three
    characters past column 222."""
    lines = [BASE[0], BASE[1][:200], BASE[2] + "XYZ"]
    assert whole(lines, None, "TRA-S09") == [
        ("TRA-S09", "error", 2, 196, "amount3", None,
         "the line is 200 characters long; an entry line has 222",
         "it stops inside the right-justified amount3 (196-215), whose value always reaches the "
         "field's last column: the line was cut", LINE),
        ("TRA-S09", "warning", 3, 223, None, None,
         "the line is 225 characters long; a STD line ends at column 222",
         "Cegid ignores the characters after column 222; tratool keeps them as they are", LINE),
    ]  # fmt: skip


# -- the front door (validation/engine.py) -------------------------------------------------------
def test_a_file_is_validated_with_the_nearest_config_file(tmp_path: Path) -> None:
    """An account of 9 characters where tratool.toml, two folders up, says 8 (TRA-F04)."""
    (tmp_path / "tratool.toml").write_text("[validate]\ngeneral_account_length = 8\n", "utf-8")
    folder = tmp_path / "2024" / "mars"
    folder.mkdir(parents=True)
    lines = [BASE[0], BASE[1], put(BASE[2], "account", "706100000")]
    path = folder / "x.tra"
    path.write_bytes("".join(line + "\r\n" for line in lines).encode("cp1252"))
    assert config_for(path).general_account_length == 8
    assert config_for(None) == ValidationConfig()
    for engine in ("fast", "reference"):
        found = [(f.rule, f.line) for f in validate(path, engine=engine).findings if f.line]
        assert found == [("TRA-F04", 3)], engine
    with path.open("rb") as stream:  # a stream has no folder: the defaults
        assert [f.rule for f in validate(stream).findings if f.line] == []


def test_an_unknown_engine_is_refused_by_name() -> None:
    with pytest.raises(
        ValueError, match=r"^unknown validation engine 'slow': 'fast' or 'reference'$"
    ):
        validate(io.BytesIO(b""), engine="slow")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("first", "second", "named"),
    [
        ("04032024", "31042024", "04/03/2024"),
        ("31042024", "04032024", "04/03/2024"),  # the pièce takes the first real date
        ("31042024", "32042024", "31/04/2024"),
        ("", "04032024", "04/03/2024"),
    ],
)
def test_an_impossible_date_does_not_split_its_piece(first: str, second: str, named: str) -> None:
    """TRA-F02 reports the impossible date; the pièce stays one (no TRA-X04), unbalanced by
    the 40,00 its two lines miss, under its real date when it has one."""
    header, debit, credit = std(entry(direction="D"), entry(direction="C", amount=Decimal("60")))
    lines = [header, put(debit, "date", first), put(credit, "date", second)]
    assert whole(lines, None, *PIECE_RULES) == [
        ("TRA-X01", "error", 2, 152, "piece_number", None,
         f"pièce VTE 101 of {named} does not balance: debit exceeds by 40,00", WAITING, LINE),
        ("TRA-X03", "error", None, None, None, None,
         "the file does not balance: debit 100,00, credit 60,00", None, None),
    ]  # fmt: skip


def test_an_impossible_date_on_another_piece_number_is_another_piece() -> None:
    lines = std(
        entry(direction="D"),
        entry(direction="C", amount=Decimal("60")),
        entry(piece_number=102, direction="C", amount=Decimal("40")),
    )
    lines[3] = put(lines[3], "date", "31042024")
    assert whole(lines, None, *PIECE_RULES) == [
        ("TRA-X01", "error", 2, 152, "piece_number", None,
         "pièce VTE 101 of 04/03/2024 does not balance: debit exceeds by 40,00", WAITING, LINE),
        ("TRA-X01", "error", 4, 152, "piece_number", None,
         "pièce VTE 102 of 31/04/2024 does not balance: credit exceeds by 40,00", WAITING, LINE),
    ]  # fmt: skip


# -- the fast pass's grid blocks (validation/columnar.py) ----------------------------------------
def grid_file(pieces: int, ending: str) -> bytes:
    """A STD file of `pieces` balanced pièces VTE 1… of 04/03/2024, pièce n of n euros each
    side: 222 columns a line, big enough for grid blocks after the first 64 KiB."""
    lines = std(
        *(
            entry(piece_number=n, direction=side, amount=Decimal(n))
            for n in range(1, pieces + 1)
            for side in "DC"
        )
    )
    return "".join(line + ending for line in lines).encode("cp1252")


def fast_run(data: bytes) -> tuple[Report, FastPass]:
    run = FastPass("x.tra", ValidationConfig(), LineDecoder(), 100)
    try:
        return run.run(io.BytesIO(data)), run
    finally:
        run.pieces.close()


@pytest.mark.parametrize(("ending", "d02"), [("\r\n", []), ("\n", ["801 line(s) end in LF alone"])])
def test_grid_rows_count_their_line_endings_and_amounts(ending: str, d02: list[str]) -> None:
    report, run = fast_run(grid_file(400, ending))
    assert run.grid_rows > 400  # past the first read, the rows went by blocks
    assert run.proved_rows == run.grid_rows
    assert [str(f.message) for f in report.findings if f.rule == "TRA-D02"] == d02
    assert [str(f.message) for f in report.findings if f.rule == "TRA-D07"] == [
        "800 entries in 400 pièces (VTE 800), 04/03/2024 → 04/03/2024; debit 80200,00, "
        "credit 80200,00"
    ]
    assert report.totals.lines == 801


@pytest.mark.parametrize(
    ("record", "column", "message"),
    [
        (ps2(auxiliary="5"), 10, "PS2 auxiliary length '5' is not 6 to 17"),
        (ps2(axes=axes_with(4, "2")), 22, "PS2 axis 4 section length '2' is not 3 to 17"),
        (ps2(axes=axes_with(5, "18")), 25, "PS2 axis 5 section length '18' is not 3 to 17"),
    ],
)
def test_each_ps2_length_is_named_in_its_finding(record: str, column: int, message: str) -> None:
    """***PS2 (tra-format.md §8): auxiliary length at 10, axis n at 10 + 3n."""
    found = whole([BASE[0], record, *BASE[1:]], None, "TRA-S12")
    assert [(f[2], f[3], f[6]) for f in found] == [(2, column, message)]


def grid_lines(pieces: int) -> list[str]:
    """grid_file's lines, the currency blank (the dossier's) and amounts in whole units."""
    lines = std(
        *(
            entry(piece_number=n, direction=side, amount=Decimal(n))
            for n in range(1, pieces + 1)
            for side in "DC"
        )
    )
    return [lines[0], *(put(put(line, "currency", ""), "amount", line[130:150].strip()[:-3])
                        for line in lines[1:])]  # fmt: skip


def fast_findings(lines: list[str], rule: str, config: ValidationConfig) -> list[tuple[Any, ...]]:
    data = "".join(line + "\r\n" for line in lines).encode("cp1252")
    run = FastPass("x.tra", config, LineDecoder(), 10_000)
    try:
        report = run.run(io.BytesIO(data))
    finally:
        run.pieces.close()
    assert run.proved_rows > 400  # the file went by grid blocks
    return [(f.line, f.field, str(f.message)) for f in report.findings if f.rule == rule]


def test_grid_rows_take_the_decimals_of_the_dossier_currency() -> None:
    """Yen have no decimals (ISO 4217): 100,50 on lines 700 and 701 is refused, 350 is not."""
    lines = grid_lines(400)
    assert lines[699][130:150].strip() == "350"
    for row in (699, 700):
        lines[row] = put(lines[row], "amount", "100,50")
    assert fast_findings(lines, "TRA-F11", ValidationConfig(dossier_currency="JPY")) == [
        (700, "amount", "amount '100,50' has 2 decimals; the currency has 0"),
        (701, "amount", "amount '100,50' has 2 decimals; the currency has 0"),
    ]


@pytest.mark.parametrize("amount", ["12:50", ",50"])
def test_a_grid_row_whose_amount_is_no_decimal_number_is_looked_at(amount: str) -> None:
    """':' is the character after '9', no digit; a decimal comma needs a digit before it."""
    lines = grid_lines(400)
    lines[699] = put(lines[699], "amount", amount)
    assert fast_findings(lines, "TRA-F11", ValidationConfig()) == [
        (700, "amount", f"amount {amount!r} is not a decimal number")
    ]


def test_what_the_dossier_lacks_is_said_once_the_rest_on_every_line() -> None:
    """With the journals, chart and establishments read from dossier MANON002 in Loop: journal
    VTE and account 70610000 certainly do not exist, said at their first line only (lines 2
    and 3, not 4 and 5); establishment 001 on every line."""
    config = ValidationConfig(
        journals={"ACH": JournalInfo()},
        chart_of_accounts={"41100000": AccountInfo(nature="COC")},
        establishments=frozenset({"002"}),
        dossier="MANON002",
        dossier_tables=frozenset({"journals", "chart_of_accounts", "establishments"}),
    )
    lines = [*BASE, BASE[1], BASE[2]]
    first_only = "(reported at its first line only)"
    unknown = (
        "warning",
        216,
        "establishment",
        "001",
        "establishment '001' is not a known establishment in dossier MANON002",
        "Cegid creates it, or fails when the establishment check is on",
        LINE,
    )
    assert whole(lines, config, "TRA-F01", "TRA-F04", "TRA-F18") == [
        ("TRA-F01", "error", 2, 1, "journal", "VTE",
         "journal 'VTE' does not exist in dossier MANON002",
         "Cegid would create it on the fly or reject the line: create it in Loop first, or fix "
         f"the code {first_only}", LINE),
        ("TRA-F18", unknown[0], 2, *unknown[1:]),
        ("TRA-F04", "error", 3, 14, "account", "70610000".ljust(17),
         "account '70610000' does not exist in dossier MANON002",
         f"Cegid would create it or replace it by the waiting account {first_only}", LINE),
        *(("TRA-F18", unknown[0], line, *unknown[1:]) for line in (3, 4, 5)),
    ]  # fmt: skip


def test_a_section_tratool_toml_declares_is_not_the_dossiers() -> None:
    """Sections read from dossier MANON002, but A1/SECT2 set in tratool.toml: its finding
    does not say "in dossier"."""
    lines = std(tiers(direction="D"), entry(direction="C"), section_line(auxiliary="SECT2"))
    config = ValidationConfig(
        sections={"A1/SECT2": True},
        dossier="MANON002",
        dossier_tables=frozenset({"sections"}),
        local_keys=frozenset({"sections:A1/SECT2"}),
    )
    assert [f[6] for f in whole(lines, config, "TRA-X09")] == ["section A1/SECT2 is closed"]


def test_parameter_records_are_counted_and_those_without_a_check_pass() -> None:
    """***PS1, ***ETB and ***DEV are known codes tratool does not check (tra-format.md §8)."""
    records = ["***PS1", "***ETB001", "***DEVUSD", "***JALVTE".ljust(44) + "VTE".ljust(29) + "-"]
    lines = [BASE[0], *records, *BASE[1:]]
    data = "".join(line + "\r\n" for line in lines).encode("cp1252")
    report = validate(io.BytesIO(data), ValidationConfig())
    assert report.totals.parameter_records == 4
    # the dossier-level records of a JRL file are said once, at the first (TRA-S13)
    assert [(f.rule, f.line) for f in report.findings if f.line in (2, 3, 4, 5)] == [("TRA-S13", 2)]


def test_an_ete_date_f26_reports_does_not_stop_the_later_dates() -> None:
    """¹ in the reconciliation date (447, TRA-F26), 31/04/2024 in the value date (463, F23)."""
    header, debit, credit = ete(tiers(direction="D"), entry(direction="C"))
    line = ete_line(debit, **ETE_CLEAN, lettering_state="RI", value_date="31042024")
    line = line[:446] + "0\u00b9012024" + line[454:]
    lines = [header, line, ete_line(credit, **ETE_CLEAN)]
    found = [(f[0], f[3]) for f in whole(lines, None, "TRA-F2")]
    assert ("TRA-F23", 463) in found
    assert ("TRA-F23", 447) not in found


def test_general_ete_lines_cut_short_are_counted_once_per_file() -> None:
    """Two general ETE lines stop early, at 300 then 350 columns: before opening_kind
    (302-304) and vat_on_receipts (386), and before the lettering state (1021-1023)."""
    header, debit, credit = ete(tiers(direction="D"), entry(direction="C"))
    full = {**ETE_CLEAN, "lettering_state": "RI"}
    lines = [
        header,
        ete_line(debit, **full)[:300],
        ete_line(credit, **full)[:350],
        ete_line(credit, **full),
    ]
    refused = "Cegid's file checker refuses such lines; write the ETE lines up to these fields"
    assert whole(lines, None, "TRA-F25", "TRA-F22") == [
        ("TRA-F25", "warning", None, None, "vat_on_receipts", None,
         "2 general ETE line(s) stop before column 386, so they lack required fields: "
         "opening_kind (302), vat_on_receipts (386) (first: line 2; shortest: 300 columns)",
         refused, None),
        ("TRA-F22", "warning", None, None, "lettering_state", None,
         "2 general ETE line(s) stop before column 1023, so they lack required fields: "
         "lettering_state (1021) (first: line 2; shortest: 300 columns)", refused, None),
    ]  # fmt: skip


def test_defects_inside_proved_grid_pieces_are_reported() -> None:
    """Pièces 1-400 on a grid, from 351 on numbered one higher (pièce 351 missing, at line
    702), line 661 an X line on 70610000 (outside class 4: TRA-X06), pièce 370 (lines 740
    and 741) dated 04/03/2023, outside the only fiscal year, 2024 (TRA-X05)."""
    lines = grid_lines(400)
    for row in range(1, len(lines)):
        number = int(lines[row][151:159])
        if number >= 351:
            lines[row] = put(lines[row], "piece_number", str(number + 1))
    lines[660] = put(put(lines[660], "line_type", "X"), "auxiliary", "CDUPONT")
    for row in (739, 740):
        lines[row] = put(lines[row], "date", "04032023")
    year = FiscalYear(dt.date(2024, 1, 1), dt.date(2024, 12, 31), "OUV")
    config = ValidationConfig(fiscal_years=(year,))
    outside = "04/03/2023 is outside every fiscal year of the dossier"
    assert fast_findings(lines, "TRA-X11", config) == [
        (702, "piece_number", "pieces 351-351 of journal VTE are missing")
    ]
    assert fast_findings(lines, "TRA-X06", config) == [
        (661, "account", "auxiliary 'CDUPONT' on account 70610000, outside class 4")
    ]
    assert fast_findings(lines, "TRA-X05", config) == [
        (740, "date", outside),
        (741, "date", outside),
    ]
    assert fast_findings(lines, "TRA-X01", config) == []
