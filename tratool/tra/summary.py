"""Totals of a TRA file: counts, journals, date range, debit and credit; and the summary of a
whole file (`summarize`): its header, its lines by kind, its totals, as a JSON-ready document.

`Totals` is an accumulator fed one entry at a time, so it works on a stream of any length; its
memory grows with the number of distinct pièces only (one hash each).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sized
from decimal import Decimal
from typing import Any

import attrs

from ..errors import ParseError
from ..i18n import N_
from . import layout
from .lines import Source
from .reader import read
from .records import Entry, Header, RawLine, Record

# What each kind of line is called (tra-format.md §1, §4); the keys are the JSON document's.
LINE_KINDS = {
    "header": N_("header"),
    "parameter": N_("parameter record"),
    "general": N_("general"),
    "tiers": N_("tiers (X)"),
    "general_with_section": N_("general with a section (H)"),
    "analytic": N_("analytic (A)"),
    "analytic_only": N_("analytic-only (O)"),
    "attachment": N_("attachment (G)"),
    "payment_approval": N_("payment approval (P)"),
    "budget": N_("budget (B)"),
    "unknown_type": N_("unknown line type"),
    "unreadable": N_("unreadable"),
    "blank": N_("blank"),
}
# Column 31 -> kind. Cegid reads "-" like blank, and E and L like X (§4).
_BY_LINE_TYPE = {
    "": "general",
    "-": "general",
    "X": "tiers",
    "E": "tiers",
    "L": "tiers",
    "H": "general_with_section",
    "A": "analytic",
    "O": "analytic_only",
    "G": "attachment",
    "P": "payment_approval",
    "B": "budget",
}


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
        self._piece_keys.add(hash(entry.piece_key))  # an O-only pièce is a pièce too
        if entry.is_analytic:
            return
        self.debit += entry.debit
        self.credit += entry.credit

    def count_line(self, journal: str, date: dt.date | None, lines: int = 1) -> None:
        """Count one entry line (or `lines` of the same journal and date) in the entries,
        journals and dates, without pièce or money."""
        self.entries += lines
        self.journals[journal] += lines
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
    line_kinds: dict[str, int] = attrs.field(factory=dict)  # LINE_KINDS key -> count


def line_kind(record: Record) -> str:
    """The `LINE_KINDS` key of a record as the reader yields it."""
    if isinstance(record, Header):
        return "header"
    if isinstance(record, Entry):
        return _BY_LINE_TYPE.get(record.line_type, "unknown_type")
    if isinstance(record, RawLine):
        # The reader keeps G, P and B lines raw; any other raw line could not be typed.
        kind = _BY_LINE_TYPE.get(layout.cut(record.text, layout.LINE_TYPE))
        if kind in ("attachment", "payment_approval", "budget"):
            return kind
        return "unreadable"
    return "parameter"


def summarize(source: Source, *, encoding: str = "cp1252") -> tuple[Summary, list[ParseError]]:
    """Read a whole file and total it. Returns the summary and the reader's errors."""
    totals = Totals()
    kinds: Counter[str] = Counter()
    with read(source, encoding=encoding) as reader:
        for _, record in reader:
            kind = line_kind(record)
            kinds[kind] += 1
            if isinstance(record, Entry):
                totals.add(record)
            elif kind == "unreadable":
                totals.unreadable_lines += 1
            elif kind == "parameter":
                totals.parameter_records += 1
        totals.lines = reader.lines
    kinds["blank"] = reader.blank_lines
    summary = Summary(
        reader.path,
        reader.header,
        totals,
        dict(reader.line_endings),
        {kind: kinds[kind] for kind in LINE_KINDS},
    )
    return summary, list(reader.errors)


def summary_document(summary: Summary, problems: list[ParseError]) -> dict[str, Any]:
    """The summary as the stable JSON document of ``tratool show --format json`` (version 1,
    docs/reading-and-writing.md): header fields under their canonical names, lines by kind,
    totals, date range, journals, line endings and the reader's problems."""
    t, header = summary.totals, summary.header
    return {
        "version": 1,
        "path": summary.path,
        "header": None if header is None else _header_document(header),
        "lines": {"total": t.lines, **summary.line_kinds},
        "entries": t.entries,
        "pieces": t.pieces,
        "debit": _money(t.debit),
        "credit": _money(t.credit),
        "first_date": None if t.first_date is None else t.first_date.isoformat(),
        "last_date": None if t.last_date is None else t.last_date.isoformat(),
        "journals": dict(sorted(t.journals.items())),
        "line_endings": dict(sorted(summary.line_endings.items())),
        "problems": [
            {
                "line": p.line,
                "column": p.column,
                "field": p.field,
                "severity": p.severity,
                "message": p.message,
                "hint": p.hint,
            }
            for p in problems
        ],
    }


def _header_document(header: Header) -> dict[str, str | None]:
    values: dict[str, str | None] = {}
    for name in (*layout.HEADER.names, "trailer"):
        value = getattr(header, name)
        values[name] = value.isoformat() if isinstance(value, dt.date) else value
    return values


def _money(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.01")), "f")
