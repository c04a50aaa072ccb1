"""Amounts and dates as people type them in spreadsheets and exports.

Amounts: ``1 234,56``, ``1.234,56``, ``1'234.56``, ``1234.5``, ``-12,00``, ``(12,00)``, with a
no-break or thin space as thousands separator. A lone separator followed by exactly three
digits (``1,234``) is ambiguous and refused. Dates: an explicit format, or one deduced from the
values — never a guess between day-first and month-first.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from ..i18n import N_, Text, TextValueError

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]")
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?", re.ASCII)  # 0-9 only, not ²
# Digits with up to two decimals: what nearly every cell holds, read at once (no sign, no
# thousands separator, no three-digit fraction that could be ambiguous).
_PLAIN = re.compile(r"\d+(?:[.,]\d{1,2})?", re.ASCII)


def is_plain_amount(raw: str) -> bool:
    """Digits with up to two decimals (a point or a comma), nothing else: what
    `parse_amount` reads at once, as `Decimal(raw.replace(",", "."))`."""
    return _PLAIN.fullmatch(raw) is not None


def _not_an_amount(raw: str) -> Text:
    return N_("{raw!r} is not an amount", raw=raw)


def parse_amount(text: str) -> Decimal | None:
    """A decimal from a spreadsheet cell; None for an empty cell. Raises ValueError."""
    raw = text.strip()
    if not raw:
        return None
    if _PLAIN.fullmatch(raw):
        return Decimal(raw.replace(",", "."))
    value = raw
    negative = False
    if value.startswith("(") and value.endswith(")"):
        negative, value = True, value[1:-1]
    value = _SPACES.sub("", value).replace("'", "").replace("€", "")
    if value.endswith("-"):  # some accounting exports put the sign last
        negative, value = not negative, value[:-1]
    if value.startswith("-"):
        negative, value = not negative, value[1:]
    elif value.startswith("+"):
        value = value[1:]
    commas, points = value.count(","), value.count(".")
    if commas and points:
        decimal_mark = "," if value.rfind(",") > value.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        value = value.replace(thousands, "")
    elif commas > 1 or points > 1:
        mark = "," if commas > 1 else "."
        if not re.fullmatch(rf"\d{{1,3}}(?:\{mark}\d{{3}})+", value, re.ASCII):
            raise TextValueError(_not_an_amount(raw))
        value = value.replace(mark, "")  # 1.234.567 or 1,234,567
    elif commas == 1 or points == 1:
        mark = "," if commas else "."
        whole, fraction = value.split(mark)
        if (
            len(fraction) == 3
            and fraction.isdigit()
            and whole.isascii()
            and whole.isdigit()
            and len(whole) <= 3
            and not whole.startswith("0")  # 0,125 has no thousands group
            and mark in raw
            and _SPACES.search(raw) is None
            and "'" not in raw
        ):
            raise TextValueError(
                N_(
                    "{raw!r} is ambiguous: {written} could be {thousands} or {decimal}",
                    raw=raw,
                    written=f"{whole}{mark}{fraction}",
                    thousands=f"{whole}{fraction}",
                    decimal=f"{whole}.{fraction}",
                )
            )
    value = value.replace(",", ".")
    if not _NUMBER.fullmatch(value):
        raise TextValueError(_not_an_amount(raw))
    try:
        number = Decimal(value)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid literals
        raise TextValueError(_not_an_amount(raw)) from None
    return -number if negative else number


# Friendly spellings of formats, as French users write them.
_FRIENDLY = {"JJ": "%d", "DD": "%d", "MM": "%m", "AAAA": "%Y", "YYYY": "%Y", "AA": "%y", "YY": "%y"}
UNAMBIGUOUS = ("%Y-%m-%d", "%Y%m%d", "%Y/%m/%d")
DAY_FIRST = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y")
MONTH_FIRST = ("%m/%d/%Y", "%m-%d-%Y", "%m/%d/%y")


_DIRECTIVE = re.compile(r"%[dmyYHMSbBj]")


def date_format(spec: str) -> str:
    """``JJ/MM/AAAA``, ``dd/mm/yyyy`` or ``%d/%m/%Y`` -> a strptime format. Raises ValueError
    for a format without a day, a month and a year, or with letters left over."""
    if "%" in spec:
        result = spec
    else:
        result = spec.upper()
        for friendly, code in sorted(_FRIENDLY.items(), key=lambda item: -len(item[0])):
            result = result.replace(friendly, code)
    codes = _DIRECTIVE.findall(result)
    leftover = _DIRECTIVE.sub("", result)
    has_year = "%Y" in codes or "%y" in codes
    if not ("%d" in codes and "%m" in codes and has_year) or any(c.isalpha() for c in leftover):
        raise TextValueError(
            N_(
                "{spec!r} is not a date format: write it like JJ/MM/AAAA, dd/mm/yyyy or %d/%m/%Y",
                spec=spec,
            )
        )
    return result


@functools.lru_cache(maxsize=4096)  # a file repeats few dates
def parse_date(text: str, fmt: str) -> dt.date | None:
    raw = text.strip()
    if not raw:
        return None
    try:
        return dt.datetime.strptime(raw.split(" ")[0].split("T")[0], fmt).date()
    except ValueError:
        wrong = N_("{raw!r} is not a date in the format {format}", raw=raw, format=fmt)
        raise TextValueError(wrong) from None


def _fits(values: list[str], fmt: str) -> bool:
    try:
        for value in values:
            parse_date(value, fmt)
    except ValueError:
        return False
    return True


def detect_date_format(values: Iterable[str]) -> str:
    """The one format all values fit. Raises ValueError when none does, or when day-first and
    month-first both fit (03/04/2024): the caller must then ask for --date-format."""
    sample = [v for v in (value.strip() for value in values) if v]
    if not sample:
        raise TextValueError(N_("the date column is empty"))
    for fmt in UNAMBIGUOUS:
        if _fits(sample, fmt):
            return fmt
    day_first = [f for f in DAY_FIRST if _fits(sample, f)]
    month_first = [f for f in MONTH_FIRST if _fits(sample, f)]
    if day_first and month_first:
        raise TextValueError(
            N_(
                "dates such as {sample!r} read as day/month and as month/day: say which with "
                "--date-format JJ/MM/AAAA (or MM/JJ/AAAA)",
                sample=sample[0],
            )
        )
    if day_first or month_first:
        return (day_first or month_first)[0]
    unknown = N_(
        "{sample!r} is not a date format tratool knows: give --date-format", sample=sample[0]
    )
    raise TextValueError(unknown)
