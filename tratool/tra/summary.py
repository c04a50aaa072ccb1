"""Totals of a TRA file: counts, journals, date range, debit and credit.

`Totals` is an accumulator fed one entry at a time, so it works on a stream of any length; its
memory grows with the number of distinct pièces only (one hash each).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sized
from decimal import Decimal

import attrs

from ..errors import ParseError
from .lines import Source
from .reader import read
from .records import Entry, Header, RawLine


@attrs.define
class Totals:
    """Add entries with `add`; read the figures off the attributes.

    A caller that already keeps the pièces and the money for its own checks (the validator)
    counts lines with `count_line` and hands over the rest once with `settle`."""

    lines: int = 0
    entries: int = 0
    parameter_records: int = 0
    unreadable_lines: int = 0
    journals: Counter[str] = attrs.field(factory=Counter)
    first_date: dt.date | None = None
    last_date: dt.date | None = None
    debit: Decimal = Decimal("0.00")
    credit: Decimal = Decimal("0.00")
    _piece_keys: set[int] = attrs.field(factory=set, repr=False)
    _settled_pieces: Sized | None = attrs.field(default=None, repr=False)

    @property
    def pieces(self) -> int:
        if self._settled_pieces is not None:
            return len(self._settled_pieces)
        return len(self._piece_keys)

    def add(self, entry: Entry) -> None:
        """Count one entry: its line, its pièce and its money (analytic lines only as lines:
        they split a general line, so counting their money would count it twice)."""
        self.count_line(entry.journal, entry.date)
        if entry.is_analytic:
            return
        self._piece_keys.add(hash(entry.piece_key))
        self.debit += entry.debit
        self.credit += entry.credit

    def count_line(self, journal: str, date: dt.date | None) -> None:
        """Count one entry line in the entries, journals and dates, without pièce or money."""
        self.entries += 1
        self.journals[journal] += 1
        if date is not None:
            if self.first_date is None or date < self.first_date:
                self.first_date = date
            if self.last_date is None or date > self.last_date:
                self.last_date = date

    def settle(self, *, pieces: Sized, debit: Decimal, credit: Decimal) -> None:
        """Set the money and the pièces of lines counted with `count_line`. `pieces` holds one
        item per distinct pièce; it is kept, not copied, so it may be large."""
        self._settled_pieces = pieces
        self.debit = debit
        self.credit = credit


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
