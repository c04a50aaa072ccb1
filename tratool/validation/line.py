"""One entry line as the cross-line rules see it: its raw fields, and what they all derive
from them once (the pièce key, the sign, the amounts in hundredths)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import Decimal
from typing import Any, NamedTuple, cast

from ..tra import layout
from ..tra.records import amount_roles
from ..tra.values import is_ascii_number

_ANALYTIC = layout.ANALYTIC_LINE_TYPES
_roles = functools.lru_cache(maxsize=1024)(amount_roles)  # a file holds few amount codes
_AMOUNTS = ("amount", "amount2", "amount3")  # by the place `amount_roles` gives
_SIGNS = {"D": 1, "C": -1}
NO_LETTERING = ("", "", "")  # a STD line's, or an analytic line's: no lettering


def cents(raw: str) -> int:
    """An amount field in hundredths; 0 for what the field rules report as invalid."""
    text = raw.strip()
    if text.isdigit() and text.isascii():  # the common forms first: 1234 and 1234,5
        return int(text) * 100
    units, comma, fraction = text.partition(",")
    if comma and units.isdigit() and fraction.isdigit() and text.isascii():
        if len(fraction) == 2:  # the usual 1234,56: one int of the digits
            return int(units + fraction)
        return int(units) * 100 + int((fraction + "00")[:2])
    return _any_cents(text.replace(",", "."))


def _any_cents(text: str) -> int:
    if not text:
        return 0
    negative = text.startswith("-")
    units, _, fraction = text.lstrip("+-").partition(".")
    if not is_ascii_number(units) or (fraction and not is_ascii_number(fraction)):
        return 0
    value = int(units) * 100 + int((fraction + "00")[:2])
    return -value if negative else value


def day(raw: str) -> str:
    """A raw JJMMAAAA field as people read it: 31/04/2024 (even when impossible)."""
    text = raw.strip()
    if len(text) == 8 and is_ascii_number(text):
        return f"{text[:2]}/{text[2:4]}/{text[4:]}"
    return repr(text)


def money(value: int) -> Decimal:
    """Hundredths as the amount a finding's message shows (`i18n.shown` writes it: 1234,50,
    and 1 234,50 in French)."""
    return Decimal(value).scaleb(-2)


class EntryLine(NamedTuple):
    """A named tuple, not an attrs class: one is built for every line the cross-line rules
    read, and a tuple is built in a third of the time a frozen attrs instance takes."""

    number: int
    text: str
    raw: dict[str, str]  # the standard fields, as sliced
    line_type: str
    key: tuple[str, str, str]  # (journal, date, piece number): tratool's pièce key
    sign: int  # +1 debit, -1 credit, 0 for an invalid direction (TRA-F10 reports it)
    keeping: int  # the amount in the keeping currency, hundredths
    foreign: int  # the amount in the foreign currency, when the amount code names one
    lettering: tuple[str, str, str] = ("", "", "")  # ETE state, code, max date
    opening: str = ""  # ETE opening kind
    # The line's share of its pièce's content hash when the fast engine computed it from the
    # row's raw columns (`pieces.CONTENT_FIELDS`); the pièce rules check it hashed their text.
    content: int | None = None

    @property
    def general(self) -> bool:
        """General lines (blank, X, H…) count in the balance; A and O lines do not."""
        return self.line_type not in _ANALYTIC

    @property
    def signed(self) -> int:
        return self.sign * self.keeping


def entry_line(
    number: int,
    text: str,
    raw: dict[str, str],
    lettering: tuple[str, str, str] = NO_LETTERING,
    opening: str = "",
    content: int | None = None,
) -> EntryLine:
    # Built for every line the cross-line rules read: only the amounts the code names are
    # looked up, and the tuple is made with `tuple.__new__`, without NamedTuple's keywords.
    keeping, foreign = _roles(raw["amount_code"])
    return _new_line(
        (
            number,
            text,
            raw,
            raw["line_type"].strip(),
            (raw["journal"].strip(), raw["date"], raw["piece_number"].strip()),
            _SIGNS.get(raw["direction"], 0),
            cents(raw[_AMOUNTS[keeping]]),
            0 if foreign is None else cents(raw[_AMOUNTS[foreign]]),
            lettering,
            opening,
            content,
        )
    )


_new_line = cast(
    Callable[[tuple[Any, ...]], EntryLine], functools.partial(tuple.__new__, EntryLine)
)
