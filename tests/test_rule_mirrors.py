"""Mirror-image rule tests: each rule from both sides (too early and too late, too short and too
long, debit and credit), at its exact limit (the limit passes, one past it fails), under each
setting that changes it, on the line types it reads and silent on those it does not.

The base file is one balanced pièce: line 2 an X line on 41100000 (auxiliary CDUPONT, debit
100,00), line 3 a general line on 70610000 (credit 100,00). A case replaces raw fields, and
states every finding of the one rule it is about as (line, field, severity)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs
import pytest

import tratool
from tratool.tra import layout
from tratool.validation import (
    AccountInfo,
    FiscalYear,
    JournalInfo,
    TiersInfo,
    ValidationConfig,
)

from .test_hostile_input import NUMERIC_FIELDS
from .tra_lines import entry, ete, put, run, std, tiers

D = dt.date
Expected = list[tuple[int | None, str | None, str]]
BASE = std(tiers(direction="D"), entry(direction="C"))
BASE_ETE = ete(tiers(direction="D"), entry(direction="C"))


def at(line: int, **fields: str) -> Callable[[], list[str]]:
    """The base file with raw field values on one line (1-based, the header is line 1)."""

    def build() -> list[str]:
        lines = list(BASE)
        for name, value in fields.items():
            lines[line - 1] = put(lines[line - 1], name, value)
        return lines

    return build


def both(**fields: str) -> Callable[[], list[str]]:
    """The base file with the same raw values on both entry lines (the pièce stays one)."""

    def build() -> list[str]:
        return [BASE[0], *(put_all(line, fields) for line in BASE[1:])]

    return build


def put_all(line: str, fields: dict[str, str]) -> str:
    for name, value in fields.items():
        line = put(line, name, value)
    return line


def on_both(field: str, severity: str) -> Expected:
    """The same finding on both entry lines of the base file."""
    return [(2, field, severity), (3, field, severity)]


def findings_of(lines: list[str], rule: str, config: ValidationConfig | None = None) -> Expected:
    report = run(lines, config)
    return [(f.line, f.field, f.severity) for f in report.findings if f.rule == rule]


def test_the_base_file_is_clean() -> None:
    report = run(BASE)
    assert report.ok
    assert report.warnings == 0
    assert (report.totals.debit, report.totals.credit) == (Decimal("100.00"), Decimal("100.00"))


NONE: Expected = []
JOURNALS = {"VTE": JournalInfo(), "ACH": JournalInfo(closed=True)}
EUR_USD = {"EUR": 2, "USD": 2}

Case = tuple[str, str, Callable[[], list[str]], dict[str, Any], Expected]
SPECIAL_ENTRY_TYPES: list[Case] = [
    ("TRA-F12", f"special {code}", at(3, entry_type=code), {}, [(3, "entry_type", "warning")])
    for code in "SURPCI"
]
# (rule, what, lines, config, findings of that rule)
FIELD_CASES: list[Case] = [
    # TRA-F01 journal: blank, case, known, closed, reserved
    ("TRA-F01", "blank", both(journal=""), {}, on_both("journal", "error")),
    (
        "TRA-F01",
        "lower case",
        both(journal="vte"),
        {},
        on_both("journal", "error"),
    ),
    ("TRA-F01", "known journal", both(journal="VTE"), {"journals": JOURNALS}, NONE),
    (
        "TRA-F01",
        "unknown journal",
        both(journal="BQ1"),
        {"journals": JOURNALS},
        on_both("journal", "warning"),
    ),
    (
        "TRA-F01",
        "closed journal",
        both(journal="ACH"),
        {"journals": JOURNALS},
        on_both("journal", "error"),
    ),
    (
        "TRA-F01",
        "reserved AN",
        both(journal="AN"),
        {},
        on_both("journal", "warning"),
    ),
    (
        "TRA-F01",
        "AN not reserved here",
        both(journal="AN"),
        {"reserved_journals": frozenset()},
        NONE,
    ),
    # TRA-F02 date: the first and last years, leap days, impossible days, the empty forms
    ("TRA-F02", "first day of 1900 + 1", both(date="02011900"), {}, NONE),
    (
        "TRA-F02",
        "last day before 1900",
        both(date="31121899"),
        {},
        on_both("date", "error"),
    ),
    ("TRA-F02", "last day of 2099", both(date="31122099"), {}, NONE),
    (
        "TRA-F02",
        "first day of 2100",
        both(date="01012100"),
        {},
        on_both("date", "error"),
    ),
    ("TRA-F02", "29/02 of a leap year", both(date="29022024"), {}, NONE),
    (
        "TRA-F02",
        "29/02 of a common year",
        both(date="29022023"),
        {},
        on_both("date", "error"),
    ),
    ("TRA-F02", "30/04", both(date="30042024"), {}, NONE),
    ("TRA-F02", "31/04", both(date="31042024"), {}, on_both("date", "error")),
    ("TRA-F02", "day 0", both(date="00042024"), {}, on_both("date", "error")),
    (
        "TRA-F02",
        "month 13",
        both(date="01132024"),
        {},
        on_both("date", "error"),
    ),
    ("TRA-F02", "month 0", both(date="01002024"), {}, on_both("date", "error")),
    ("TRA-F02", "blank", both(date=""), {}, on_both("date", "error")),
    (
        "TRA-F02",
        "01011900 means no date",
        both(date="01011900"),
        {},
        on_both("date", "error"),
    ),
    (
        "TRA-F02",
        "seven digits",
        both(date="1032024"),
        {},
        on_both("date", "error"),
    ),
    # TRA-F03 piece type
    ("TRA-F03", "OD", both(piece_type="OD"), {}, NONE),
    (
        "TRA-F03",
        "unknown",
        both(piece_type="ZZ"),
        {},
        on_both("piece_type", "error"),
    ),
    (
        "TRA-F03",
        "blank",
        both(piece_type=""),
        {},
        on_both("piece_type", "error"),
    ),
    # TRA-F04 account: length limit both sides, digits, three leading digits, chart
    (
        "TRA-F04",
        "exactly the length",
        at(3, account="70610000"),
        {"general_account_length": 8},
        NONE,
    ),
    (
        "TRA-F04",
        "one past the length",
        at(3, account="706100000"),
        {"general_account_length": 8},
        [(3, "account", "error")],
    ),
    ("TRA-F04", "no length configured", at(3, account="706100000"), {}, NONE),
    ("TRA-F04", "blank", at(3, account=""), {}, [(3, "account", "error")]),
    ("TRA-F04", "letters", at(3, account="7061000A"), {}, [(3, "account", "warning")]),
    ("TRA-F04", "three digits", at(3, account="706"), {}, NONE),
    ("TRA-F04", "two digits", at(3, account="70"), {}, [(3, "account", "warning")]),
    (
        "TRA-F04",
        "in the chart",
        at(3, account="70610000"),
        {
            "chart_of_accounts": {
                "70610000": AccountInfo(nature="PRO"),
                "41100000": AccountInfo(nature="COC"),
            }
        },
        NONE,
    ),
    (
        "TRA-F04",
        "not in the chart",
        at(3, account="70620000"),
        {
            "chart_of_accounts": {
                "70610000": AccountInfo(nature="PRO"),
                "41100000": AccountInfo(nature="COC"),
            }
        },
        [(3, "account", "error")],
    ),
    # TRA-F05 line type and auxiliary
    (
        "TRA-F05",
        "auxiliary on a blank line type",
        at(3, auxiliary="CDUPONT"),
        {},
        [(3, "line_type", "error")],
    ),
    ("TRA-F05", "X without auxiliary", at(2, auxiliary=""), {}, [(2, "auxiliary", "error")]),
    ("TRA-F05", "a quote", at(2, auxiliary="CDU'PONT"), {}, [(2, "auxiliary", "error")]),
    (
        "TRA-F05",
        "known tiers",
        at(2, auxiliary="CDUPONT"),
        {"tiers": {"CDUPONT": TiersInfo("CLI")}},
        NONE,
    ),
    (
        "TRA-F05",
        "unknown tiers",
        at(2, auxiliary="CMARTIN"),
        {"tiers": {"CDUPONT": TiersInfo("CLI")}},
        [(2, "auxiliary", "warning")],
    ),
    # TRA-F06 label
    ("TRA-F06", "empty", at(3, label=""), {}, [(3, "label", "warning")]),
    (
        "TRA-F06",
        "deleted entry",
        at(3, label="DETRUITE LE 01/03/2024"),
        {},
        [(3, "label", "error")],
    ),
    (
        "TRA-F06",
        "deleted entry, lower case",
        at(3, label="detruite le 01/03/2024"),
        {},
        [(3, "label", "error")],
    ),
    ("TRA-F06", "the words later", at(3, label="Avoir DETRUITE LE 01/03"), {}, NONE),
    ("TRA-F06", "without the blank", at(3, label="DETRUITE LE"), {}, NONE),
    ("TRA-F06", "a double quote", at(3, label='Facture "Dupont"'), {}, [(3, "label", "warning")]),
    # TRA-F07 reference on tiers lines only
    ("TRA-F07", "X line without reference", at(2, reference=""), {}, [(2, "reference", "info")]),
    ("TRA-F07", "general line without reference", at(3, reference=""), {}, NONE),
    # TRA-F08 payment method
    ("TRA-F08", "known", at(2, payment_method="VIR"), {}, NONE),
    ("TRA-F08", "unknown", at(2, payment_method="ZZZ"), {}, [(2, "payment_method", "warning")]),
    (
        "TRA-F08",
        "the dossier's list",
        at(2, payment_method="ZZZ"),
        {"payment_methods": frozenset({"ZZZ"})},
        NONE,
    ),
    # TRA-F09 due date
    ("TRA-F09", "30/04", at(2, due_date="30042024"), {}, NONE),
    ("TRA-F09", "31/04", at(2, due_date="31042024"), {}, [(2, "due_date", "error")]),
    ("TRA-F09", "no date", at(2, due_date="01011900"), {}, NONE),
    ("TRA-F09", "blank", at(2, due_date=""), {}, NONE),
    ("TRA-F09", "year 2100", at(2, due_date="01012100"), {}, [(2, "due_date", "error")]),
    ("TRA-F09", "not digits", at(2, due_date="3O042024"), {}, [(2, "due_date", "error")]),
    # TRA-F10 direction
    ("TRA-F10", "lower case d", at(2, direction="d"), {}, [(2, "direction", "error")]),
    ("TRA-F10", "blank", at(3, direction=""), {}, [(3, "direction", "error")]),
    ("TRA-F10", "other letter", at(3, direction="X"), {}, [(3, "direction", "error")]),
    # TRA-F11 amount: decimals of the currency, separators, sign, zero
    ("TRA-F11", "two decimals", both(amount="100,00"), {}, NONE),
    ("TRA-F11", "no decimals", both(amount="100"), {}, NONE),
    (
        "TRA-F11",
        "three decimals",
        both(amount="100,000"),
        {},
        on_both("amount", "error"),
    ),
    (
        "TRA-F11",
        "thousands blank",
        both(amount="1 000,00"),
        {},
        on_both("amount", "error"),
    ),
    (
        "TRA-F11",
        "thousands point",
        both(amount="1.000,00"),
        {},
        on_both("amount", "error"),
    ),
    (
        "TRA-F11",
        "not a number",
        both(amount="12a"),
        {},
        on_both("amount", "error"),
    ),
    ("TRA-F11", "blank", both(amount=""), {}, on_both("amount", "error")),
    (
        "TRA-F11",
        "zero",
        both(amount="0,00"),
        {},
        on_both("amount", "warning"),
    ),
    ("TRA-F11", "one cent", both(amount="0,01"), {}, NONE),
    (
        "TRA-F11",
        "negative",
        both(amount="-100,00"),
        {},
        on_both("amount", "error"),
    ),
    ("TRA-F11", "negative allowed", both(amount="-100,00"), {"allow_negative_amounts": True}, NONE),
    (
        "TRA-F11",
        "decimal point",
        both(amount="100.00"),
        {},
        on_both("amount", "warning"),
    ),
    (
        "TRA-F11",
        "decimal point refused",
        both(amount="100.00"),
        {"accept_decimal_point": False},
        on_both("amount", "error"),
    ),
    # TRA-F12 entry type
    ("TRA-F12", "N", both(entry_type="N"), {}, NONE),
    *SPECIAL_ENTRY_TYPES,
    ("TRA-F12", "unknown", at(3, entry_type="Z"), {}, [(3, "entry_type", "error")]),
    # TRA-F13 piece number
    (
        "TRA-F13",
        "blank",
        both(piece_number=""),
        {},
        on_both("piece_number", "warning"),
    ),
    (
        "TRA-F13",
        "zero",
        both(piece_number="0"),
        {},
        on_both("piece_number", "warning"),
    ),
    ("TRA-F13", "one", both(piece_number="1"), {}, NONE),
    (
        "TRA-F13",
        "letters",
        both(piece_number="12A"),
        {},
        on_both("piece_number", "error"),
    ),
    # TRA-F15 exchange rate, with the currencies configured
    (
        "TRA-F15",
        "dossier currency, no rate",
        both(currency="EUR", exchange_rate=""),
        {"currencies": EUR_USD},
        NONE,
    ),
    (
        "TRA-F15",
        "foreign currency, no rate",
        both(currency="USD", exchange_rate=""),
        {"currencies": EUR_USD},
        on_both("exchange_rate", "warning"),
    ),
    (
        "TRA-F15",
        "foreign currency, a rate",
        both(currency="USD", exchange_rate="1,08"),
        {"currencies": EUR_USD},
        NONE,
    ),
    (
        "TRA-F15",
        "a rate that is no number",
        both(currency="USD", exchange_rate="1,0x"),
        {"currencies": EUR_USD},
        on_both("exchange_rate", "warning"),
    ),
    # TRA-F16 amount code
    ("TRA-F16", "E--", at(3, amount_code="E--"), {}, NONE),
    ("TRA-F16", "blank", at(3, amount_code=""), {}, [(3, "amount_code", "warning")]),
    ("TRA-F16", "---", at(3, amount_code="---"), {}, [(3, "amount_code", "warning")]),
    ("TRA-F16", "dash first", at(3, amount_code="-E-"), {}, [(3, "amount_code", "error")]),
    ("TRA-F16", "unknown letter", at(3, amount_code="EX-"), {}, [(3, "amount_code", "error")]),
    ("TRA-F16", "two characters", at(3, amount_code="ED"), {}, [(3, "amount_code", "error")]),
    # TRA-F17 amount2 / amount3
    ("TRA-F17", "amount2 named and filled", both(amount_code="ED-", amount2="100,00"), {}, NONE),
    (
        "TRA-F17",
        "amount2 named, blank",
        both(amount_code="ED-"),
        {},
        on_both("amount2", "error"),
    ),
    (
        "TRA-F17",
        "amount3 named, blank",
        both(amount_code="E-F"),
        {},
        on_both("amount3", "error"),
    ),
    ("TRA-F17", "amount2 not a number", at(3, amount2="1x"), {}, [(3, "amount2", "error")]),
    # TRA-F18 establishments
    ("TRA-F18", "known", both(establishment="001"), {"establishments": frozenset({"001"})}, NONE),
    (
        "TRA-F18",
        "unknown",
        both(establishment="002"),
        {"establishments": frozenset({"001"})},
        on_both("establishment", "warning"),
    ),
    # TRA-F19 axis on a general line
    ("TRA-F19", "axis on a general line", at(3, axis="A1"), {}, [(3, "axis", "warning")]),
    # TRA-F20 due number
    ("TRA-F20", "digits", at(2, due_number="1"), {}, NONE),
    ("TRA-F20", "a letter", at(2, due_number="1A"), {}, [(2, "due_number", "warning")]),
]


@pytest.mark.parametrize(
    ("rule", "what", "build", "config", "expected"),
    FIELD_CASES,
    ids=[f"{c[0]}-{c[1]}" for c in FIELD_CASES],
)
def test_field_rule_mirrors(
    rule: str,
    what: str,
    build: Callable[[], list[str]],
    config: dict[str, Any],
    expected: Expected,
) -> None:
    assert findings_of(build(), rule, ValidationConfig(**config)) == expected, what


# -- line types: what each rule reads, and where it stays silent ---------------------------------
DEBIT = tiers(direction="D")
CREDIT = entry(direction="C")


def analytic(line_type: str, **overrides: Any) -> tratool.Entry:
    """An analytic line under CREDIT: same account and direction, section SECT1 on A1."""
    fields: dict[str, Any] = {"direction": "C", "auxiliary": "SECT1", "axis": "A1"}
    return entry(line_type=line_type, **{**fields, **overrides})


@pytest.mark.parametrize(
    ("line_type", "severity"),
    [
        ("", None),
        ("X", None),
        ("A", None),
        ("H", None),
        ("O", None),
        ("-", "info"),
        ("E", "warning"),
        ("L", "warning"),
        ("G", "warning"),
        ("P", "warning"),
        ("B", "warning"),
        ("Q", "error"),
    ],
)
def test_line_type_s10(line_type: str, severity: str | None) -> None:
    lines = [*BASE, put(BASE[2], "line_type", line_type)]
    expected = [] if severity is None else [(4, "line_type", severity)]
    assert findings_of(lines, "TRA-S10") == expected


@pytest.mark.parametrize(
    ("line_type", "counted"),
    [("", True), ("X", True), ("E", True), ("L", True), ("H", True), ("A", False), ("O", False)],
)
def test_which_line_types_count_in_the_totals(line_type: str, counted: bool) -> None:
    """A 40,00 debit line of each type added to the balanced pièce: general lines (blank, X,
    E, L, H) count, and unbalance it on the debit side; analytic lines (A, O) do not."""
    extra = entry(line_type=line_type, direction="D", amount=Decimal("40.00"))
    if line_type in ("A", "H", "O"):
        extra = analytic(line_type, direction="D", amount=Decimal("40.00"))
    report = run(std(DEBIT, CREDIT, extra))
    debit = Decimal("140.00") if counted else Decimal("100.00")
    assert (report.totals.debit, report.totals.credit) == (debit, Decimal("100.00"))
    x01 = [f.message for f in report.findings if f.rule == "TRA-X01" and f.field != "amount"]
    assert x01 == (
        ["pièce VTE 101 of 04/03/2024 does not balance: debit exceeds by 40,00"] if counted else []
    )


@pytest.mark.parametrize("line_type", ["A", "H"])
def test_f19_axis_and_section_on_section_lines(line_type: str) -> None:
    good = analytic(line_type)
    variants = {
        "A1": (good, []),
        "blank axis": (analytic(line_type, axis=""), [("axis", "error")]),
        "axis A": (analytic(line_type, axis="A"), [("axis", "warning")]),
        "axis A5": (analytic(line_type, axis="A5"), []),
        "axis A6": (analytic(line_type, axis="A6"), [("axis", "error")]),
        "no section": (analytic(line_type, auxiliary=""), [("auxiliary", "error")]),
    }
    for what, (line, expected) in variants.items():
        built = std(DEBIT, CREDIT, line) if line_type == "A" else std(DEBIT, line)
        row = len(built)
        got = [(f, s) for n, f, s in findings_of(built, "TRA-F19") if n == row]
        assert got == expected, what


def test_f05_reads_no_auxiliary_on_section_lines() -> None:
    """On A, H and O lines columns 32-48 hold a section: no auxiliary rule applies to them."""
    for built in (
        std(DEBIT, CREDIT, analytic("A", auxiliary="sect'1")),
        std(DEBIT, analytic("H", auxiliary="sect'1")),
    ):
        assert findings_of(built, "TRA-F05") == []


# -- cross-line rules ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("debit", "credit", "side"),
    [("100,00", "100,00", None), ("100,01", "100,00", "debit"), ("100,00", "100,01", "credit")],
)
def test_x01_and_x03_name_the_side_by_one_cent(debit: str, credit: str, side: str | None) -> None:
    lines = [BASE[0], put(BASE[1], "amount", debit), put(BASE[2], "amount", credit)]
    report = run(lines)
    assert (report.totals.debit, report.totals.credit) == (
        Decimal(debit.replace(",", ".")),
        Decimal(credit.replace(",", ".")),
    )
    x01 = [(f.line, f.message) for f in report.findings if f.rule == "TRA-X01"]
    x03 = [f.message for f in report.findings if f.rule == "TRA-X03"]
    if side is None:
        assert (x01, x03) == ([], [])
    else:
        assert x01 == [(2, f"pièce VTE 101 of 04/03/2024 does not balance: {side} exceeds by 0,01")]
        assert x03 == [f"the file does not balance: debit {debit}, credit {credit}"]


@pytest.mark.parametrize(
    ("debit2", "credit2", "gap"), [("110,00", "100,00", "10,00"), ("100,00", "110,00", "-10,00")]
)
def test_x01_in_the_foreign_currency_both_ways(debit2: str, credit2: str, gap: str) -> None:
    """Balanced in euros, unbalanced in dollars (amount2, amount code ED-), either way."""
    lines = [
        BASE[0],
        put_all(BASE[1], {"currency": "USD", "amount_code": "ED-", "amount2": debit2}),
        put_all(BASE[2], {"currency": "USD", "amount_code": "ED-", "amount2": credit2}),
    ]
    report = run(lines, ValidationConfig(currencies=EUR_USD))
    [x01] = [f for f in report.findings if f.rule == "TRA-X01"]
    assert (x01.line, x01.field, x01.severity) == (2, "amount", "error")
    assert x01.message.endswith(f"does not balance in its foreign currency ({gap})")
    assert (report.totals.debit, report.totals.credit) == (Decimal("100.00"), Decimal("100.00"))


YEAR_2024 = (FiscalYear(D(2024, 1, 1), D(2024, 12, 31)),)


@pytest.mark.parametrize(
    ("day", "config", "severity"),
    [
        (D(2023, 12, 31), {"fiscal_years": YEAR_2024}, "error"),
        (D(2024, 1, 1), {"fiscal_years": YEAR_2024}, None),
        (D(2024, 12, 31), {"fiscal_years": YEAR_2024}, None),
        (D(2025, 1, 1), {"fiscal_years": YEAR_2024}, "error"),
        (D(2024, 3, 4), {"fiscal_years": YEAR_2024, "closed_until": D(2024, 3, 3)}, None),
        (D(2024, 3, 4), {"fiscal_years": YEAR_2024, "closed_until": D(2024, 3, 4)}, "error"),
        (
            D(2024, 3, 4),
            {"fiscal_years": (FiscalYear(D(2024, 1, 1), D(2024, 12, 31), "CPR"),)},
            None,
        ),
        (
            D(2024, 3, 4),
            {"fiscal_years": (FiscalYear(D(2024, 1, 1), D(2024, 12, 31), "NON"),)},
            "warning",
        ),
        (
            D(2024, 3, 4),
            {"fiscal_years": (FiscalYear(D(2024, 1, 1), D(2024, 12, 31), "CLO"),)},
            "error",
        ),
        (
            D(2024, 3, 4),
            {"fiscal_years": (FiscalYear(D(2024, 1, 1), D(2024, 12, 31), "CDE"),)},
            "error",
        ),
    ],
)
def test_x05_fiscal_year_edges(day: dt.date, config: dict[str, Any], severity: str | None) -> None:
    lines = std(tiers(date=day, direction="D"), entry(date=day, direction="C"))
    expected = [] if severity is None else [(2, "date", severity), (3, "date", severity)]
    assert findings_of(lines, "TRA-X05", ValidationConfig(**config)) == expected


@pytest.mark.parametrize(
    ("field", "value", "severity"),
    [
        ("piece_type", "AC", "error"),
        ("establishment", "002", "warning"),
        ("piece_type", "FC", None),
    ],
)
def test_x04_a_piece_changes_inside(field: str, value: str, severity: str | None) -> None:
    lines = [BASE[0], BASE[1], put(BASE[2], field, value)]
    expected = [] if severity is None else [(3, field, severity)]
    assert findings_of(lines, "TRA-X04") == expected


@pytest.mark.parametrize(
    ("numbers", "message"),
    [
        ((101, 102), None),
        ((101, 103), "pieces 102-102 of journal VTE are missing"),
        ((101, 104), "pieces 102-103 of journal VTE are missing"),
        ((102, 101), "piece number 101 of journal VTE comes after 102"),
        ((101, 101), None),
    ],
)
def test_x11_numbering_gaps_and_going_back(numbers: tuple[int, int], message: str | None) -> None:
    first, second = numbers
    lines = std(
        tiers(piece_number=first, direction="D"),
        entry(piece_number=first, direction="C"),
        tiers(piece_number=second, direction="D", label="Facture Martin"),
        entry(piece_number=second, direction="C", label="Facture Martin"),
    )
    got = [(f.line, f.severity, f.message) for f in run(lines).findings if f.rule == "TRA-X11"]
    assert got == ([] if message is None else [(4, "warning", message)])


@pytest.mark.parametrize(
    ("account", "auxiliary", "config", "severity"),
    [
        ("41100000", "CDUPONT", {}, None),
        ("70610000", "CDUPONT", {}, "error"),  # outside class 4
        ("44100000", "CDUPONT", {}, "warning"),  # class 4, no collective prefix
        ("41100000", "", {}, "error"),  # a collective without auxiliary (blank line type)
        ("41100000", "CDUPONT", {"tiers": {"CDUPONT": TiersInfo("FOU")}}, "error"),
        ("41100000", "CDUPONT", {"tiers": {"CDUPONT": TiersInfo("CLI")}}, None),
        ("41100000", "CDUPONT", {"tiers": {"CDUPONT": TiersInfo("DIV")}}, None),
        ("40100000", "CDUPONT", {"tiers": {"CDUPONT": TiersInfo("FOU")}}, None),
        ("40100000", "CDUPONT", {"tiers": {"CDUPONT": TiersInfo("CLI")}}, "error"),
    ],
)
def test_x06_collectives(
    account: str, auxiliary: str, config: dict[str, Any], severity: str | None
) -> None:
    line = tiers(account=account, auxiliary=auxiliary, direction="D")
    if not auxiliary:
        line = entry(account=account, direction="D")
    expected = [] if severity is None else [(2, "account", severity)]
    assert findings_of(std(line, CREDIT), "TRA-X06", ValidationConfig(**config)) == expected


def test_x08_analytic_only_lines_balance_on_the_journals_axis() -> None:
    journals = {"ODA": JournalInfo(axis="A1")}

    def o_line(direction: str, amount: str, axis: str = "A1") -> tratool.Entry:
        return analytic("O", journal="ODA", direction=direction, amount=Decimal(amount), axis=axis)

    config = ValidationConfig(journals=journals)
    assert findings_of(std(o_line("D", "50"), o_line("C", "50")), "TRA-X08", config) == []
    assert findings_of(std(o_line("D", "50"), o_line("C", "40")), "TRA-X08", config) == [
        (2, "amount", "error")
    ]
    assert findings_of(std(o_line("D", "40"), o_line("C", "50")), "TRA-X08", config) == [
        (2, "amount", "error")
    ]
    other = std(o_line("D", "50", "A2"), o_line("C", "50"))
    assert findings_of(other, "TRA-X08", config) == [(2, "axis", "error")]
    report = run(std(o_line("D", "50"), o_line("C", "40")), config)
    assert (report.totals.debit, report.totals.credit) == (Decimal("0.00"), Decimal("0.00"))


# -- file rules ----------------------------------------------------------------------------------
def test_d05_size_limits_at_the_limit_and_one_past() -> None:
    size = len("".join(line + "\r\n" for line in BASE).encode("cp1252"))
    assert size == 149 + 2 * 224  # a 147-column header and two 222-column lines, with CRLF
    cases: list[tuple[ValidationConfig, Expected]] = [
        (ValidationConfig(max_movements=2), []),
        (ValidationConfig(max_movements=1), [(None, None, "warning")]),
        (ValidationConfig(max_bytes=size), []),
        (ValidationConfig(max_bytes=size - 1), [(None, None, "warning")]),
    ]
    for config, expected in cases:
        assert findings_of(BASE, "TRA-D05", config) == expected, config


@pytest.mark.parametrize(
    ("name", "expected"),
    [("x.tra", []), ("X.TRA", []), ("x.Tra", []), ("x.txt", [(None, None, "warning")])],
)
def test_d04_extension_in_any_case(name: str, expected: Expected) -> None:
    report = run(BASE, name=name)
    assert [
        (f.line, f.field, f.severity) for f in report.findings if f.rule == "TRA-D04"
    ] == expected


def test_severity_overrides_and_off_on_a_mirror_pair() -> None:
    both_lines = both(piece_type="ZZ")()
    raised = ValidationConfig(severity={"TRA-F03": "warning"})
    assert findings_of(both_lines, "TRA-F03", raised) == [
        (2, "piece_type", "warning"),
        (3, "piece_type", "warning"),
    ]
    assert findings_of(both_lines, "TRA-F03", ValidationConfig(severity={"TRA-F03": "off"})) == []
    assert run(both_lines, ValidationConfig(severity={"TRA-F03": "off"})).ok


# -- the rules revised after Cegid's spec v011 (header version, width, currency, ETE) ------------
@pytest.mark.parametrize(
    ("version", "severity"),
    [
        ("004", "warning"),  # Cegid skips lines whose amount is 0 up to 004
        ("005", None),
        ("009", None),
        ("010", None),
        ("011", None),
        ("012", "info"),  # beyond the known layouts
        ("", "error"),
        ("07", "error"),
        ("1a2", "error"),
        ("\u00b9\u00b2\u00b3", "error"),  # superscript digits: not ASCII digits
    ],
)
def test_s06_header_version(version: str, severity: str | None) -> None:
    lines = [put(BASE[0], "version", version, layout.HEADER), *BASE[1:]]
    expected = [] if severity is None else [(1, "version", severity)]
    assert findings_of(lines, "TRA-S06") == expected


@pytest.mark.parametrize(
    ("width", "column", "field", "severity"),
    [
        (149, 150, "amount", "error"),  # the amount is incomplete
        (150, 151, "entry_type", "warning"),  # stripped trailing blanks from here on
        (160, 161, "currency", "warning"),  # inside a left-justified field
        (200, 196, "amount3", "error"),  # inside a right-justified field: cut
        (216, 217, "establishment", "warning"),
        (220, 221, "due_number", "warning"),  # at a field boundary
        (221, 221, "due_number", "error"),  # inside the right-justified due_number: cut
        (222, None, None, None),
        (223, 223, None, "info"),  # one blank more: the extra characters are blanks
    ],
)
def test_s09_std_width_by_what_is_lost(
    width: int, column: int | None, field: str | None, severity: str | None
) -> None:
    line = BASE[1][:width].ljust(width)
    report = run([BASE[0], line, BASE[2]])
    got = [(f.line, f.column, f.field, f.severity) for f in report.findings if f.rule == "TRA-S09"]
    assert got == ([] if severity is None else [(2, column, field, severity)])


def test_s09_std_line_longer_with_characters_is_a_warning() -> None:
    report = run([BASE[0], BASE[1] + "Z", BASE[2]])
    got = [(f.line, f.column, f.severity) for f in report.findings if f.rule == "TRA-S09"]
    assert got == [(2, 223, "warning")]


def full(line: tratool.Entry, **extension: Any) -> tratool.Entry:
    """An ETE general line with the fields spec v011 requires filled."""
    values: dict[str, Any] = {
        "created_on": D(2024, 3, 5),
        "opening_kind": "N",
        "vat_on_receipts": "-",
        "lettering_state": "RI",
    }
    return attrs.evolve(line, extension=tratool.GeneralExtension(**{**values, **extension}))


@pytest.mark.parametrize(
    ("version", "width", "config", "warned"),
    [
        ("009", 1280, {}, False),
        ("009", 1281, {}, True),
        ("010", 1281, {}, False),
        ("010", 1407, {}, False),
        ("010", 1408, {}, True),
        ("010", 1300, {"max_line_width": 1300}, False),
        ("010", 1301, {"max_line_width": 1300}, True),
    ],
)
def test_s09_ete_width_by_header_version(
    version: str, width: int, config: dict[str, Any], warned: bool
) -> None:
    lines = ete(full(DEBIT), full(CREDIT))
    header = put(lines[0], "version", version, layout.HEADER)
    longest = lines[1].ljust(width - 1) + "Z"
    report = run([header, longest, lines[2]], ValidationConfig(**config))
    got = [(f.line, f.column, f.severity) for f in report.findings if f.rule == "TRA-S09"]
    assert got == ([(2, width, "warning")] if warned else [])


@pytest.mark.parametrize(
    ("code", "config", "severity"),
    [
        ("EUR", {}, None),
        ("", {}, None),  # blank: the dossier currency
        ("XYZ", {}, "error"),  # not ISO 4217
        ("eur", {}, "error"),
        ("USD", {}, "warning"),  # ISO, and the dossier's currencies are not configured
        ("USD", {"currencies": {"EUR": 2}}, "error"),  # ISO, but not among the configured ones
    ],
)
def test_f14_currency(code: str, config: dict[str, Any], severity: str | None) -> None:
    lines = both(currency=code, exchange_rate="1,1")()
    expected = [] if severity is None else [(2, "currency", severity), (3, "currency", severity)]
    assert findings_of(lines, "TRA-F14", ValidationConfig(**config)) == expected


@pytest.mark.parametrize(
    ("state", "code", "expected"),
    [
        ("RI", "", []),
        ("AL", "", []),
        ("TL", "AB", []),  # upper case: totally lettered
        ("PL", "ab", []),  # lower case: partly lettered
        ("PL", "Ab", []),  # mixed case: partly lettered
        ("TL", "ab", [(2, "lettering_code", "warning")]),
        ("PL", "AB", [(2, "lettering_code", "warning")]),
        ("TL", "", [(2, "lettering_state", "warning")]),  # a state without a code
        ("XX", "", [(2, "lettering_state", "warning")]),
        ("ri", "", [(2, "lettering_state", "warning")]),
        ("", "", [(None, "lettering_state", "warning")]),  # blank: once for the file
    ],
)
def test_f22_lettering_state_and_code(state: str, code: str, expected: Expected) -> None:
    lines = ete(full(DEBIT, lettering_state=state, lettering_code=code), full(CREDIT))
    assert findings_of(lines, "TRA-F22") == expected


def test_f22_never_reads_analytic_lines() -> None:
    """On an A line column 1014 is analytic_line_number and 1021 is unused (spec v011)."""
    line = analytic("A", extension=tratool.AnalyticExtension(analytic_line_number=1))
    assert findings_of(ete(full(DEBIT), full(CREDIT), line), "TRA-F22") == []


@pytest.mark.parametrize(
    ("field", "value", "warned"),
    [
        ("created_on", "", True),
        ("opening_kind", "", True),
        ("opening_kind", "N", False),
        ("opening_kind", "H", False),
        ("opening_kind", "OAN", False),
        ("vat_on_receipts", "", True),
        ("vat_on_receipts", "X", False),
    ],
)
def test_f25_required_ete_fields(field: str, value: str, warned: bool) -> None:
    lines = ete(full(DEBIT), full(CREDIT))
    lines[1] = put(lines[1], field, value, layout.ETE_GENERAL)
    expected = [(2, field, "warning")] if warned else []
    assert findings_of(lines, "TRA-F25") == expected


def test_f25_a_short_ete_line_is_reported_once_per_file() -> None:
    """Lines that end before the required fields (a writer stopping at 293): one finding."""
    lines = ete(DEBIT, CREDIT)  # empty extensions: the lines end at column 222
    found = findings_of(lines, "TRA-F25")
    assert len(found) == 1
    assert found[0][0] is None
    assert found[0][2] == "warning"


# -- TRA-S12: the PS2 lengths record -------------------------------------------------------------
def ps2(general: str = "08", auxiliary: str = "08", axes: tuple[str, ...] = ("03",) * 5) -> str:
    """***PS2: general length in 7-8, auxiliary length in 10-11, axis n length at 10 + 3n,
    each followed by its one-character filler (tra-format.md §8)."""
    lengths = [general, auxiliary, *axes]
    return "***PS2" + "".join(value.ljust(2) + "0" for value in lengths)


def axes_with(axis: int, value: str) -> tuple[str, ...]:
    return tuple(value if n == axis else "03" for n in range(1, 6))


@pytest.mark.parametrize(
    ("record", "config", "columns"),
    [
        (ps2(), {}, []),
        (ps2(general="06"), {}, []),
        (ps2(general="05"), {}, [7]),
        (ps2(general="17"), {}, []),
        (ps2(general="18"), {}, [7]),
        (ps2(general="1a"), {}, [7]),
        (ps2(general=""), {}, []),  # blank: not given
        (ps2(auxiliary="06"), {}, []),
        (ps2(auxiliary="05"), {}, [10]),
        (ps2(auxiliary="17"), {}, []),
        (ps2(auxiliary="18"), {}, [10]),
        *[(ps2(axes=axes_with(n, "03")), {}, []) for n in range(1, 6)],
        *[(ps2(axes=axes_with(n, "02")), {}, [10 + 3 * n]) for n in range(1, 6)],
        *[(ps2(axes=axes_with(n, "17")), {}, []) for n in range(1, 6)],
        *[(ps2(axes=axes_with(n, "18")), {}, [10 + 3 * n]) for n in range(1, 6)],
        (
            ps2(general="08", auxiliary="08"),
            {"general_account_length": 8, "auxiliary_length": 8},
            [],
        ),
        (ps2(general="09"), {"general_account_length": 8}, [7]),
        (ps2(general="07"), {"general_account_length": 8}, [7]),
        (ps2(auxiliary="09"), {"auxiliary_length": 8}, [10]),
        (ps2(auxiliary="07"), {"auxiliary_length": 8}, [10]),
    ],
)
def test_s12_ps2_lengths(record: str, config: dict[str, Any], columns: list[int]) -> None:
    report = run([BASE[0], record, *BASE[1:]], ValidationConfig(**config))
    got = [(f.line, f.column, f.severity) for f in report.findings if f.rule == "TRA-S12"]
    assert got == [(2, column, "error") for column in columns]


# -- TRA-S12: EXO, JAL, PS5, CGN, CAE records ----------------------------------------------------
def record(lay: layout.Layout, **fields: str) -> str:
    line = "***" + lay.name
    for name, value in fields.items():
        line = put(line, name, value, lay)
    return line


def exo(
    code: str = "001", start: str = "01012024", end: str = "31122024", state: str = "OUV"
) -> str:
    """***EXO: code 7-9, start 10-17, end 18-25, state 26-28."""
    return record(layout.EXERCISE, code=code, start=start, end=end, state=state)


@pytest.mark.parametrize(
    ("records", "found"),
    [
        ([exo()], []),
        ([exo(code="999")], []),
        ([exo(code="000")], [(2, 7)]),
        ([exo(code="1A")], [(2, 7)]),
        ([exo(code="001"), exo(code="001", start="01012025", end="31122025")], [(3, 7)]),
        ([exo(start="02012024")], [(2, 10)]),  # not the first day of a month
        ([exo(end="27122024")], [(2, 10)]),  # no month ends on the 27th
        ([exo(start="01032022", end="28022023")], []),  # the 28th may end one
        ([exo(start="01012024", end="31122023")], [(2, 10)]),  # ends before it starts
        ([exo(start="32012024")], [(2, 10)]),  # not a date
        ([exo(start="")], [(2, 10)]),
        *[([exo(state=state)], []) for state in ("OUV", "CDE", "CPR", "CLO", "NON")],
        ([exo(state="XYZ")], [(2, 26)]),
        (
            [
                exo(code="001", start="01012023", end="31122023"),
                exo(code="002", start="01012024", end="31122024"),
            ],
            [],
        ),
        (
            [
                exo(code="001", start="01012023", end="31122023"),
                exo(code="002", start="01012024", end="31122024"),
                exo(code="003", start="01012025", end="31122025"),
            ],
            [(4, 26)],  # a third open exercise
        ),
    ],
)
def test_s12_exo_records(records: list[str], found: list[tuple[int, int]]) -> None:
    report = run([BASE[0], *records, *BASE[1:]])
    got = [(f.line, f.column, f.severity) for f in report.findings if f.rule == "TRA-S12"]
    assert got == [(line, column, "error") for line, column in found]


@pytest.mark.parametrize(("state", "in_year"), [("OUV", True), ("CLO", False), ("NON", False)])
def test_exo_records_are_the_fiscal_years_of_x05(state: str, in_year: bool) -> None:
    lines = [BASE[0], exo(state=state), *BASE[1:]]  # the entries are of 04/03/2024
    x05 = findings_of(lines, "TRA-X05")
    assert (x05 == []) is in_year
    outside = [BASE[0], exo(start="01012023", end="31122023"), *BASE[1:]]
    assert findings_of(outside, "TRA-X05") == [(3, "date", "error"), (4, "date", "error")]


def jal(nature: str = "VTE", account: str = "", axis: str = "", mode: str = "-") -> str:
    """***JAL: nature 45-47, counterpart account 54-70, axis 71-73, entry mode 74-76."""
    return record(
        layout.JOURNAL,
        code="VTE",
        nature=nature,
        counterpart_account=account,
        axis=axis,
        entry_mode=mode,
    )


@pytest.mark.parametrize(
    ("line", "columns"),
    [
        (jal(), []),
        *[(jal(nature=nature), []) for nature in ("ACH", "OD", "REG", "ANO", "EXT")],
        (jal(nature="ZZZ"), [45]),
        (jal(nature="BQE"), [54]),
        (jal(nature="BQE", account="51200000"), []),
        (jal(nature="CAI"), [54]),
        (jal(nature="CAI", account="53000000"), []),
        (jal(nature="ODA"), [71]),
        (jal(nature="ODA", axis="A1"), []),
        (jal(mode="BOR"), []),
        (jal(mode="LIB"), []),
        (jal(mode=""), []),
        (jal(mode="XYZ"), [74]),
        (jal(nature="ZZZ", mode="XYZ"), [45, 74]),
    ],
)
def test_s12_jal_records(line: str, columns: list[int]) -> None:
    report = run([BASE[0], line, *BASE[1:]])
    got = [(f.line, f.column) for f in report.findings if f.rule == "TRA-S12"]
    assert got == [(2, column) for column in columns]


@pytest.mark.parametrize(
    ("currency", "euro", "columns"),
    [
        ("EUR", "X", []),
        ("FRF", "-", []),
        ("EUR", " ", []),  # no flag: nothing to contradict
        ("USD", "-", [7]),
        ("EUR", "-", [11]),
        ("FRF", "X", [11]),
    ],
)
def test_s12_ps5_currency(currency: str, euro: str, columns: list[int]) -> None:
    """***PS5: keeping currency 7-9, decimals 10, euro flag 11."""
    line = record(layout.CURRENCY, keeping_currency=currency, decimals="2", keeps_euro=euro)
    report = run([BASE[0], line, *BASE[1:]])
    got = [(f.line, f.column) for f in report.findings if f.rule == "TRA-S12"]
    assert got == [(2, column) for column in columns]


@pytest.mark.parametrize(
    ("nature", "flags", "columns"),
    [
        ("PRO", "X-", []),
        ("COC", "--", []),
        ("TID", "  ", []),
        ("ZZZ", "X-", [59]),
        ("PRO", "Y-", [62]),
        ("PRO", "-Y", [62]),
    ],
)
def test_s12_cgn_records(nature: str, flags: str, columns: list[int]) -> None:
    """***CGN: nature 59-61, lettrable 62, pointable 63."""
    line = record(
        layout.GENERAL_ACCOUNT,
        code="70610000",
        nature=nature,
        lettrable=flags[0],
        pointable=flags[1],
    )
    report = run([BASE[0], line, *BASE[1:]])
    got = [(f.line, f.column) for f in report.findings if f.rule == "TRA-S12"]
    assert got == [(2, column) for column in columns]


@pytest.mark.parametrize(
    ("nature", "columns", "x06"),
    [("CLI", [], []), ("FOU", [], [(3, "account", "error")]), ("ZZZ", [59], None)],
)
def test_s12_cae_records_and_the_tiers_they_bring(
    nature: str, columns: list[int], x06: Expected | None
) -> None:
    """***CAE: nature 59-61, collective 63-79; CDUPONT as a supplier under 411 is refused."""
    line = record(layout.TIERS, code="CDUPONT", nature=nature, collective_account="41100000")
    lines = [BASE[0], line, *BASE[1:]]
    report = run(lines)
    got = [(f.line, f.column) for f in report.findings if f.rule == "TRA-S12"]
    assert got == [(2, column) for column in columns]
    if x06 is not None:
        assert findings_of(lines, "TRA-X06") == x06


# -- TRA-X07 / TRA-X09: analytic lines and sections ----------------------------------------------
def split(**overrides: Any) -> tratool.Entry:
    """An A line of CREDIT (70610000, credit 100,00) on section SECT1 of axis A1."""
    fields: dict[str, Any] = {"amount": Decimal("100.00")}
    return analytic("A", **{**fields, **overrides})


CHART = {
    "70610000": AccountInfo(nature="PRO", ventilable=frozenset({"A1"})),
    "41100000": AccountInfo(nature="COC"),
}


@pytest.mark.parametrize(
    ("lines", "config", "expected"),
    [
        (std(DEBIT, CREDIT, split()), {}, []),
        (std(DEBIT, CREDIT, split(axis="")), {}, []),  # a blank axis is A1
        (std(DEBIT, CREDIT, split(account="70620000")), {}, [(4, "account", "error")]),
        (std(DEBIT, CREDIT, split(direction="D")), {}, [(4, "account", "error")]),
        (std(split(direction="D"), DEBIT, CREDIT), {}, [(2, "line_type", "error")]),
        (
            std(DEBIT, CREDIT, split(amount=Decimal("60")), split(amount=Decimal("40"))),
            {},
            [],
        ),
        (
            std(DEBIT, CREDIT, split(amount=Decimal("60")), split(amount=Decimal("39.99"))),
            {},
            [(3, "amount", "error")],  # one cent short
        ),
        (
            std(DEBIT, CREDIT, split(amount=Decimal("60")), split(amount=Decimal("40.01"))),
            {},
            [(3, "amount", "error")],  # one cent over
        ),
        (
            std(DEBIT, CREDIT, split(), split(axis="A2", amount=Decimal("90"))),
            {},
            [(3, "amount", "error")],  # each axis adds up on its own
        ),
        (std(DEBIT, CREDIT, split()), {"chart_of_accounts": CHART}, []),
        (
            std(DEBIT, CREDIT, split(axis="A2")),
            {"chart_of_accounts": CHART},
            [(4, "axis", "error")],
        ),
    ],
)
def test_x07_analytic_lines_split_their_general_line(
    lines: list[str], config: dict[str, Any], expected: Expected
) -> None:
    assert findings_of(lines, "TRA-X07", ValidationConfig(**config)) == expected
    assert_points(lines, ValidationConfig(**config), ("TRA-F", "TRA-X09"))


@pytest.mark.parametrize(
    ("lines", "sections", "expected"),
    [
        (std(DEBIT, CREDIT, split()), {"A1/SECT1": False}, []),
        (std(DEBIT, CREDIT, split()), {"A1/SECT1": True}, [(4, "auxiliary", "warning")]),
        (std(DEBIT, CREDIT, split()), {"A1/SECT2": False}, [(4, "auxiliary", "warning")]),
        (std(DEBIT, CREDIT, split(axis="A2")), {"A1/SECT1": False}, [(4, "auxiliary", "warning")]),
        (std(DEBIT, analytic("H")), {"A1/SECT1": True}, [(3, "auxiliary", "warning")]),
        (std(DEBIT, analytic("H")), {"A1/SECT1": False}, []),
    ],
)
def test_x09_sections(lines: list[str], sections: dict[str, bool], expected: Expected) -> None:
    assert findings_of(lines, "TRA-X09", ValidationConfig(sections=sections)) == expected
    assert_points(lines, ValidationConfig(sections=sections), ("TRA-F", "TRA-X09"))


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (jal(), []),
        ("###" + jal()[3:], [(2, 1, "warning", "###JAL")]),  # read like ***, written ***
        ("***ZZZ", [(2, 4, "warning", "ZZZ")]),  # an unknown code: ignored by Cegid
    ],
)
def test_s08_record_prefix_and_code(record: str, expected: list[tuple[int, int, str, str]]) -> None:
    report = run([BASE[0], record, *BASE[1:]])
    got = [(f.line, f.column, f.severity, f.value) for f in report.findings if f.rule == "TRA-S08"]
    assert got == expected


LAYOUTS = (layout.ENTRY, layout.ETE_GENERAL, layout.ETE_ANALYTIC, layout.HEADER)


def where(name: str) -> layout.Field:
    return next(lay.field(name) for lay in LAYOUTS if name in {f.name for f in lay.fields})


def assert_points(lines: list[str], config: ValidationConfig, valued: tuple[str, ...]) -> None:
    """Each finding on a field gives the field's column (the layout table's) and its line;
    the findings of the `valued` rules also the field's raw value."""
    for finding in run(lines, config).findings:
        if finding.line is None or finding.field is None:
            continue
        spot = where(finding.field)
        text = lines[finding.line - 1]
        assert (finding.column, finding.source) == (spot.pos, text), finding
        if finding.rule.startswith(valued):
            assert finding.value == text.ljust(spot.end)[spot.start : spot.end], finding


@pytest.mark.parametrize(
    ("rule", "what", "build", "config", "expected"),
    FIELD_CASES,
    ids=[f"{c[0]}-{c[1]}" for c in FIELD_CASES],
)
def test_a_finding_points_at_its_field(
    rule: str,
    what: str,
    build: Callable[[], list[str]],
    config: dict[str, Any],
    expected: Expected,
) -> None:
    assert_points(build(), ValidationConfig(**config), ("TRA-F",))


# -- TRA-F26: numeric fields hold the ASCII digits 0-9 only ---------------------------------------
# Columns and widths of the numeric fields, from tra-format.md (§3 the entry line, the header,
# the ETE part of general and analytic lines, the ***EXO record).
ENTRY_NUMBERS = {**NUMERIC_FIELDS, "amount2": (176, 20), "amount3": (196, 20)}
SUPERSCRIPT_ONE = "\u00b9"  # cp1252 B9: str.isdigit() says yes, Cegid says no


def at_column(line: str, column: int, text: str) -> str:
    """`text` written over a line from a 1-based column (the line padded with blanks)."""
    padded = line.ljust(column - 1 + len(text))
    return padded[: column - 1] + text + padded[column - 1 + len(text) :]


def f26(lines: list[str], encoding: str = "cp1252") -> list[tuple[int | None, int | None, str]]:
    data = "".join(line + "\r\n" for line in lines).encode(encoding)
    report = tratool.validate(io.BytesIO(data), ValidationConfig(), encoding=encoding)
    return [(f.line, f.column, f.field or "") for f in report.findings if f.rule == "TRA-F26"]


@pytest.mark.parametrize("name", sorted(ENTRY_NUMBERS))
@pytest.mark.parametrize("edge", ["first", "last"])
def test_f26_at_the_first_and_the_last_column_of_each_entry_field(name: str, edge: str) -> None:
    column, width = ENTRY_NUMBERS[name]
    spot = column if edge == "first" else column + width - 1
    lines = [BASE[0], BASE[1], at_column(BASE[2], spot, SUPERSCRIPT_ONE)]
    assert f26(lines) == [(3, spot, name)]
    assert f26(list(BASE)) == []


@pytest.mark.parametrize(("name", "neighbour"), [("date", 3), ("date", 12), ("due_date", 121)])
def test_f26_is_silent_one_column_outside_a_numeric_field(name: str, neighbour: int) -> None:
    """Column 3 is the journal, 12 the pièce type, 121 the payment method: text fields."""
    lines = [BASE[0], at_column(BASE[1], neighbour, SUPERSCRIPT_ONE), BASE[2]]
    assert f26(lines) == []


def test_f26_reports_a_field_once_at_its_first_foreign_digit() -> None:
    lines = [BASE[0], at_column(BASE[1], 6, "\u00b2\u00b3"), BASE[2]]  # day ok, ²³ month
    assert f26(lines) == [(2, 6, "date")]
    both_fields = at_column(at_column(BASE[1], 9, SUPERSCRIPT_ONE), 159, SUPERSCRIPT_ONE)
    assert f26([BASE[0], both_fields, BASE[2]]) == [(2, 9, "date"), (2, 159, "piece_number")]


@pytest.mark.parametrize(
    ("character", "reported"),
    [
        ("\u00b9", True),  # superscript one
        ("\u00bd", True),  # one half: numeric to Python, not a digit
        ("\u0664", True),  # Arabic-Indic four
        ("\uff11", True),  # full-width one
        ("\u00e9", False),  # é: not a number at all (the date rule reports it)
        ("\u20ac", False),  # €
    ],
)
def test_f26_only_for_what_python_counts_as_a_number(character: str, reported: bool) -> None:
    lines = [BASE[0], at_column(BASE[1], 5, character), BASE[2]]
    assert f26(lines, "utf-8") == ([(2, 5, "date")] if reported else [])


def test_f26_ignores_foreign_digits_in_text_fields() -> None:
    """The label (84-118) and reference (49-83) are text: ¹ there is just a character."""
    line = at_column(at_column(BASE[1], 84, "N\u00b0 1\u00b9"), 49, "\u00b2")
    assert f26([BASE[0], line, BASE[2]]) == []


@pytest.mark.parametrize("line_type", ["", "X", "E", "L", "A", "H", "O"])
def test_f26_applies_to_every_line_type(line_type: str) -> None:
    kind = entry(line_type=line_type) if line_type in ("", "X", "E", "L") else analytic(line_type)
    lines = std(DEBIT, CREDIT, kind)
    lines[3] = at_column(lines[3], 11, SUPERSCRIPT_ONE)  # the last digit of the date
    assert f26(lines) == [(4, 11, "date")]


@pytest.mark.parametrize(
    ("name", "column", "other_rule"),
    [
        ("date", 4, "TRA-F02"),
        ("due_date", 122, "TRA-F09"),
        ("amount", 145, "TRA-F11"),
        ("exchange_rate", 163, "TRA-F15"),
    ],
)
def test_a_field_f26_reports_is_not_reported_again_by_its_own_rule(
    name: str, column: int, other_rule: str
) -> None:
    """The same column with an ASCII letter gets the field's own rule; with ¹ only F26."""
    foreign = [BASE[0], at_column(BASE[1], column, SUPERSCRIPT_ONE), BASE[2]]
    letter = [BASE[0], at_column(BASE[1], column, "Z"), BASE[2]]
    assert f26(foreign) == [(2, column, name)]
    assert [(n, f) for n, f, _ in findings_of(foreign, other_rule) if n == 2] == []
    assert f26(letter) == []
    assert [(n, f) for n, f, _ in findings_of(letter, other_rule) if n == 2] == [(2, name)]


# The header's numeric fields (tra-format.md §2): dates, version, timestamp, sub-version.
@pytest.mark.parametrize(
    ("name", "column"),
    [
        ("switchover_date", 18),
        ("closing_date", 26),
        ("closing_date", 33),
        ("version", 34),
        ("generated_at", 42),
        ("generated_at", 53),
        ("purge_date", 137),
        ("sub_version", 145),
    ],
)
def test_f26_in_the_header(name: str, column: int) -> None:
    header = at_column(BASE[0].ljust(147), column, SUPERSCRIPT_ONE)
    assert f26([header, *BASE[1:]]) == [(1, column, name)]


@pytest.mark.parametrize("column", [7, 17, 54, 89])
def test_f26_silent_in_the_header_text_fields(column: int) -> None:
    """Origin (6-8), closing exercise (15-17), user (54-88), company name (89-123)."""
    header = at_column(BASE[0].ljust(147), column, SUPERSCRIPT_ONE)
    assert f26([header, *BASE[1:]]) == []


@pytest.mark.parametrize(
    ("record_line", "column", "found"),
    [
        (exo(), 10, [(2, 10, "start")]),
        (exo(), 25, [(2, 25, "end")]),
        (exo(), 9, []),  # the exercise code (7-9) is a code, not a number
        (exo(), 26, []),  # the state (26-28)
        (jal(), 45, []),  # ***JAL has no numeric field: nature 45-47
    ],
)
def test_f26_in_parameter_records(record_line: str, column: int, found: list[Any]) -> None:
    lines = [BASE[0], at_column(record_line, column, SUPERSCRIPT_ONE), *BASE[1:]]
    assert f26(lines) == found


# A version-011 general line is 1407 wide; an analytic one ends with its guid (1196-1231).
ETE_GENERAL_END, ETE_ANALYTIC_END = 1407, 1231


@pytest.mark.parametrize(
    ("column", "general", "analytic_field"),
    [
        (258, "external_reference_date", "external_reference_date"),
        (447, "reconciliation_date", None),  # analytic lines: sub-section of axis 1 (431-447)
        (938, "covered_amount", "percentage"),
        (1014, None, "analytic_line_number"),  # general lines: the lettering code
        (1400, "validated_on", None),
        (223, None, None),  # the external reference is text on both
    ],
)
def test_f26_in_the_ete_part_by_line_kind(
    column: int, general: str | None, analytic_field: str | None
) -> None:
    lines = ete(DEBIT, CREDIT, split())
    lines[2] = at_column(lines[2].ljust(ETE_GENERAL_END), column, SUPERSCRIPT_ONE)
    lines[3] = at_column(lines[3].ljust(ETE_ANALYTIC_END), column, SUPERSCRIPT_ONE)
    expected = [(3, column, general)] if general else []
    expected += [(4, column, analytic_field)] if analytic_field else []
    assert f26(lines) == expected


def test_an_ete_date_f26_reports_is_not_reported_again_as_a_date() -> None:
    """ETE dates (here the reconciliation date, 447-454) get TRA-F23 when they are no date."""
    lines = ete(DEBIT, CREDIT)
    clean = lines[2].ljust(ETE_GENERAL_END)
    foreign = [*lines[:2], at_column(clean, 447, "0" + SUPERSCRIPT_ONE + "012024")]
    letter = [*lines[:2], at_column(clean, 447, "0Z012024")]
    assert f26(foreign) == [(3, 448, "reconciliation_date")]
    assert [f for n, f, _ in findings_of(foreign, "TRA-F23") if n == 3] == []
    assert [f for n, f, _ in findings_of(letter, "TRA-F23") if n == 3] == ["reconciliation_date"]
