"""Spreadsheet amounts and dates, one behaviour per case, each expected value written out."""

from __future__ import annotations

import datetime as dt

import pytest

from tratool.conversion.cells import date_format, detect_date_format, parse_amount, parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(1234,5)", "-1234.5"),  # accounting parentheses
        ("12,50-", "-12.50"),  # the sign written last
        ("1234-", "-1234"),
        ("+12,50", "12.50"),
        ("-5", "-5"),
        ("1.234.567", "1234567"),  # two points: thousands
        ("1,234,567", "1234567"),  # two commas: thousands
        ("12.345.678,9", "12345678.9"),
        ("'123.456", "123.456"),  # an apostrophe: Swiss thousands, so the point is decimal
        ("0,125", "0.125"),  # a leading zero is no thousands group
        ("1234,567", "1234.567"),
    ],
)
def test_amounts(text: str, expected: str) -> None:
    # str() keeps the exponent: 12.50 and 12.5 are told apart
    assert str(parse_amount(text)) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("(12,00", "not an amount"),  # an unclosed parenthesis
        ("12,00)", "not an amount"),
        ("+1,234", "ambiguous"),  # the sign does not hide the ambiguity
        ("-1,234", "ambiguous"),
        ("1,234.567,89", "not an amount"),  # marks in no order
        ("1.234,567.89", "not an amount"),
        ("1.23.456", "not an amount"),  # groups of three only
        ("1,2345,678", "not an amount"),
        ("\uff11,\uff12\uff13\uff14,\uff15\uff16\uff17", "not an amount"),  # full-width digits
    ],
)
def test_amounts_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as refused:
        parse_amount(text)
    assert repr(text) in str(refused.value)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("JJ/MM/AAAA", "%d/%m/%Y"),
        ("JJ/MM/AA", "%d/%m/%y"),
        ("dd.mm.yyyy", "%d.%m.%Y"),
        ("%Y%m%d", "%Y%m%d"),
    ],
)
def test_date_formats(spec: str, expected: str) -> None:
    assert date_format(spec) == expected


@pytest.mark.parametrize("spec", ["JJ/MM", "JJ/AAAA", "MM/AAAA", "JJ/MM/AAAA Z", "%d/%m"])
def test_date_formats_refused(spec: str) -> None:
    with pytest.raises(ValueError, match=r"is not a date format: write it like JJ/MM/AAAA"):
        date_format(spec)


def test_dates_keep_the_day_and_drop_the_time() -> None:
    assert parse_date("05/03/2024 10:00", "%d/%m/%Y") == dt.date(2024, 3, 5)
    assert parse_date("2024-03-05T10:00:00", "%Y-%m-%d") == dt.date(2024, 3, 5)
    assert parse_date("  ", "%d/%m/%Y") is None
    with pytest.raises(ValueError, match=r"^'31/04/2024' is not a date in the format %d/%m/%Y$"):
        parse_date("31/04/2024", "%d/%m/%Y")


def test_date_detection_messages() -> None:
    with pytest.raises(ValueError, match=r"^the date column is empty$"):
        detect_date_format(["", "  "])
    with pytest.raises(
        ValueError,
        match=r"^dates such as '03/04/2024' read as day/month and as month/day: say which with "
        r"--date-format JJ/MM/AAAA \(or MM/JJ/AAAA\)$",
    ):
        detect_date_format(["03/04/2024", "04/05/2024"])
    with pytest.raises(
        ValueError, match=r"^'3 avril' is not a date format tratool knows: give --date-format$"
    ):
        detect_date_format(["3 avril", "4 avril"])
    assert detect_date_format(["13/04/2024", "03/04/2024"]) == "%d/%m/%Y"
    assert detect_date_format(["04/13/2024", "04/03/2024"]) == "%m/%d/%Y"
