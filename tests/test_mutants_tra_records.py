"""Records' derived values (tratool.tra.records): which amount is booked (tra-format.md §3,
amount_code), debit and credit, analytic lines (§4), pièce keys (§7), record codes (§8)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import pytest

import tratool
from tratool.tra.records import amount_roles, entry_as_dict

LINE = tratool.Entry(
    journal="HA",
    date=dt.date(2024, 3, 15),
    piece_type="FF",
    account="60610000",
    direction="D",
    amount=Decimal("110.00"),
    piece_number=42,
)


@pytest.mark.parametrize(
    ("code", "roles"),
    [
        (" DE", (1, 0)),  # blanks around the code are not letters
        ("--ED", (2, None)),  # only three letters: the D is a fourth
        ("D--", (0, 0)),  # no E: the first amount is booked
        ("ED-", (0, 1)),
        ("EE-", (0, None)),
    ],
)
def test_amount_roles(code: str, roles: tuple[int, int | None]) -> None:
    assert amount_roles(code) == roles


def test_the_booked_amount_falls_back_to_the_first_one() -> None:
    foreign = attrs.evolve(LINE, amount_code="DE-", amount2=Decimal("100.00"))
    assert (foreign.keeping_amount, foreign.foreign_amount) == (Decimal("100.00"), Decimal("110"))
    missing = attrs.evolve(LINE, amount_code="DE-")
    assert (missing.keeping_amount, missing.foreign_amount) == (Decimal("110.00"), Decimal("110"))
    none = attrs.evolve(LINE, amount=None)
    assert none.keeping_amount == Decimal(0)
    assert (LINE.keeping_amount, LINE.foreign_amount) == (Decimal("110.00"), None)
    third = attrs.evolve(LINE, amount_code="-DE", amount2=Decimal(7), amount3=Decimal(5))
    assert (third.keeping_amount, third.foreign_amount) == (Decimal(5), Decimal(7))


@pytest.mark.parametrize(
    ("direction", "debit", "credit"),
    [("D", Decimal("110.00"), Decimal(0)), ("C", Decimal(0), Decimal("110.00")), ("X", 0, 0)],
)
def test_debit_and_credit(direction: str, debit: Decimal, credit: Decimal) -> None:
    line = attrs.evolve(LINE, direction=direction)
    assert (line.debit, line.credit) == (debit, credit)


@pytest.mark.parametrize(("line_type", "analytic"), [("A", True), ("O", True), ("H", False)])
def test_analytic_lines_are_a_and_o(line_type: str, analytic: bool) -> None:
    assert attrs.evolve(LINE, line_type=line_type).is_analytic is analytic
    assert LINE.is_analytic is False


def test_the_piece_key_is_journal_date_and_number() -> None:
    assert LINE.piece_key == ("HA", dt.date(2024, 3, 15), 42)


@pytest.mark.parametrize(("fmt", "extended"), [("ETE", True), ("STD", False), ("ete", False)])
def test_a_header_is_extended_when_its_format_is_ete(fmt: str, extended: bool) -> None:
    assert tratool.Header(format=fmt).extended is extended


@pytest.mark.parametrize(
    ("text", "code"), [("***CAE41100", "CAE"), ("***TL1ABC", "TL"), ("***TLX", "TL")]
)
def test_a_parameter_record_s_code(text: str, code: str) -> None:
    assert tratool.ParameterRecord(text).code == code


def test_an_entry_as_a_flat_mapping() -> None:
    plain = entry_as_dict(LINE)
    assert list(plain)[:4] == ["journal", "date", "piece_type", "account"]
    assert len(plain) == 22  # the 22 fields of columns 1-222 (§3)
    assert (plain["amount"], plain["piece_number"]) == (Decimal("110.00"), 42)
    extended = attrs.evolve(LINE, extension=tratool.GeneralExtension(vat_code="T1"))
    data = entry_as_dict(extended)
    assert data["vat_code"] == "T1"
    assert data["journal"] == "HA"
    assert "extension" not in data
