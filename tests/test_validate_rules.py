"""Every rule of the catalogue: a file that triggers it (rule, line, column, field, severity
asserted) and the clean base file, which triggers nothing but the informational findings."""

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
from tratool.validation import RULES, FiscalYear, JournalInfo, ValidationConfig, validate

from .tra_lines import put

D = dt.date


def entry(**kw: Any) -> tratool.Entry:
    base = {
        "journal": "VTE",
        "date": D(2024, 3, 4),
        "piece_type": "FC",
        "reference": "FA-101",
        "label": "Facture Dupont",
        "piece_number": 101,
        "establishment": "001",
    }
    return tratool.Entry(**{**base, **kw})


PIECE = [
    entry(
        account="41100000",
        line_type="X",
        auxiliary="CDUPONT",
        direction="D",
        amount=Decimal("1500.00"),
        due_date=D(2024, 4, 3),
        due_number=1,
    ),
    entry(account="70610000", direction="C", amount=Decimal("1250.00")),
    entry(account="44571000", direction="C", amount=Decimal("250.00")),
]
# The fields Cegid's version-011 specification marks required on ETE general lines (§12.4).
REQUIRED_ETE = tratool.GeneralExtension(
    created_on=D(2024, 3, 5), opening_kind="N", vat_on_receipts="-", lettering_state="RI"
)
STD = list(tratool.render_lines([tratool.Header(format="STD", generated_at=None), *PIECE]))
ETE = list(
    tratool.render_lines(
        [
            tratool.Header(format="ETE", generated_at=None),
            *[attrs.evolve(e, extension=REQUIRED_ETE) for e in PIECE],
        ]
    )
)
INFO_ONLY = {"TRA-X05", "TRA-X09", "TRA-F18", "TRA-F24", "TRA-D07"}


def ete(line: str, name: str, value: str) -> str:
    return put(line, name, value, layout.ETE_GENERAL)


def run(
    lines: list[str],
    config: ValidationConfig | None = None,
    *,
    name: str = "x.tra",
    ending: str = "\r\n",
    encoding: str = "cp1252",
) -> tratool.validation.Report:
    data = "".join(line + ending for line in lines).encode(encoding)
    stream = io.BytesIO(data)
    stream.name = name
    return validate(stream, config or ValidationConfig())


def test_clean_files_have_no_error_or_warning() -> None:
    for lines in (STD, ETE):
        report = run(lines)
        assert report.ok
        assert {f.rule for f in report.findings} == INFO_ONLY
        assert all(f.severity == "info" for f in report.findings)


def swap(index: int, line: str, base: list[str] = STD) -> list[str]:
    return [*base[:index], line, *base[index + 1 :]]


H, L1, L2, L3 = STD
E1 = ETE[1]
Builder = Callable[[], list[str]]

# (rule, what, lines, config, expected (line, column, field, severity))
CASES: list[tuple[str, str, Builder, dict[str, Any], tuple[Any, ...]]] = [
    ("TRA-S01", "header only", lambda: [H], {}, (None, None, None, "error")),
    ("TRA-S02", "no header", lambda: [L1, L2, L3], {}, (1, 1, None, "error")),
    ("TRA-S02", "legacy CCIMPEX", lambda: ["!" + L1, L2], {}, (1, 1, None, "error")),
    (
        "TRA-S02",
        "other product",
        lambda: swap(0, put(H, "product", "QU", layout.HEADER)),
        {},
        (1, 4, "product", "warning"),
    ),
    (
        "TRA-S03",
        "bad origin",
        lambda: swap(0, put(H, "origin", "ABC", layout.HEADER)),
        {},
        (1, 6, "origin", "error"),
    ),
    (
        "TRA-S03",
        "EXP origin",
        lambda: swap(0, put(H, "origin", "EXP", layout.HEADER)),
        {},
        (1, 6, "origin", "warning"),
    ),
    (
        "TRA-S04",
        "DOS content",
        lambda: swap(0, put(H, "content", "DOS", layout.HEADER)),
        {},
        (1, 9, "content", "error"),
    ),
    (
        "TRA-S04",
        "JAL content",
        lambda: swap(0, put(H, "content", "JAL", layout.HEADER)),
        {},
        (1, 9, "content", "warning"),
    ),
    (
        "TRA-S05",
        "EXT format",
        lambda: swap(0, put(H, "format", "EXT", layout.HEADER)),
        {},
        (1, 12, "format", "error"),
    ),
    (
        "TRA-S06",
        "short version",
        lambda: swap(0, put(H, "version", "7", layout.HEADER)),
        {},
        (1, 34, "version", "error"),
    ),
    (
        "TRA-S06",
        "old version",
        lambda: swap(0, put(H, "version", "004", layout.HEADER)),
        {},
        (1, 34, "version", "warning"),
    ),
    (
        "TRA-S07",
        "bad closing date",
        lambda: swap(0, put(H, "closing_date", "31022009", layout.HEADER)),
        {},
        (1, 26, "closing_date", "warning"),
    ),
    (
        "TRA-S08",
        "unknown record",
        lambda: [H, "***ZZZ whatever", L1, L2, L3],
        {},
        (2, 4, None, "warning"),
    ),
    (
        "TRA-S06",
        "version after 011",
        lambda: swap(0, put(H, "version", "012", layout.HEADER)),
        {},
        (1, 34, "version", "info"),
    ),
    # 221 columns end inside the right-justified due_number (221-222): cut.
    ("TRA-S09", "221 columns", lambda: swap(1, L1[:221]), {}, (2, 221, "due_number", "error")),
    # 149 columns: the amount (131-150) is not whole.
    ("TRA-S09", "149 columns", lambda: swap(1, L1[:149]), {}, (2, 150, "amount", "error")),
    # L2 ends with a blank axis and due number: stripping leaves 218 columns.
    (
        "TRA-S09",
        "trailing blanks stripped",
        lambda: swap(2, L2.rstrip(" ")),
        {},
        (3, 219, "axis", "warning"),
    ),
    ("TRA-S09", "long STD line", lambda: swap(1, L1 + "XYZ"), {}, (2, 223, None, "warning")),
    ("TRA-S09", "blanks after STD", lambda: swap(1, L1 + "   "), {}, (2, 223, None, "info")),
    (
        "TRA-S09",
        "ETE line past 1280 in version 008",
        lambda: [put(ETE[0], "version", "008", layout.HEADER), E1.ljust(1280) + "X", *ETE[2:]],
        {},
        (2, 1281, None, "warning"),
    ),
    (
        "TRA-S09",
        "max_line_width",
        lambda: swap(1, E1.ljust(1100) + "X", ETE),
        {"max_line_width": 1100},
        (2, 1101, None, "warning"),
    ),
    (
        "TRA-S10",
        "unknown line type",
        lambda: swap(2, put(L2, "line_type", "Q")),
        {},
        (3, 31, "line_type", "error"),
    ),
    (
        "TRA-S10",
        "dash line type",
        lambda: swap(2, put(L2, "line_type", "-")),
        {},
        (3, 31, "line_type", "info"),
    ),
    ("TRA-S11", "blank line", lambda: [H, L1, "", L2, L3], {}, (3, None, None, "warning")),
    (
        "TRA-S12",
        "EXO dates",
        lambda: [H, "***EXO0011501202431122024OUV", L1, L2, L3],
        {},
        (2, 10, None, "error"),
    ),
    (
        "TRA-S12",
        "JAL nature",
        lambda: [H, "***JALVTEVentes" + " " * 29 + "ZZZ", L1, L2, L3],
        {},
        (2, 45, None, "error"),
    ),
    ("TRA-S13", "dossier record", lambda: [H, "***PS5EUR2X", L1, L2, L3], {}, (2, 4, None, "info")),
    (
        "TRA-F01",
        "blank journal",
        lambda: swap(1, put(L1, "journal", "")),
        {},
        (2, 1, "journal", "error"),
    ),
    (
        "TRA-F01",
        "reserved journal",
        lambda: [H, *(put(x, "journal", "AN") for x in STD[1:])],
        {},
        (2, 1, "journal", "warning"),
    ),
    (
        "TRA-F02",
        "31 April",
        lambda: [H, *(put(x, "date", "31042024") for x in STD[1:])],
        {},
        (2, 4, "date", "error"),
    ),
    (
        "TRA-F03",
        "unknown piece type",
        lambda: [H, *(put(x, "piece_type", "ZZ") for x in STD[1:])],
        {},
        (2, 12, "piece_type", "error"),
    ),
    (
        "TRA-F04",
        "blank account",
        lambda: swap(2, put(L2, "account", "")),
        {},
        (3, 14, "account", "error"),
    ),
    (
        "TRA-F04",
        "letters",
        lambda: swap(2, put(L2, "account", "706A")),
        {},
        (3, 14, "account", "warning"),
    ),
    (
        "TRA-F04",
        "too long",
        lambda: STD,
        {"general_account_length": 6},
        (2, 14, "account", "error"),
    ),
    (
        "TRA-F05",
        "auxiliary without X",
        lambda: swap(2, put(L2, "auxiliary", "CDUPONT")),
        {},
        (3, 31, "line_type", "error"),
    ),
    (
        "TRA-F05",
        "X without auxiliary",
        lambda: swap(1, put(L1, "auxiliary", "")),
        {},
        (2, 32, "auxiliary", "error"),
    ),
    (
        "TRA-F06",
        "deleted label",
        lambda: swap(2, put(L2, "label", "DETRUITE LE 01/03")),
        {},
        (3, 84, "label", "error"),
    ),
    (
        "TRA-F06",
        "empty label",
        lambda: swap(2, put(L2, "label", "")),
        {},
        (3, 84, "label", "warning"),
    ),
    (
        "TRA-F07",
        "tiers without reference",
        lambda: swap(1, put(L1, "reference", "")),
        {},
        (2, 49, "reference", "info"),
    ),
    (
        "TRA-F08",
        "unknown payment method",
        lambda: swap(1, put(L1, "payment_method", "ZZZ")),
        {},
        (2, 119, "payment_method", "warning"),
    ),
    (
        "TRA-F09",
        "bad due date",
        lambda: swap(1, put(L1, "due_date", "32012024")),
        {},
        (2, 122, "due_date", "error"),
    ),
    (
        "TRA-F10",
        "bad direction",
        lambda: swap(2, put(L2, "direction", "X")),
        {},
        (3, 130, "direction", "error"),
    ),
    (
        "TRA-F11",
        "not an amount",
        lambda: swap(2, put(L2, "amount", "12,3,4")),
        {},
        (3, 131, "amount", "error"),
    ),
    (
        "TRA-F11",
        "thousands separator",
        lambda: swap(2, put(L2, "amount", "1 250,00")),
        {},
        (3, 131, "amount", "error"),
    ),
    (
        "TRA-F11",
        "decimal point",
        lambda: swap(2, put(L2, "amount", "1250.00")),
        {},
        (3, 131, "amount", "warning"),
    ),
    (
        "TRA-F11",
        "three decimals",
        lambda: swap(2, put(L2, "amount", "1250,001")),
        {},
        (3, 131, "amount", "error"),
    ),
    (
        "TRA-F12",
        "simulation",
        lambda: swap(2, put(L2, "entry_type", "S")),
        {},
        (3, 151, "entry_type", "warning"),
    ),
    (
        "TRA-F12",
        "unknown",
        lambda: swap(2, put(L2, "entry_type", "Z")),
        {},
        (3, 151, "entry_type", "error"),
    ),
    (
        "TRA-F13",
        "not a number",
        lambda: [H, *(put(x, "piece_number", "A1") for x in STD[1:])],
        {},
        (2, 152, "piece_number", "error"),
    ),
    (
        "TRA-F13",
        "blank",
        lambda: [H, *(put(x, "piece_number", "") for x in STD[1:])],
        {},
        (2, 152, "piece_number", "warning"),
    ),
    (
        "TRA-F11",
        "decimals in a currency that has none (ISO 4217: JPY 0)",
        lambda: [H, *(put(x, "currency", "JPY") for x in STD[1:])],
        {},
        (2, 131, "amount", "error"),
    ),
    (
        "TRA-F14",
        "not an ISO 4217 code",
        lambda: [H, *(put(x, "currency", "XYZ") for x in STD[1:])],
        {},
        (2, 160, "currency", "error"),
    ),
    (
        "TRA-F14",
        "ISO 4217 code, currencies left at the default",
        lambda: [H, *(put(x, "currency", "USD") for x in STD[1:])],
        {},
        (2, 160, "currency", "warning"),
    ),
    (
        "TRA-F14",
        "ISO 4217 code missing from the configured currencies",
        lambda: [H, *(put(x, "currency", "GBP") for x in STD[1:])],
        {"currencies": {"EUR": 2, "USD": 2}},
        (2, 160, "currency", "error"),
    ),
    (
        "TRA-F14",
        "configured foreign currency",
        lambda: [H, *(put(x, "currency", "USD") for x in STD[1:])],
        {"currencies": {"EUR": 2, "USD": 2}},
        (2, 160, "currency", "warning"),
    ),
    (
        "TRA-F15",
        "no rate",
        lambda: [H, *(put(put(x, "currency", "USD"), "exchange_rate", "") for x in STD[1:])],
        {"currencies": {"EUR": 2, "USD": 2}},
        (2, 163, "exchange_rate", "warning"),
    ),
    (
        "TRA-F16",
        "invalid amount code",
        lambda: swap(2, put(L2, "amount_code", "ZZZ")),
        {},
        (3, 173, "amount_code", "error"),
    ),
    (
        "TRA-F16",
        "dashes",
        lambda: swap(2, put(L2, "amount_code", "---")),
        {},
        (3, 173, "amount_code", "warning"),
    ),
    (
        "TRA-F17",
        "named but blank",
        lambda: swap(2, put(L2, "amount_code", "EE-")),
        {},
        (3, 176, "amount2", "error"),
    ),
    (
        "TRA-F18",
        "unknown establishment",
        lambda: STD,
        {"establishments": ["002"]},
        (2, 216, "establishment", "warning"),
    ),
    (
        "TRA-F19",
        "bad axis",
        lambda: [
            H,
            L1,
            L2,
            put(put(put(L2, "line_type", "A"), "auxiliary", "ATELIER"), "axis", "A9"),
            L3,
        ],
        {},
        (4, 219, "axis", "error"),
    ),
    (
        "TRA-F19",
        "axis on general line",
        lambda: swap(2, put(L2, "axis", "A1")),
        {},
        (3, 219, "axis", "warning"),
    ),
    (
        "TRA-F20",
        "due number",
        lambda: swap(1, put(L1, "due_number", "x")),
        {},
        (2, 221, "due_number", "warning"),
    ),
    (
        "TRA-F21",
        "opening kind",
        lambda: swap(1, ete(E1, "opening_kind", "ZZZ"), ETE),
        {},
        (2, 302, "opening_kind", "warning"),
    ),
    (
        "TRA-F22",
        "lettering state",
        lambda: swap(1, ete(E1, "lettering_state", "ZZ"), ETE),
        {},
        (2, 1021, "lettering_state", "warning"),
    ),
    (
        "TRA-F22",
        "blank lettering state",
        lambda: swap(1, ete(E1, "lettering_state", ""), ETE),
        {},
        (2, 1021, "lettering_state", "warning"),
    ),
    (
        "TRA-F22",
        "line stops before the lettering state",
        lambda: swap(1, E1[:400], ETE),
        {},
        (None, None, "lettering_state", "warning"),
    ),
    (
        "TRA-F25",
        "blank opening kind",
        lambda: swap(1, ete(E1, "opening_kind", ""), ETE),
        {},
        (2, 302, "opening_kind", "warning"),
    ),
    (
        "TRA-F25",
        "ETE line of 293 columns",
        lambda: swap(1, E1[:293], ETE),
        {},
        (None, None, "vat_on_receipts", "warning"),
    ),
    (
        "TRA-F23",
        "value date",
        lambda: swap(1, ete(E1, "value_date", "99999999"), ETE),
        {},
        (2, 463, "value_date", "warning"),
    ),
    (
        "TRA-F24",
        "company code",
        lambda: swap(1, ete(E1, "company_code", "ABC"), ETE),
        {"company_code": "001"},
        (2, 274, "company_code", "warning"),
    ),
    (
        "TRA-F26",
        "superscript digits in the date",
        lambda: swap(1, put(L1, "date", "040320²³")),
        {},
        (2, 10, "date", "error"),
    ),
    (
        "TRA-X01",
        "unbalanced pièce",
        lambda: swap(3, put(L3, "amount", "249,00")),
        {},
        (2, 152, "piece_number", "error"),
    ),
    (
        "TRA-X02",
        "folio journal",
        lambda: swap(3, put(L3, "amount", "249,00")),
        {"journals": {"VTE": {"mode": "BOR"}}},
        (2, 1, "journal", "error"),
    ),
    (
        "TRA-X02",
        "number on two dates",
        lambda: [
            *STD,
            *(put(x, "piece_number", "102") for x in STD[1:]),
            *(put(x, "date", "05032024") for x in STD[1:]),
        ],
        {},
        (8, 152, "piece_number", "warning"),
    ),
    (
        "TRA-X03",
        "file unbalanced",
        lambda: swap(3, put(L3, "amount", "249,00")),
        {},
        (None, None, None, "error"),
    ),
    (
        "TRA-X04",
        "piece type changes",
        lambda: swap(3, put(L3, "piece_type", "AC")),
        {},
        (4, 12, "piece_type", "error"),
    ),
    (
        "TRA-X04",
        "not contiguous",
        lambda: [H, L1, L2, put(L2, "piece_number", "102"), L3],
        {},
        (5, 152, "piece_number", "warning"),
    ),
    (
        "TRA-X05",
        "outside fiscal year",
        lambda: STD,
        {"fiscal_years": [FiscalYear(D(2023, 1, 1), D(2023, 12, 31))]},
        (2, 4, "date", "error"),
    ),
    (
        "TRA-X05",
        "closed exercise",
        lambda: STD,
        {"fiscal_years": [FiscalYear(D(2024, 1, 1), D(2024, 12, 31), "CLO")]},
        (2, 4, "date", "error"),
    ),
    (
        "TRA-X06",
        "auxiliary on class 7",
        lambda: swap(2, put(put(L2, "line_type", "X"), "auxiliary", "CDUPONT")),
        {},
        (3, 14, "account", "error"),
    ),
    (
        "TRA-X06",
        "collective without tiers",
        lambda: swap(1, put(put(L1, "line_type", ""), "auxiliary", "")),
        {},
        (2, 14, "account", "error"),
    ),
    (
        "TRA-X07",
        "analytic split off",
        lambda: [
            H,
            L1,
            L2,
            put(
                put(put(put(L2, "line_type", "A"), "auxiliary", "ATELIER"), "axis", "A1"),
                "amount",
                "1000,00",
            ),
            L3,
        ],
        {},
        (3, 131, "amount", "error"),
    ),
    (
        "TRA-X08",
        "analytic-only unbalanced",
        lambda: [
            *STD,
            *(
                put(
                    put(put(put(x, "line_type", "O"), "auxiliary", "ATELIER"), "axis", "A1"),
                    "piece_number",
                    "102",
                )
                for x in STD[1:2]
            ),
        ],
        {},
        (5, 131, "amount", "error"),
    ),
    (
        "TRA-X09",
        "closed section",
        lambda: [
            H,
            L1,
            L2,
            put(put(put(L2, "line_type", "A"), "auxiliary", "ATELIER"), "axis", "A1"),
            L3,
        ],
        {"sections": {"A1/ATELIER": True}},
        (4, 32, "auxiliary", "warning"),
    ),
    (
        "TRA-X10",
        "lettering unbalanced",
        lambda: swap(
            1,
            ete(
                ete(ete(E1, "lettering_code", "AA"), "lettering_state", "TL"),
                "lettering_max_date",
                "04032024",
            ),
            ETE,
        ),
        {},
        (2, 1014, "lettering_code", "warning"),
    ),
    (
        "TRA-X11",
        "numbering gap",
        lambda: [*STD, *(put(put(x, "piece_number", "105"), "date", "05032024") for x in STD[1:])],
        {},
        (5, 152, "piece_number", "warning"),
    ),
    (
        "TRA-X12",
        "simulation in folio journal",
        lambda: swap(2, put(L2, "entry_type", "S")),
        {"journals": {"VTE": {"mode": "BOR"}}},
        (3, 151, "entry_type", "warning"),
    ),
    ("TRA-D02", "LF endings", lambda: STD, {}, (None, None, None, "warning")),
    (
        "TRA-D03",
        "duplicate line",
        lambda: [H, L1, L2, L2, L3],
        {},
        (4, None, None, "warning"),
    ),
    (
        "TRA-D03",
        "duplicate pièce",
        lambda: [*STD, *(put(x, "piece_number", "102") for x in STD[1:])],
        {},
        (5, 152, "piece_number", "warning"),
    ),
    ("TRA-D04", "extension", lambda: STD, {}, (None, None, None, "warning")),
    ("TRA-D05", "too many lines", lambda: STD, {"max_movements": 2}, (None, None, None, "warning")),
    (
        "TRA-D06",
        "tab in label",
        lambda: swap(2, put(L2, "label", "Facture\tDupont")),
        {},
        (3, 91, "label", "warning"),
    ),
    ("TRA-D07", "totals", lambda: STD, {}, (None, None, None, "info")),
]


def _config(overrides: dict[str, Any]) -> ValidationConfig:
    raw = dict(overrides)
    if "journals" in raw:
        raw["journals"] = {k: JournalInfo(**v) for k, v in raw["journals"].items()}
    if "establishments" in raw:
        raw["establishments"] = frozenset(raw["establishments"])
    if "fiscal_years" in raw:
        raw["fiscal_years"] = tuple(raw["fiscal_years"])
    return ValidationConfig(**raw)


@pytest.mark.parametrize(
    ("rule", "what", "build", "overrides", "expected"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES]
)
def test_rule_triggers(
    rule: str, what: str, build: Builder, overrides: dict[str, Any], expected: tuple[Any, ...]
) -> None:
    kwargs: dict[str, Any] = {}
    if rule == "TRA-D02":
        kwargs["ending"] = "\n"
    if rule == "TRA-D04":
        kwargs["name"] = "export.txt"
    report = run(build(), _config(overrides), **kwargs)
    found = [(f.line, f.column, f.field, f.severity) for f in report.findings if f.rule == rule]
    assert expected in found, (
        rule,
        what,
        [(f.rule, f.line, f.column, f.message) for f in report.findings],
    )
    finding = next(
        f
        for f in report.findings
        if f.rule == rule and (f.line, f.column, f.field, f.severity) == expected
    )
    assert finding.message
    if finding.severity == "error":
        assert not report.ok


def test_every_catalogue_rule_has_a_triggering_case() -> None:
    assert {c[0] for c in CASES} | {"TRA-D01"} == set(RULES)


def test_utf8_line_is_d01_at_its_column() -> None:
    line = put(L2, "label", "Facture Société")
    report = run([H, L1, line, L3], encoding="utf-8")
    [finding] = [f for f in report.findings if f.rule == "TRA-D01"]
    assert (finding.line, finding.column, finding.field) == (3, 84 + 12, "label")
    assert finding.severity == "error"


def test_utf8_bom_is_d01_at_line_one() -> None:
    data = b"\xef\xbb\xbf" + "".join(x + "\r\n" for x in STD).encode()
    report = validate(io.BytesIO(data), ValidationConfig())
    assert [(f.line, f.column) for f in report.findings if f.rule == "TRA-D01"] == [(1, 1)]


@pytest.mark.parametrize(
    ("what", "lines"),
    [
        ("29 February in a leap year", [H, *(put(x, "date", "29022024") for x in STD[1:])]),
        ("amount with no decimals", swap(2, put(L2, "amount", "1250"))),
        ("auxiliary on a collective account", STD),
        (
            "analytic lines that sum to their general line",
            [
                H,
                L1,
                L2,
                put(
                    put(put(put(L2, "line_type", "A"), "auxiliary", "A"), "axis", "A1"),
                    "amount",
                    "1000,00",
                ),
                put(
                    put(put(put(L2, "line_type", "A"), "auxiliary", "B"), "axis", "A1"),
                    "amount",
                    "250,00",
                ),
                L3,
            ],
        ),
        (
            "a version-011 general line of 1407 columns",
            [
                put(ETE[0], "version", "011", layout.HEADER),
                ete(E1, "validated_on", "05032024"),
                *ETE[2:],
            ],
        ),
        (
            "an analytic ETE line of 1178 columns with its analytic line number",
            [
                *ETE[:3],
                put(
                    put(
                        put(put(ETE[2][:222], "line_type", "A"), "auxiliary", "ATELIER"),
                        "axis",
                        "A1",
                    ).ljust(1177)
                    + "0",
                    "analytic_line_number",
                    "1",
                    layout.ETE_ANALYTIC,
                ),
                ETE[3],
            ],
        ),
    ],
)
def test_near_misses_are_clean(what: str, lines: list[str]) -> None:
    report = run(lines)
    assert [f.rule for f in report.findings if f.severity != "info"] == [], what


def test_severity_override_and_ignore() -> None:
    lines = swap(2, put(L2, "entry_type", "S"))
    assert run(lines).warnings == 1
    raised = run(lines, ValidationConfig(severity={"TRA-F12": "error"}))
    assert raised.errors == 1
    assert run(lines, ValidationConfig(severity={"TRA-F12": "off"})).warnings == 0
    assert run(lines, ValidationConfig(ignore=("TRA-F",))).warnings == 0
    selected = run(lines, ValidationConfig(select=("TRA-X",)))
    assert {f.rule[:5] for f in selected.findings} <= {"TRA-X"}


def test_max_findings_counts_the_rest() -> None:
    lines = [H, *(put(x, "entry_type", "S") for x in STD[1:])]
    report = validate(
        io.BytesIO("".join(x + "\r\n" for x in lines).encode()), ValidationConfig(), max_findings=1
    )
    assert len(report.findings) == 1
    assert report.counts["warning"] == 3
    assert report.dropped >= 2


def test_each_silent_repair_is_an_error_at_its_place() -> None:
    """The cases Cegid 'repairs' without a word, from the issue: all errors, all located."""
    lines = [
        H,
        *(put(x, "piece_number", "201") for x in STD[1:3]),  # pièce 201 lacks its VAT line
        *(put(put(x, "piece_number", "202"), "date", "31042024") for x in STD[1:]),
        *(put(x, "piece_number", "203") for x in [L1, put(L2, "direction", "X"), L3]),
        *(put(put(x, "piece_number", "204"), "piece_type", "ZZ") for x in STD[1:]),
    ]
    report = run(lines)
    located = {(f.rule, f.line, f.column) for f in report.findings if f.severity == "error"}
    assert ("TRA-X01", 2, 152) in located  # unbalanced: Cegid balances on the waiting account
    assert ("TRA-F02", 4, 4) in located  # 31/04 becomes 30/04
    assert ("TRA-F10", 8, 130) in located  # a sens other than D/C posts a zero amount
    assert ("TRA-F03", 10, 12) in located  # an unknown piece type becomes OD
    missing_header = run(STD[1:])
    assert ("TRA-S02", 1, 1) in {(f.rule, f.line, f.column) for f in missing_header.findings}
    utf8 = run([H, put(L1, "label", "Réglement"), L2, L3], encoding="utf-8")
    assert ("TRA-D01", 2, 85, "error") in {
        (f.rule, f.line, f.column, f.severity) for f in utf8.findings
    }
