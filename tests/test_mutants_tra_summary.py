"""`summarize`, `line_kind`, `Totals` and `summary_document` at library level (``tratool
show`` is their shell): counts by kind, totals and the JSON document, from the test vectors
of tra-format.md §10 and lines changed at the columns §3 and §4 give."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest

import tratool
from tests.conftest import VECTORS, tra_bytes
from tratool.tra.summary import Totals, line_kind, summary_document

HEADER = VECTORS["TV-H3"][0]  # version 007, ETE: entry lines may be 222 characters long
TIERS, EXPENSE, ANALYTIC, VAT = VECTORS["TV-E2"]  # one pièce HA 42 of 15/03/2024


def at(line: str, column: int, text: str) -> str:
    """The line with `text` written from `column` (1-based, tra-format.md §3)."""
    return line[: column - 1] + text + line[column - 1 + len(text) :]


def summary_of(*lines: str, **options: Any) -> tuple[tratool.Summary, list[tratool.ParseError]]:
    return tratool.summarize(io.BytesIO(tra_bytes(*lines)), **options)


def test_the_lines_of_a_file_are_counted_by_kind() -> None:
    lines = (
        HEADER,
        "***CAE" + "CDUPONT".ljust(17) + "Dupont SA",  # parameter records (§8)
        "***JAL" + "HA " + "Achats",
        TIERS,
        at(EXPENSE, 31, "H"),  # general with a section
        ANALYTIC,
        at(ANALYTIC, 31, "O"),
        at(EXPENSE, 31, "E"),  # read like X (§4)
        at(EXPENSE, 31, "L"),
        at(EXPENSE, 31, "-"),  # read like blank
        VAT,
        at(EXPENSE, 31, "G"),
        at(EXPENSE, 31, "P"),
        at(EXPENSE, 31, "P"),
        at(EXPENSE, 31, "B"),
        at(EXPENSE, 31, "B"),
        at(EXPENSE, 31, "B"),
        at(EXPENSE, 31, "Z"),  # no such line type
        at(EXPENSE, 4, "32132024"),  # no such date: unreadable
        at(EXPENSE, 4, "00002024"),
        "",
    )
    summary, problems = summary_of(*lines)
    assert summary.line_kinds == {
        "header": 1,
        "parameter": 2,
        "general": 2,
        "tiers": 3,
        "general_with_section": 1,
        "analytic": 1,
        "analytic_only": 1,
        "attachment": 1,
        "payment_approval": 2,
        "budget": 3,
        "unknown_type": 1,
        "unreadable": 2,
        "blank": 1,
    }
    assert summary.totals.lines == 21
    assert summary.totals.parameter_records == 2
    assert summary.totals.unreadable_lines == 2
    assert [(p.line, p.field) for p in problems if p.severity == "error"] == [
        (19, "date"),
        (20, "date"),
    ]


def test_line_kind_of_records_built_by_hand() -> None:
    entry = tratool.Entry(
        journal="HA",
        date=dt.date(2024, 3, 15),
        piece_type="FF",
        account="60610000",
        direction="D",
        amount=Decimal("1.00"),
    )
    assert line_kind(tratool.Header()) == "header"
    assert line_kind(entry) == "general"
    assert line_kind(tratool.Entry(**{**_fields(entry), "line_type": "Q"})) == "unknown_type"
    assert line_kind(tratool.RawLine(at(EXPENSE, 31, "P"))) == "payment_approval"
    assert line_kind(tratool.RawLine(at(EXPENSE, 31, "B"))) == "budget"
    assert line_kind(tratool.RawLine(at(EXPENSE, 31, "G"))) == "attachment"
    assert line_kind(tratool.RawLine(at(EXPENSE, 31, "X"))) == "unreadable"
    assert line_kind(tratool.ParameterRecord("***CAECDUPONT")) == "parameter"


def _fields(entry: tratool.Entry) -> dict[str, Any]:
    import attrs

    return attrs.asdict(entry, recurse=False)


def test_the_totals_of_two_pieces() -> None:
    second = [
        at(at(line, 4, "16032024"), 152, "      43")  # pièce HA 43 of 16/03/2024 (§3: 4, 152)
        for line in (TIERS, EXPENSE, ANALYTIC, VAT)
    ]
    summary, problems = summary_of(HEADER, TIERS, EXPENSE, ANALYTIC, VAT, *second)
    assert problems == []
    totals = summary.totals
    assert (totals.entries, totals.pieces) == (8, 2)
    # The A lines split a general line: their money is not counted (§4).
    assert (totals.debit, totals.credit) == (Decimal("2400.00"), Decimal("2400.00"))
    assert (totals.first_date, totals.last_date) == (dt.date(2024, 3, 15), dt.date(2024, 3, 16))
    assert dict(totals.journals) == {"HA": 8}


def test_settled_pieces_are_the_ones_counted() -> None:
    totals = Totals()
    totals.count_line("VTE", dt.date(2024, 3, 4))
    totals.count_line("VTE", None)
    totals.settle(pieces={("VTE", 1), ("VTE", 2), ("VTE", 3)}, debit=Decimal(5), credit=Decimal(7))
    assert (totals.entries, totals.pieces) == (2, 3)
    assert (totals.debit, totals.credit) == (Decimal(5), Decimal(7))
    assert totals.first_date == totals.last_date == dt.date(2024, 3, 4)


def test_summarize_reads_cp1252_by_default_and_another_encoding_when_asked() -> None:
    header = at(HEADER, 54, "ÉLODIE".ljust(35))  # user, 54:35 (§2)
    summary, _ = tratool.summarize(io.BytesIO(tra_bytes(header, VAT)))
    assert summary.header is not None
    assert summary.header.user == "ÉLODIE"
    data = tra_bytes(header, VAT, encoding="utf-8")
    summary, problems = tratool.summarize(io.BytesIO(data), encoding="utf-8")
    assert summary.header is not None
    assert summary.header.user == "ÉLODIE"
    assert problems == []  # read as cp1252, the line would be reported as UTF-8


def test_the_document_of_a_file_without_entries() -> None:
    summary, problems = summary_of(HEADER)
    document = summary_document(summary, problems)
    assert document["path"] == "<stream>"
    assert document["header"]["user"] == "CEG"
    assert (document["first_date"], document["last_date"]) == (None, None)
    assert (document["debit"], document["credit"]) == ("0.00", "0.00")
    assert document["lines"]["total"] == 1


def test_the_document_of_a_headerless_file_lists_its_problems() -> None:
    # 23 characters on line 1: no header (§1), cut inside the account (14:17), no date (4:8).
    summary, problems = summary_of("***CAE" + "CDUPONT".ljust(17))
    document = summary_document(summary, problems)
    assert document["header"] is None
    assert [(p["line"], p["column"], p["field"], p["severity"]) for p in document["problems"]] == [
        (1, 1, None, "error"),
        (1, 24, "account", "error"),
        (1, 4, "date", "error"),
    ]
    first, _, last = document["problems"]
    assert set(first) == {"line", "column", "field", "severity", "message", "hint"}
    assert "***CAE" in first["message"]
    assert first["hint"].startswith("start the file with a header")
    assert last["hint"] is None


@pytest.mark.parametrize(
    ("amount", "written"),
    [("1200,00", "1200.00"), ("0,05", "0.05"), ("123456789012345,67", "123456789012345.67")],
)
def test_the_document_writes_money_with_two_decimals(amount: str, written: str) -> None:
    line = at(VAT, 131, amount.rjust(20))  # amount, 131:20 (§3)
    summary, _ = summary_of(HEADER, line)
    document = summary_document(summary, [])
    assert (document["debit"], document["credit"]) == (written, "0.00")
