"""Conversions between a field's characters and its Python value, one pair per `Kind`.

Parsers raise `ValueError` with a message meant for a person ("31/04/2024 is not a calendar
date"); the reader adds the file, line, column and field around it. Formatters produce the
canonical form the writer emits: decimal comma, ``01011900`` for "no date".
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from ..i18n import N_, TextValueError
from .layout import Field, Just, Kind

NO_DATE = "01011900"
# Cegid writes 01/01/1900 for "no date"; a real Cegid header also carries 30/12/1899, the
# Delphi zero date. Both mean "empty".
EMPTY_DATES = frozenset({"", NO_DATE, "30121899"})

_DECIMAL = re.compile(r"[+-]?\d+(?:[.,]\d+)?", re.ASCII)
_TWO_PLACES = Decimal("0.01")

Value = Any  # str | int | Decimal | date | datetime | None, depending on the kind


def is_ascii_number(text: str) -> bool:
    """Digits 0-9 only. (`str.isdigit` alone also accepts ``¹²³``, Arabic-Indic and full-width
    digits, which Cegid does not read as numbers and `int()` partly refuses.)"""
    return text.isascii() and text.isdigit()


@functools.lru_cache(maxsize=8192)
def parse_date(text: str) -> dt.date | None:
    """``JJMMAAAA`` -> date; the empty forms -> None. Impossible days are refused, not clamped."""
    text = text.strip(" ")
    if text in EMPTY_DATES:
        return None
    if len(text) != 8 or not is_ascii_number(text):
        raise TextValueError(N_("{text!r} is not a date in JJMMAAAA form", text=text))
    day, month, year = int(text[:2]), int(text[2:4]), int(text[4:])
    try:
        return dt.date(year, month, day)
    except ValueError:
        written = f"{day:02}/{month:02}/{year}"
        raise TextValueError(
            N_("{text!r} is not a calendar date ({written})", text=text, written=written)
        ) from None


def format_date(value: dt.date | None) -> str:
    return NO_DATE if value is None else f"{value.day:02}{value.month:02}{value.year:04}"


def parse_timestamp(text: str) -> dt.datetime | None:
    """``JJMMAAAAHHMM`` (header `generated_at`) -> datetime."""
    text = text.strip(" ")
    if not text or text.strip("0") == "":
        return None
    if len(text) != 12 or not is_ascii_number(text):
        raise TextValueError(N_("{text!r} is not a timestamp in JJMMAAAAHHMM form", text=text))
    try:
        return dt.datetime(
            int(text[4:8]), int(text[2:4]), int(text[:2]), int(text[8:10]), int(text[10:12])
        )
    except ValueError:
        raise TextValueError(N_("{text!r} is not a valid date and time", text=text)) from None


def format_timestamp(value: dt.datetime | None) -> str:
    return "" if value is None else value.strftime("%d%m%Y%H%M")


def parse_decimal(text: str) -> Decimal | None:
    """A decimal with a comma (canonical) or a point; no thousands separator, no exponent."""
    text = text.strip(" ")
    if not text:
        return None
    if not _DECIMAL.fullmatch(text):
        raise ValueError(f"{text!r} is not a decimal number (expected e.g. 1200,50)")
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid literals
        raise ValueError(f"{text!r} is not a decimal number") from None


def _decimal_text(value: Decimal) -> str:
    if not value.is_finite():
        raise TextValueError(N_("{value} is not a finite number", value=str(value)))
    return format(value, "f").replace(".", ",")


def format_decimal(value: Decimal | None) -> str:
    """Keeps the number of decimals it was given (``1`` stays ``1``, ``1,00000000`` stays)."""
    return "" if value is None else _decimal_text(value)


def format_amount(value: Decimal | None) -> str:
    """Money: at least two decimals, never rounded (more decimals are the validator's concern).

    Negative amounts are refused: Cegid accepts them only by switching on the dossier-wide
    option « montants négatifs autorisés »; the same entry is a positive amount on the other
    side."""
    if value is None:
        return ""
    if not value.is_finite():
        raise TextValueError(N_("{value} is not a finite number", value=str(value)))
    if value < 0:
        negative = N_(
            "{value} is negative: write {opposite} with the opposite direction",
            value=str(value),
            opposite=str(-value),
        )
        raise TextValueError(negative)
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        value = value.quantize(_TWO_PLACES)
    return _decimal_text(value)


def format_money(value: Decimal, *, grouped: bool = False) -> str:
    """Money for people, rounded to two decimals with a decimal comma: ``-1234,50``;
    `grouped` adds the French thousands separator: ``-1 234,50``."""
    text = f"{value:,.2f}" if grouped else f"{value:.2f}"
    return text.replace(",", " ").replace(".", ",")


def parse_integer(text: str) -> int | None:
    text = text.strip(" ")
    if not text:
        return None
    if not is_ascii_number(text):
        raise ValueError(f"{text!r} is not a whole number")
    return int(text)


def format_integer(value: int | None) -> str:
    if value is None:
        return ""
    if value < 0:
        raise TextValueError(N_("{value} is negative", value=str(value)))
    return str(value)


def parse_text(text: str) -> str:
    # Cegid trims every field before use; only blanks are padding, tabs are content.
    return text.strip(" ")


def format_text(value: str) -> str:
    return value


PARSERS: dict[Kind, Callable[[str], Value]] = {
    Kind.TEXT: parse_text,
    Kind.CODE: parse_text,
    Kind.DATE: parse_date,
    Kind.TIMESTAMP: parse_timestamp,
    Kind.AMOUNT: parse_decimal,
    Kind.DECIMAL: parse_decimal,
    Kind.INTEGER: parse_integer,
}

FORMATTERS: dict[Kind, Callable[[Any], str]] = {
    Kind.TEXT: format_text,
    Kind.CODE: format_text,
    Kind.DATE: format_date,
    Kind.TIMESTAMP: format_timestamp,
    Kind.AMOUNT: format_amount,
    Kind.DECIMAL: format_decimal,
    Kind.INTEGER: format_integer,
}


def is_empty(value: Value) -> bool:
    """True for the values a writer may leave out at the end of a line."""
    return value is None or value == ""


def render(field: Field, value: Value) -> str:
    """The field's characters for a value, padded to its width. Raises ValueError if too long."""
    return fit(field, FORMATTERS[field.kind](value))


def fit(field: Field, text: str) -> str:
    """A formatted value padded to the field's width. Raises ValueError if too long."""
    if len(text) > field.width:
        too_long = N_(
            "{text!r} is {length} characters long; {field} holds {width}",
            text=text,
            length=len(text),
            field=field.name,
            width=field.width,
        )
        raise TextValueError(too_long)
    return text.ljust(field.width) if field.just is Just.LEFT else text.rjust(field.width)
