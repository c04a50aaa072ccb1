"""One money formatter and one rule for which amount is booked (tra-format.md, amount_code)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tratool.tra.records import Entry, amount_roles
from tratool.tra.values import format_money


@pytest.mark.parametrize(
    ("value", "plain", "grouped"),
    [
        (Decimal("0"), "0,00", "0,00"),
        (Decimal("1200.5"), "1200,50", "1 200,50"),
        (Decimal("-1234567.891"), "-1234567,89", "-1 234 567,89"),
        (Decimal("0.05"), "0,05", "0,05"),
    ],
)
def test_money_has_a_decimal_comma_and_optional_french_grouping(
    value: Decimal, plain: str, grouped: str
) -> None:
    assert format_money(value) == plain
    assert format_money(value, grouped=True) == grouped


@pytest.mark.parametrize(
    ("code", "roles"),
    [
        ("E--", (0, None)),
        ("", (0, None)),  # blank becomes E--
        ("---", (0, None)),  # so does ---
        ("DE-", (1, 0)),
        ("EF-", (0, None)),
        ("-DE", (2, 1)),
    ],
)
def test_the_amount_code_says_which_amount_is_booked(
    code: str, roles: tuple[int, int | None]
) -> None:
    assert amount_roles(code) == roles


def test_an_entry_books_its_keeping_amount_and_keeps_its_foreign_one() -> None:
    entry = Entry(
        journal="VTE",
        date=None,
        piece_type="FC",
        account="411",
        direction="D",
        amount=Decimal("110.00"),
        amount2=Decimal("100.00"),
        amount_code="DE-",
        currency="USD",
    )
    assert (entry.keeping_amount, entry.foreign_amount) == (Decimal("100.00"), Decimal("110.00"))
    assert (entry.debit, entry.credit) == (Decimal("100.00"), Decimal(0))
