"""Pièce rules (TRA-X01 … TRA-X04, TRA-X11, TRA-X12) and duplicates (TRA-D03), streaming.

A pièce is the run of lines sharing (journal, date, piece number). It is checked when the
key changes; what is kept afterwards is a hash per pièce in each of three traces (traces.py:
the newest few thousand in memory, older ones in a temporary database on disk), plus the
balance of the pièces that did not balance (a later fragment of the same pièce may still
balance them). Memory therefore grows with neither the number of lines nor of pièces.
"""

from __future__ import annotations

import functools
import operator

import attrs

from ..i18n import N_
from ..tra import layout
from ..tra.values import parse_date
from .configuration import ValidationConfig
from .findings import Recorder, RuleSet, Sink
from .fingerprints import TraceKeys
from .line import EntryLine, day, money
from .traces import SpillDatabase, Trace

TRACE_LIMIT = 4_096  # pièces per trace kept in memory; older ones go to disk (traces.py)
CONTENT_MASK = (1 << 64) - 1  # a pièce's content hash is a sum modulo 2**64
# The fields a repeated line repeats, after the journal and the date (`repeat_text`).
REPEAT_FIELDS = ("account", "auxiliary", "reference", "label", "currency", "amount", "direction")
# A line's content text as its share of the pièce's content hash is taken of: the pièce type,
# then `repeat_text`'s parts. A grid row's raw columns in this order are that text when its
# journal is left-aligned and the line counts under its own date (`_repeated_line`).
CONTENT_FIELDS = ("piece_type", "journal", "date", *REPEAT_FIELDS, "line_type")

_REPEATED = operator.itemgetter(*REPEAT_FIELDS)
_ANALYTIC = layout.ANALYTIC_LINE_TYPES
_OPENINGS = ("OAN", "H")  # an ETE line's opening kinds that are opening balances

FOLIO_MODES = frozenset({"BOR", "LIB"})


def _python_piece(journal: str, date: str, number: str) -> int:
    return hash((journal, date, number))


def _python_number(journal: str, number: int) -> int:
    return hash((journal, number))


PYTHON_KEYS = TraceKeys(piece=_python_piece, number=_python_number, line=hash, content=hash)


@attrs.define
class Piece:
    key: tuple[str, str, str]
    line: int
    text: str
    piece_type: str
    currency: str
    establishment: str
    balance: int = 0  # debit - credit, keeping currency, hundredths
    foreign: int = 0  # the same in the foreign currency, when amounts name one
    content: int = 0  # order-independent hash of the lines, without the piece number
    lines: set[int] = attrs.field(factory=set)
    date_changed: bool = False  # split from the previous pièce by a date change (TRA-X04)


@attrs.define
class Unbalanced:
    """A pièce that did not balance when it closed; a later fragment may still balance it."""

    line: int
    text: str
    balance: int


class PieceRules(RuleSet):
    def __init__(self, config: ValidationConfig, sink: Sink) -> None:
        super().__init__(config, sink)
        self.piece: Piece | None = None
        self.debit = 0  # whole-file totals, keeping currency, hundredths
        self.credit = 0
        self._spill = SpillDatabase()
        self.seen = self._spill.trace(TRACE_LIMIT)  # pièce key fingerprint -> its first line
        self._pending: dict[tuple[str, str, str], Unbalanced] = {}
        self._contents = self._spill.trace(TRACE_LIMIT)  # pièce content hash -> first line
        self.numbers: dict[str, tuple[int, str]] = {}  # journal -> (last number, date raw)
        # number key (journal, number) -> its date, as the int 31042024 (a str if not digits)
        self._number_dates = self._spill.trace(TRACE_LIMIT)
        self._folio: tuple[tuple[str, str, str, str], int, int, str] | None = None
        # Whether a folio journal is configured: if not, no line has folio rules to run.
        self._folios = any(i.mode in FOLIO_MODES for i in (config.journals or {}).values())
        # How the traces' keys are made: Python's `hash` here (the reference engine); the fast
        # engine, whose blocks make them with numpy, sets `fingerprints.FINGERPRINTS`.
        self.keys = PYTHON_KEYS

    def add(self, line: EntryLine) -> None:
        piece, key = self.piece, line.key
        if piece is not None and piece.key == key:  # the line continues its pièce
            date, raw = key[1], line.raw
            if (
                raw["piece_type"] != piece.piece_type
                or raw["currency"] != piece.currency
                or raw["establishment"] != piece.establishment
            ):  # (nearly every line: nothing differs, and no call to say so)
                self._homogeneous(line.number, line.text, piece, raw)
        else:
            date = self._counted_date(line, piece)
            if piece is None or piece.key != (key[0], date, key[2]):
                piece = self._open(line, piece)
            else:
                self._homogeneous(line.number, line.text, piece, line.raw)
        self._repeated_line(line, piece, date)
        if line.line_type not in _ANALYTIC:  # `line.general`
            sign, keeping = line.sign, line.keeping
            if line.opening not in _OPENINGS:  # opening balances are left out (TRA-X01)
                piece.balance += sign * keeping
                piece.foreign += sign * line.foreign
            if sign > 0:
                self.debit += keeping
            elif sign < 0:
                self.credit += keeping
            if self._folios or self._folio is not None:
                self._folio_group(line)
        if self._folios:
            self._folio_entry_type(line.number, line.text, key[0], line.raw["entry_type"].strip())

    def _open(self, line: EntryLine, previous: Piece | None) -> Piece:
        """Close the previous pièce and start the line's; TRA-X04 when only the date changed."""
        raw = line.raw
        if previous is not None:
            self._close(previous)
        piece = self.piece = Piece(
            line.key,
            line.number,
            line.text,
            raw["piece_type"],
            raw["currency"],
            raw["establishment"],
        )
        journal, date, piece_number = line.key
        if (
            previous is not None
            and previous.key[0] == journal
            and previous.key[2] == piece_number
            and piece_number
        ):
            piece.date_changed = True
            self.report(
                "TRA-X04",
                line=line.number,
                column=layout.ENTRY_FIELDS["date"].pos,
                field="date",
                message=N_(
                    "pièce {journal} {number} changes date from {before} to {after} here",
                    journal=journal,
                    number=piece_number,
                    before=day(previous.key[1]),
                    after=day(date),
                ),
                source=line.text,
                hint=N_(
                    "all lines of a pièce share one date; Cegid would make two unbalanced "
                    "pièces of it"
                ),
                value=date,
            )
        return piece

    @staticmethod
    def _counted_date(line: EntryLine, piece: Piece | None) -> str:
        """The date the line counts under. An impossible date (TRA-F02 reported it) does not
        split its pièce: one bad date is one error, not two unbalanced halves and a date
        change (TRA-X01, X04)."""
        date = line.key[1]
        if piece is not None and piece.key != line.key and _same_despite_date(piece.key, line.key):
            if _ordinal(date):
                piece.key = line.key
            return piece.key[1]
        return date

    def _repeated_line(self, line: EntryLine, piece: Piece, date: str) -> None:
        """TRA-D03 for a line repeated inside its pièce; the pièce's content hash grows."""
        raw = line.raw
        journal = line.key[0]
        # `repeat_text`, written out: this runs for every line the cross-line rules read.
        text = "".join((journal.ljust(3), date, *_REPEATED(raw), line.line_type.ljust(1)))
        line_hash = hash(text)
        lines = piece.lines
        if line_hash in lines:
            self._repeated(line)
        lines.add(line_hash)
        share = line.content  # the fast engine's, hashed with numpy from the row's raw columns
        if share is None or date != line.key[1] or text[:3] != raw["journal"]:
            share = self.keys.line(raw["piece_type"] + text)  # not the same text: hash this one
        piece.content = (piece.content + share) & CONTENT_MASK

    def _repeated(self, line: EntryLine) -> None:
        journal, _, piece_number = line.key
        self.report(
            "TRA-D03",
            line=line.number,
            message=N_(
                "this line repeats an earlier line of pièce {journal} {number}",
                journal=journal,
                number=piece_number,
            ),
            source=line.text,
            hint=N_(
                "Cegid imports both unless « Contrôler les doublons » is on, which the API "
                "cannot set"
            ),
        )

    def _homogeneous(self, number: int, text: str, piece: Piece, raw: dict[str, str]) -> None:
        if (
            raw["piece_type"] == piece.piece_type
            and raw["currency"] == piece.currency
            and raw["establishment"] == piece.establishment
        ):
            return  # nearly every line: nothing differs
        for name, first in (("piece_type", piece.piece_type), ("currency", piece.currency)):
            column = layout.ENTRY_FIELDS[name].pos
            if raw[name] != first:
                self.report(
                    "TRA-X04",
                    line=number,
                    column=column,
                    field=name,
                    message=N_(
                        "{field} {value!r} differs from {first!r} on the pièce's first line {line}",
                        field=name,
                        value=raw[name].strip(),
                        first=first.strip(),
                        line=piece.line,
                    ),
                    source=text,
                    hint=N_(
                        "in pièce journals Cegid silently starts a new pièce here; both halves "
                        "end up on the waiting account"
                    )
                    if name == "piece_type"
                    else None,
                    value=raw[name],
                )
        if raw["establishment"] != piece.establishment:
            self.report(
                "TRA-X04",
                line=number,
                column=layout.ENTRY_FIELDS["establishment"].pos,
                field="establishment",
                message=N_(
                    "establishment {code!r} differs from line {line}'s",
                    code=raw["establishment"].strip(),
                    line=piece.line,
                ),
                source=text,
                severity="warning",
                value=raw["establishment"],
            )

    def _folio_group(self, line: EntryLine) -> None:
        journals = self.config.journals
        info = journals.get(line.key[0]) if journals else None
        if info is None or info.mode not in FOLIO_MODES:
            if self._folio is not None:
                self._flush_folio()
            return
        raw, signed = line.raw, line.signed
        key = (raw["journal"], raw["date"], raw["piece_type"], raw["currency"])
        if self._folio is not None and self._folio[0] == key:
            folio = self._folio
            self._folio = (key, folio[1], folio[2] + signed, folio[3])
        else:
            self._flush_folio()
            self._folio = (key, line.number, signed, line.text)

    def _flush_folio(self) -> None:
        folio, self._folio = self._folio, None
        if folio is not None and folio[2] != 0:
            self.report(
                "TRA-X02",
                line=folio[1],
                column=layout.ENTRY_FIELDS["journal"].pos,
                field="journal",
                message=N_(
                    "the {journal} folio of {date} does not balance ({amount})",
                    journal=folio[0][0].strip(),
                    date=day(folio[0][1]),
                    amount=money(folio[2]),
                ),
                source=folio[3],
                hint=N_("Cegid inserts a waiting-account line « GENEREE PAR COMSX »"),
            )

    def _folio_entry_type(self, number: int, text: str, journal: str, entry_type: str) -> None:
        info = (self.config.journals or {}).get(journal)
        if info is not None and info.mode in FOLIO_MODES and entry_type not in ("", "N"):
            self.report(
                "TRA-X12",
                line=number,
                column=layout.ENTRY_FIELDS["entry_type"].pos,
                field="entry_type",
                message=N_(
                    "journal {journal} is {mode}, which takes normal entries only, not {type!r}",
                    journal=journal,
                    mode=info.mode,
                    type=entry_type,
                ),
                source=text,
            )

    # -- per pièce ---------------------------------------------------------------------
    def _close(self, piece: Piece) -> None:
        journal, date, number = piece.key
        if self.seen.setdefault(self.keys.piece(*piece.key), piece.line) != piece.line:
            self.report(
                "TRA-X04",
                line=piece.line,
                column=layout.ENTRY_FIELDS["piece_number"].pos,
                field="piece_number",
                message=N_(
                    "pièce {journal} {number} of {date} continues here after other lines",
                    journal=journal,
                    number=number,
                    date=day(date),
                ),
                source=piece.text,
                hint=N_("keep the lines of a pièce together"),
                severity="warning",
            )
        pending = self._pending.get(piece.key)
        if pending is not None:
            pending.balance += piece.balance
            if pending.balance == 0:
                del self._pending[piece.key]
        elif piece.balance:
            self._pending[piece.key] = Unbalanced(piece.line, piece.text, piece.balance)
        if piece.foreign:
            self.report(
                "TRA-X01",
                line=piece.line,
                column=layout.ENTRY_FIELDS["amount"].pos,
                field="amount",
                message=N_(
                    "pièce {journal} {number} does not balance in its foreign currency ({amount})",
                    journal=journal,
                    number=number,
                    amount=money(piece.foreign),
                ),
                source=piece.text,
            )
        first = self._contents.setdefault(self.keys.content(piece.content), piece.line)
        if first != piece.line:
            self.report(
                "TRA-D03",
                line=piece.line,
                column=layout.ENTRY_FIELDS["piece_number"].pos,
                field="piece_number",
                message=N_(
                    "pièce {journal} {number} repeats the pièce at line {first} line for line",
                    journal=journal,
                    number=number,
                    first=first,
                ),
                source=piece.text,
                hint=N_("the same entries would be imported twice"),
            )
        self._numbering(piece)

    def _numbering(self, piece: Piece) -> None:
        journal, date, raw_number = piece.key
        if not (raw_number.isascii() and raw_number.isdigit()) or int(raw_number) == 0:
            return
        number = int(raw_number)
        compact = int(date) if date.isascii() and date.isdigit() else date
        first = self._number_dates.setdefault(self.keys.number(journal, number), compact)
        seen = f"{first:08d}" if isinstance(first, int) else first
        if seen != date and not piece.date_changed:  # TRA-X04 already said it
            self.report(
                "TRA-X02",
                line=piece.line,
                column=layout.ENTRY_FIELDS["piece_number"].pos,
                field="piece_number",
                message=N_(
                    "piece number {number} of journal {journal} is used on {first} and on {date}",
                    number=number,
                    journal=journal,
                    first=day(seen),
                    date=day(date),
                ),
                source=piece.text,
                severity="warning",
            )
        last = self.numbers.get(journal)
        self.numbers[journal] = (number, date)
        if last is None or seen != date:
            return
        last_number, last_date = last
        if number == last_number:
            return
        if number < last_number and _ordinal(date) >= _ordinal(last_date):
            self.report(
                "TRA-X11",
                line=piece.line,
                column=layout.ENTRY_FIELDS["piece_number"].pos,
                field="piece_number",
                message=N_(
                    "piece number {number} of journal {journal} comes after {last}",
                    number=number,
                    journal=journal,
                    last=last_number,
                ),
                source=piece.text,
            )
        elif number > last_number + 1:
            self.report(
                "TRA-X11",
                line=piece.line,
                column=layout.ENTRY_FIELDS["piece_number"].pos,
                field="piece_number",
                message=N_(
                    "pieces {first}-{last} of journal {journal} are missing",
                    first=last_number + 1,
                    last=number - 1,
                    journal=journal,
                ),
                source=piece.text,
                hint=N_("the FEC requires continuous numbering"),
            )

    def close_open(self) -> None:
        """Close the pièce in progress: the next one was proved without it (gridpieces.py)."""
        if self.piece is not None:
            self._close(self.piece)
            self.piece = None

    def close_quietly(self, piece: Piece, recorder: Recorder) -> bool:
        """Close a pièce the grid proof found balanced and homogeneous if that reports nothing
        (`recorder` tells); otherwise undo what `_close` changed, for the per-line path to
        close it again. The traces need no undoing: `setdefault` stores the same value twice."""
        journal = piece.key[0]
        last = self.numbers.get(journal)
        report, self.report = self.report, recorder.emit
        recorder.emitted = False
        try:
            self._close(piece)
        finally:
            self.report = report
        if not recorder.emitted:
            return True
        if last is None:
            self.numbers.pop(journal, None)
        else:
            self.numbers[journal] = last
        return False

    def traces(self) -> tuple[Trace, Trace, Trace]:
        """The pièce keys', contents' and numbers' traces."""
        return self.seen, self._contents, self._number_dates

    def record_proved(self, lasts: dict[str, tuple[int, str]]) -> None:
        """Set what `_close` would of the journals' last numbers after a run of proved pièces
        the grid engine found that closing reports nothing of (gridclosing.py), which stores
        their keys in the traces itself (`Trace.pending`)."""
        self.numbers.update(lasts)

    def close(self) -> None:
        """Delete the traces' temporary database."""
        self._spill.close()

    def finish(self) -> None:
        if self.piece is not None:
            self._close(self.piece)
            self.piece = None
        self._flush_folio()
        for (journal, date, number), pending in self._pending.items():
            message = (
                N_(
                    "pièce {journal} {number} of {date} does not balance: debit exceeds by "
                    "{amount}",
                    journal=journal,
                    number=number,
                    date=day(date),
                    amount=money(pending.balance),
                )
                if pending.balance > 0
                else N_(
                    "pièce {journal} {number} of {date} does not balance: credit exceeds by "
                    "{amount}",
                    journal=journal,
                    number=number,
                    date=day(date),
                    amount=money(-pending.balance),
                )
            )
            self.report(
                "TRA-X01",
                line=pending.line,
                column=layout.ENTRY_FIELDS["piece_number"].pos,
                field="piece_number",
                message=message,
                source=pending.text,
                hint=N_("Cegid would silently post the difference on the waiting account"),
            )
        if self.debit != self.credit:
            self.report(
                "TRA-X03",
                message=N_(
                    "the file does not balance: debit {debit}, credit {credit}",
                    debit=money(self.debit),
                    credit=money(self.credit),
                ),
            )


def repeat_text(journal: str, date: str, raw: dict[str, str], line_type: str) -> str:
    """What a repeated line repeats, as one text: every part has a fixed width (the stripped
    journal and line type padded back), so equal texts mean equal fields. The grid proof
    builds the same text from a block's columns (gridpieces.py)."""
    return "".join((journal.ljust(3), date, *_REPEATED(raw), line_type.ljust(1)))


def numbered_quietly(last: tuple[int, str] | None, number: int, date: str) -> bool:
    """TRA-X11 has nothing to say of `number` on `date` after the journal's `last`."""
    if last is None or number in (last[0], last[0] + 1):
        return True
    return number < last[0] and _ordinal(date) < _ordinal(last[1])


@functools.lru_cache(maxsize=4096)  # a file holds few distinct dates; each parsed once
def _ordinal(raw: str) -> int:
    try:
        date = parse_date(raw)
    except ValueError:
        return 0
    return date.toordinal() if date else 0


def _same_despite_date(piece: tuple[str, str, str], line: tuple[str, str, str]) -> bool:
    """The same journal and pièce number, and one of the two dates is not a date at all."""
    same_number = piece[0] == line[0] and piece[2] == line[2] and bool(line[2])
    return same_number and not (_ordinal(piece[1]) and _ordinal(line[1]))
