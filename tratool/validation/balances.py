"""Debit and credit of each pièce, for the HTML report.

The raw fields are read the way the validator reads them (a pièce is journal, date and number
as written; general lines only, ETE opening-balance lines included; the amount in the keeping
currency), so a pièce whose date is impossible still has its row.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from ..tra import layout
from ..tra.lines import DecodedLines, LineDecoder, LineKind, Source, classify, open_source
from .line import day, entry_line


@attrs.frozen
class PieceBalance:
    journal: str
    date: str  # JJ/MM/AAAA as written, even when impossible
    number: str
    first_line: int
    debit: int  # hundredths
    credit: int

    @property
    def difference(self) -> int:
        return self.debit - self.credit


def _entries(source: Source, encoding: str) -> Iterable[tuple[int, str]]:
    _, stream, owned = open_source(source)
    try:
        for line in DecodedLines(stream, LineDecoder(encoding)):
            if classify(line.number, line.text) is LineKind.ENTRY:
                yield line.number, line.text
    finally:
        if owned:
            stream.close()


def piece_balances(source: Source, *, encoding: str = "cp1252") -> list[PieceBalance]:
    """Every pièce of the file in order of first appearance, with its debit and credit."""
    sums: dict[tuple[str, str, str], list[int]] = {}
    for number, text in _entries(source, encoding):
        padded = text.ljust(layout.ENTRY.end)
        raw = {f.name: padded[f.start : f.end] for f in layout.ENTRY.fields}
        line = entry_line(number, text, raw)
        if not line.general:
            continue
        row = sums.setdefault(line.key, [number, 0, 0])
        row[1 if line.sign > 0 else 2] += line.keeping if line.sign else 0
    return [
        PieceBalance(journal, day(date), piece, first, debit, credit)
        for (journal, date, piece), (first, debit, credit) in sums.items()
    ]
