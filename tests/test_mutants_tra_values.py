"""Field values (tratool.tra.values) at their edges: the forms tra-format.md §9 gives (dates
JJMMAAAA with 01011900 and 30121899 for "none", decimal comma, two decimals for money, no
negative amount written), each value written in the test."""

from __future__ import annotations

import datetime as dt
import re
from contextlib import AbstractContextManager
from decimal import Decimal

import pytest

from tratool.tra import layout
from tratool.tra.values import (
    format_amount,
    format_date,
    format_decimal,
    format_integer,
    format_money,
    format_timestamp,
    is_empty,
    parse_date,
    parse_decimal,
    parse_integer,
    parse_text,
    parse_timestamp,
    render,
)


def refused(message: str) -> AbstractContextManager[pytest.ExceptionInfo[ValueError]]:
    """A ValueError with exactly this message is expected."""
    return pytest.raises(ValueError, match=f"^{re.escape(message)}$")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("15032024", dt.date(2024, 3, 15)),
        (" 15032024 ", dt.date(2024, 3, 15)),
        ("29022024", dt.date(2024, 2, 29)),
        ("01011900", None),
        ("30121899", None),
        ("        ", None),
        ("", None),
        ("02011900", dt.date(1900, 1, 2)),
    ],
)
def test_parse_date(text: str, value: dt.date | None) -> None:
    assert parse_date(text) == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1503202", "'1503202' is not a date in JJMMAAAA form"),
        ("150320245", "'150320245' is not a date in JJMMAAAA form"),
        ("15-03-24", "'15-03-24' is not a date in JJMMAAAA form"),
        ("1503２024", "'1503２024' is not a date in JJMMAAAA form"),
        ("31042024", "'31042024' is not a calendar date (31/04/2024)"),
        ("29022023", "'29022023' is not a calendar date (29/02/2023)"),
        ("01132024", "'01132024' is not a calendar date (01/13/2024)"),
    ],
)
def test_parse_date_refuses(text: str, message: str) -> None:
    with refused(message):
        parse_date(text)


def test_format_date() -> None:
    assert format_date(None) == "01011900"
    assert format_date(dt.date(2024, 3, 5)) == "05032024"
    assert format_date(dt.date(24, 3, 5)) == "05030024"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("231120091530", dt.datetime(2009, 11, 23, 15, 30)),
        (" 010120130000", dt.datetime(2013, 1, 1, 0, 0)),
        ("000000000000", None),
        ("", None),
        ("    ", None),
    ],
)
def test_parse_timestamp(text: str, value: dt.datetime | None) -> None:
    assert parse_timestamp(text) == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("23112009153", "'23112009153' is not a timestamp in JJMMAAAAHHMM form"),
        ("2311200915301", "'2311200915301' is not a timestamp in JJMMAAAAHHMM form"),
        ("2311200915h0", "'2311200915h0' is not a timestamp in JJMMAAAAHHMM form"),
        ("231320091530", "'231320091530' is not a valid date and time"),
        ("231120092430", "'231120092430' is not a valid date and time"),
        ("231120091530\t", "'231120091530\\t' is not a timestamp in JJMMAAAAHHMM form"),
        ("X23112009153", "'X23112009153' is not a timestamp in JJMMAAAAHHMM form"),
        ("X00000000000", "'X00000000000' is not a timestamp in JJMMAAAAHHMM form"),
    ],
)
def test_parse_timestamp_refuses(text: str, message: str) -> None:
    with refused(message):
        parse_timestamp(text)


def test_format_timestamp() -> None:
    assert format_timestamp(None) == ""
    assert format_timestamp(dt.datetime(2009, 11, 23, 15, 30)) == "231120091530"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1200,50", Decimal("1200.50")),
        ("  1200.5", Decimal("1200.5")),
        ("-12,00", Decimal("-12.00")),
        ("+3", Decimal(3)),
        ("00000000000001200,50", Decimal("1200.50")),
        ("", None),
        ("   ", None),
    ],
)
def test_parse_decimal(text: str, value: Decimal | None) -> None:
    parsed = parse_decimal(text)
    assert parsed == value
    if value is not None:
        assert str(parsed) == str(value)  # the decimals given are kept


@pytest.mark.parametrize(
    "text", ["1 200,50", "1e5", "1,2,3", ",5", "5,", "１２", "12 EUR", "12\t", "X12"]
)
def test_parse_decimal_refuses(text: str) -> None:
    with refused(f"{text.strip(' ')!r} is not a decimal number (expected e.g. 1200,50)"):
        parse_decimal(text)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (Decimal("1200.5"), "1200,50"),
        (Decimal(1), "1,00"),
        (Decimal("0"), "0,00"),
        (Decimal("1.234"), "1,234"),  # never rounded
        (Decimal("0.10"), "0,10"),
        (Decimal("1E+2"), "100,00"),
    ],
)
def test_format_amount(value: Decimal | None, text: str) -> None:
    assert format_amount(value) == text


def test_format_amount_refuses_negative_and_infinite_amounts() -> None:
    with refused("-5.00 is negative: write 5.00 with the opposite direction"):
        format_amount(Decimal("-5.00"))
    for special in ("Infinity", "NaN"):
        with refused(f"{special} is not a finite number"):
            format_amount(Decimal(special))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (Decimal("1.00000000"), "1,00000000"),
        (Decimal(1), "1"),
        (Decimal("1E+1"), "10"),
        (Decimal("-0.5"), "-0,5"),
    ],
)
def test_format_decimal(value: Decimal | None, text: str) -> None:
    assert format_decimal(value) == text


def test_format_decimal_refuses_infinity() -> None:
    with refused("-Infinity is not a finite number"):
        format_decimal(Decimal("-Infinity"))


def test_format_money() -> None:
    assert format_money(Decimal("-1234.5")) == "-1234,50"
    assert format_money(Decimal("-1234.5"), grouped=True) == "-1 234,50"
    assert format_money(Decimal("1234567.891"), grouped=True) == "1 234 567,89"
    assert format_money(Decimal("0.005")) == "0,00"  # round half even, as Python formats


@pytest.mark.parametrize(("text", "value"), [(" 42", 42), ("007", 7), ("", None), ("  ", None)])
def test_parse_integer(text: str, value: int | None) -> None:
    assert parse_integer(text) == value


@pytest.mark.parametrize("text", ["4 2", "¹", "-1", "+1", "4.0", "42\t", "X4"])
def test_parse_integer_refuses(text: str) -> None:
    with refused(f"{text!r} is not a whole number"):
        parse_integer(text)


def test_format_integer() -> None:
    assert (format_integer(None), format_integer(0), format_integer(42)) == ("", "0", "42")
    with refused("-1 is negative"):
        format_integer(-1)


def test_text_keeps_tabs_and_inner_blanks() -> None:
    assert parse_text("  a b\t ") == "a b\t"


def test_is_empty() -> None:
    assert is_empty(None)
    assert is_empty("")
    assert not is_empty(" ")
    assert not is_empty(0)
    assert not is_empty(Decimal(0))


def test_render_pads_as_the_field_says() -> None:
    amount, label = layout.ENTRY.field("amount"), layout.ENTRY.field("label")
    assert render(amount, Decimal("1200.5")) == "             1200,50"
    assert render(label, "Facture") == "Facture" + " " * 28
    assert render(label, "x" * 35) == "x" * 35
    with refused(f"{'x' * 36!r} is 36 characters long; label holds 35"):
        render(label, "x" * 36)
