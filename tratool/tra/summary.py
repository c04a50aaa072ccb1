"""Totals of a TRA file: counts, journals, date range, debit and credit.

`Totals` is an accumulator fed one entry at a time, so it works on a stream of any length; its
memory grows with the number of distinct pièces only (one hash each).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Hashable, Sized
from decimal import Decimal

import attrs

from ..errors import ParseError
from .lines import Source
from .reader import read
from .records import Entry, Header, RawLine


@attrs.define
class Totals:
    """Add entries with `add`; read the figures off the attributes."""

    lines: int = 0
    entries: int = 0
    parameter_records: int = 0
    unreadable_lines: int = 0
    journals: Counter[str] = attrs.field(factory=Counter)
    first_date: dt.date | None = None
    last_date: dt.date | None = None
    debit: Decimal = Decimal("0.00")
    credit: Decimal = Decimal("0.00")
    _pieces: Sized = attrs.field(factory=set, repr=False)

    @property
    def pieces(self) -> int:
        return len(self._pieces)

    def share_pieces(self, hashes: Sized) -> None:
        """Count pièces from a collection of their distinct keys kept elsewhere — the
        validator keeps one for its own checks — instead of holding a second copy."""
        self._pieces = hashes

    def add(self, entry: Entry) -> None:
        self.add_line(
            entry.journal,
            entry.date,
            entry.piece_key,
            entry.debit,
            entry.credit,
            analytic=entry.is_analytic,
        )

    def add_line(
        self,
        journal: str,
        date: dt.date | None,
        piece: Hashable | None,
        debit: Decimal | None,
        credit: Decimal | None,
        *,
        analytic: bool,
    ) -> None:
        """Count one entry line; analytic lines count as lines but not in pièces or totals.
        `piece` is the line's pièce key, or None when `share_pieces` provides the count;
        `debit` and `credit` are None when the caller sets the totals itself."""
        self.entries += 1
        self.journals[journal] += 1
        if date is not None:
            if self.first_date is None or date < self.first_date:
                self.first_date = date
            if self.last_date is None or date > self.last_date:
                self.last_date = date
        if analytic:
            return  # analytic lines split a general line; counting them would count twice
        if piece is not None:
            assert isinstance(self._pieces, set), "add_line(piece=...) after share_pieces()"
            self._pieces.add(hash(piece))
        if debit is not None and credit is not None:
            self.debit += debit
            self.credit += credit


@attrs.frozen
class Summary:
    path: str
    header: Header | None
    totals: Totals
    line_endings: dict[str, int]


def summarize(source: Source, *, encoding: str = "cp1252") -> tuple[Summary, list[ParseError]]:
    """Read a whole file and total it. Returns the summary and the reader's errors."""
    totals = Totals()
    with read(source, encoding=encoding) as reader:
        for _, record in reader:
            if isinstance(record, Entry):
                totals.add(record)
            elif isinstance(record, RawLine):
                totals.unreadable_lines += 1
            elif not isinstance(record, Header):
                totals.parameter_records += 1
        totals.lines = reader.lines
    summary = Summary(reader.path, reader.header, totals, dict(reader.line_endings))
    return summary, list(reader.errors)
