"""The common case of a conversion as byte grids (numpy): rows of a CSV whose cells are plain
written as fixed-width lines, block by block, without an `Entry` per row.

A row takes this path only when it is proved to come out exactly as `EntryBuilder` and the
writer would make it, with no problem and no change to report: its date parses (and is no
total word), its journal holds 1 to 3 printable ASCII characters, its account and texts are
printable ASCII without a double quote within their limits, an auxiliary is upper-case on a
collective account, its debit and credit are plain amounts (`cells.is_plain_amount`) of at
most 17 characters of which exactly one is not zero, its pièce number fits 8 columns. Every
other row — and every row when the mapping reads other columns — goes through the builder
and the writer, in file order, between the grid's lines.

The fields that do not vary from row to row (piece type, currency, amount code, rate, the
constants, the line type's due number and ETE part) are taken from a template: a row of each
line type built by a scratch builder and rendered by the writer itself. The varying fields are
written over it, column by column, at the positions of the layout tables.
"""

from __future__ import annotations

import re
from decimal import Decimal
from itertools import islice, repeat

import numpy as np
import numpy.typing as npt

from ..errors import WriteError
from ..tra import layout
from ..tra.records import Entry, Header
from ..tra.values import format_date
from ..tra.writer import LineWriter, render_lines
from . import csvbytes, footers
from .build import TEXT_LIMITS, EntryBuilder
from .cells import is_plain_amount, parse_date
from .gridbytes import ByteCells
from .tabular import SourceRow, TabularFile

BLOCK_ROWS = 4096  # rows converted at once: a few MB of grid
# The mapped columns the grid path reads; a mapping with any other column is the builder's.
COLUMNS = frozenset(
    {"journal", "date", "piece", "reference", "account", "auxiliary", "label", "debit", "credit"}
)
_NONZERO = frozenset("123456789")
_NO_KEY = object()
_LARGEST_NUMBER = 10 ** layout.ENTRY.field("piece_number").width - 1
# A plain amount's longest cell that fits the amount's columns however written: "7" is written
# "7,00", three characters more; a longer one is the builder's (the writer reports it).
_AMOUNT_CHARS = layout.ENTRY.field("amount").width - 3
# A column of plain amounts or empty cells, one a line (`cells.is_plain_amount`), and a column
# of amounts already written as the writer writes them (no leading zero, two decimals).
_PLAIN_COLUMN = re.compile(r"(?:\d+(?:[.,]\d{1,2})?)?(?:\n(?:\d+(?:[.,]\d{1,2})?)?)*", re.ASCII)
_CANONICAL_COLUMN = re.compile(r"(?:[1-9]\d*|0),\d\d(?:\n(?:[1-9]\d*|0),\d\d)*", re.ASCII)
Grid = npt.NDArray[np.uint8]


def applies(builder: EntryBuilder) -> bool:
    """Whether the grid path can take rows of this conversion at all."""
    mapping = builder.mapping
    needed = {"date", "account", "debit", "credit"}
    return (
        builder.date_format is not None
        and needed <= set(mapping.columns)
        and set(mapping.columns) <= COLUMNS
        and ("journal" in mapping.columns or "journal" in mapping.constants)
    )


class GridConverter:
    """Converts a table's rows to entry lines, through the grid when it can, and writes them
    with `lines`. `rendered` gets the source row of each line the writer renders, by record
    number, to place its problems (the grid's lines are proved: it never judges them)."""

    def __init__(
        self,
        table: TabularFile,
        builder: EntryBuilder,
        lines: LineWriter,
        rendered: dict[int, int],
    ) -> None:
        self.table, self.builder, self.lines, self.rendered = table, builder, lines, rendered
        self.mapping = builder.mapping
        self.index = {name: i for i, name in enumerate(table.columns)}
        self._dates: dict[str, str | None] = {}  # date cell -> JJMMAAAA, None if not sure
        self._collective: dict[str, bool] = {}
        self._templates: dict[str, bytes | None] = {}  # line type -> its template line

    def convert(self, header: Header) -> None:
        """Write `header`, then every row's line."""
        self.lines.record(header)
        if not self._bytes_apply():
            numbered = self.table.numbered_cells()
            while block := list(islice(numbered, BLOCK_ROWS)):
                self._block(block)
            return
        for part in csvbytes.blocks(self.table, rows=BLOCK_ROWS):
            if isinstance(part, csvbytes.ByteRows):
                self._byte_block(part)
            else:
                self._block(part)

    def _bytes_apply(self) -> bool:
        """Whether the source can be read as blocks of bytes: each field the byte path reads
        comes from a column or is empty (the journal may be a constant)."""
        constants = self.mapping.constants
        return csvbytes.readable(self.table) and not any(
            self.mapping.column(name) is None and name in constants
            for name in ("piece", "reference", "label", "auxiliary")
        )

    def _byte_block(self, block: csvbytes.ByteRows) -> None:
        """A block of `ByteRows`: the plain rows as one grid, the others (in file order,
        between its runs) through the builder."""
        cells = ByteCells(self, block)
        plain = cells.plain(_printable)
        for line_type in ("", "X"):
            of_type = plain & (cells.tiers == (line_type == "X"))
            first = int(of_type.argmax()) if of_type.any() else None
            template = self._template(line_type, None if first is None else self._row(block, first))
            if template is None:
                plain &= ~of_type
        numbered = np.zeros(block.size, dtype=np.bool_)
        assigned = np.zeros(block.size, dtype=np.int64)
        built = self._numbered(block, cells, plain, (numbered, assigned))
        picked = np.flatnonzero(plain)
        latest = np.maximum.accumulate(np.where(numbered, np.arange(block.size), 0))
        numbers = assigned[latest][picked]
        grid = cells.grid(picked, numbers, self._templates)
        # The plain rows before each row: where a run of grid lines ends.
        before: npt.NDArray[np.intp] = np.cumsum(plain) - plain
        done = 0
        for at, entries in built:
            done = self.grid_lines(grid, (done, int(before[at])))
            for written, entry in entries:
                self._record(written, entry)
        self.grid_lines(grid, (done, len(picked)))
        builder = self.builder
        builder.rows += len(picked)
        debit, credit = cells.totals(plain)
        builder.debit_in += debit
        builder.credit_in += credit

    def _numbered(
        self,
        block: csvbytes.ByteRows,
        cells: ByteCells,
        plain: npt.NDArray[np.bool_],
        numbers: tuple[npt.NDArray[np.bool_], npt.NDArray[np.int64]],
    ) -> list[tuple[int, list[tuple[int, Entry]]]]:
        """Ask the builder, in file order, for the pièce number of each plain row that starts
        a pièce (`numbers`: where, and which), and to build every other row (returned, with
        its index). A pièce whose number is past 8 digits is left to the builder whole."""
        numbered, assigned = numbers
        events = np.flatnonzero(~plain | cells.changes(plain))
        numeric = cells.numeric_pieces()
        # A pièce numbered by its piece cell takes that number: the builder need only be told
        # of the last such pièce before it is asked anything else (`_told`).
        direct = events[plain[events] & numeric[0][events]] if numeric else events[:0]
        numbered[direct], assigned[direct] = True, numeric[1][direct] if numeric else 0
        asked = np.setdiff1d(events, direct, assume_unique=True).tolist()
        built: list[tuple[int, list[tuple[int, Entry]]]] = []
        told = 0  # the direct pièces up to this row are told
        for at in asked:
            told = self._told(cells, direct, (told, at))
            if plain[at]:
                number = self.builder.piece_number(
                    cells.text("piece", at), cells.key(at), cells.journal(at)
                )
                if number <= _LARGEST_NUMBER:
                    numbered[at], assigned[at] = True, number
                    continue
                # A journal's counter past 8 digits: the writer's problem, which the builder's
                # path reports for each row of the pièce (asked again, the builder gives the
                # same number).
                later = int(np.searchsorted(events, at, side="right"))
                end = int(events[later]) if later < len(events) else block.size
                plain[at:end] = False
                built.extend((row, self._built(self._row(block, row))) for row in range(at, end))
            else:
                built.append((at, self._built(self._row(block, at))))
        self._told(cells, direct, (told, block.size))
        return built

    def _told(self, cells: ByteCells, direct: npt.NDArray[np.intp], rows: tuple[int, int]) -> int:
        """Tell the builder the number of the last pièce numbered by its piece cell among
        `rows` (start, end), as if it had been asked for each; returns the end."""
        start, end = rows
        last = int(np.searchsorted(direct, end)) - 1
        if last >= 0 and direct[last] >= start:
            at = int(direct[last])
            self.builder.piece_number(cells.text("piece", at), cells.key(at), cells.journal(at))
        return end

    def _row(self, block: csvbytes.ByteRows, at: int) -> SourceRow:
        cells = block.cells(at)
        return SourceRow(int(block.numbers[at]), dict(zip(self.table.columns, cells, strict=True)))

    def _built(self, row: SourceRow) -> list[tuple[int, Entry]]:
        """The row through the builder: its entry, if it makes one."""
        builder = self.builder
        if not footers.entry_or_noted(row, self.mapping, builder.changes, builder.problems):
            return []
        return list(builder.entries([row]))

    def grid_lines(self, grid: Grid, run: tuple[int, int]) -> int:
        """The grid's lines `run` (start, end), written; returns the end."""
        start, end = run
        if end > start:
            # No copy: the lines are contiguous.
            self.lines.entry_lines(grid[start:end].data, end - start)
        return end

    def _record(self, written: int, entry: Entry) -> None:
        """An entry the builder made of source row `written`, rendered by the writer."""
        self.lines.record(entry)
        self.rendered[self.lines.number] = written

    def _block(self, block: list[tuple[int, list[str]]]) -> None:
        cells = Cells(self, block)
        plain = cells.plain()
        templates = {t: self._template(t, _first(t, block, plain, cells)) for t in ("", "X")}
        plain = [
            ok and templates[t] is not None for ok, t in zip(plain, cells.line_types, strict=True)
        ]
        builder, start, numbers = self.builder, 0, []
        key: object = _NO_KEY  # the last plain row's pièce key, while no other row came
        number = 0
        for at, (source, values) in enumerate(block):
            if plain[at]:
                # The builder numbers pièces, in file order, whichever path writes the row.
                if cells.keys[at] != key:
                    key = cells.keys[at]
                    number = builder.piece_number(cells.pieces[at], key, cells.journals[at])
                if number <= _LARGEST_NUMBER:
                    numbers.append(number)
                    continue
                # A journal's counter past 8 digits: the writer's problem, which the builder's
                # path reports for the row (asked again, the builder gives the same number).
                plain[at] = False
            self._write_run(cells, range(start, at), numbers, templates)
            start, numbers, key = at + 1, [], _NO_KEY
            row = SourceRow(source, dict(zip(self.table.columns, values, strict=True)))
            if footers.entry_or_noted(row, self.mapping, builder.changes, builder.problems):
                for written, entry in builder.entries([row]):
                    self._record(written, entry)
        self._write_run(cells, range(start, len(block)), numbers, templates)
        builder.rows += sum(plain)
        builder.debit_in += cells.total("debit", plain)
        builder.credit_in += cells.total("credit", plain)

    def _write_run(
        self, cells: Cells, run: range, numbers: list[int], templates: dict[str, bytes | None]
    ) -> None:
        """A run of plain rows (their pièce numbers given), as one grid."""
        if run:
            self.grid_lines(cells.grid(list(run), numbers, templates), (0, len(run)))

    def date(self, raw: str) -> str | None:
        """JJMMAAAA of a date cell that surely makes an entry, or None."""
        known = self._dates.get(raw, "")
        if known != "":
            return known
        rendered = None
        if footers.surely_entry(raw):
            try:
                rendered = format_date(parse_date(raw, self.builder.date_format or ""))
            except ValueError:
                rendered = None
        if len(self._dates) > 65_536:
            self._dates.clear()
        self._dates[raw] = rendered
        return rendered

    def collective(self, account: str) -> bool:
        known = self._collective.get(account)
        if known is None:
            if len(self._collective) > 65_536:
                self._collective.clear()
            prefixes = self.mapping.collective_prefixes
            known = self._collective[account] = any(account.startswith(p) for p in prefixes)
        return known

    def _template(self, line_type: str, row: SourceRow | None) -> bytes | None:
        """The line the writer makes of a plain row of this line type (`row`, the first one),
        once per conversion: built by a scratch builder (its pièce number is written over)."""
        if line_type in self._templates:
            return self._templates[line_type]
        if row is None:
            return None
        b = self.builder
        scratch = EntryBuilder(
            self.mapping,
            date_format=b.date_format,
            transliterate=b.transliterate,
            truncate_labels=b.truncate_labels,
            dossier_currency=b.dossier_currency,
        )
        made = [entry for _, entry in scratch.entries([row])]
        template = None
        if made and not scratch.problems and not scratch.changes:
            try:
                text = list(render_lines([Header(format=self.mapping.format), made[0]]))[1]
            except WriteError:
                text = "\t"  # not printable: no template
            widths = {len(t) for t in self._templates.values() if t is not None}
            ending = self.lines.line_ending
            if text.isascii() and text.isprintable() and widths <= {len(text) + len(ending)}:
                template = (text + ending).encode("ascii")
        self._templates[line_type] = template
        return template


def _first(
    line_type: str, block: list[tuple[int, list[str]]], plain: list[bool], cells: Cells
) -> SourceRow | None:
    """The block's first plain row of the line type."""
    found = next((i for i, ok in enumerate(plain) if ok and cells.line_types[i] == line_type), None)
    if found is None:
        return None
    number, values = block[found]
    return SourceRow(number, dict(zip(cells.converter.table.columns, values, strict=True)))


class Cells:
    """One block's cells, by field (stripped), and what the grid path makes of them."""

    def __init__(self, converter: GridConverter, block: list[tuple[int, list[str]]]) -> None:
        self.converter = converter
        self.numbers = [number for number, _ in block]
        self.columns = list(zip(*(values for _, values in block), strict=True))
        self.size = len(block)
        self._fields: dict[str, list[str]] = {}
        mapping = converter.mapping
        journals = self.field("journal")
        self.journals = list(map(mapping.journal_codes.get, journals, journals))
        dates = self.field("date")
        rendered = {date: converter.date(date) for date in set(dates)}  # a file repeats few
        self.dates = list(map(rendered.__getitem__, dates))
        self.auxiliaries = self.field("auxiliary")
        self.line_types = ["X" if a else "" for a in self.auxiliaries]
        # Whether the credit, and the debit, is not zero: the row's direction and amount.
        self.credited = list(map(_nonzero, self.field("credit")))
        self.debited = list(map(_nonzero, self.field("debit")))
        self.pieces = self.field("piece")
        if mapping.column("piece"):
            self.keys: list[object] = list(self.pieces)
        else:
            self.keys = list(zip(*(self.field(f) for f in mapping.group_by), strict=True))

    def field(self, name: str) -> list[str]:
        """The stripped cells of the field's column, or its constant on every row."""
        known = self._fields.get(name)
        if known is None:
            column = self.converter.mapping.column(name)
            if column is None:
                known = [self.converter.mapping.constants.get(name, "")] * self.size
            else:
                known = list(map(str.strip, self.columns[self.converter.index[column]]))
            self._fields[name] = known
        return known

    def total(self, name: str, plain: list[bool]) -> Decimal:
        """The sum of the plain rows' amounts of a field, as the builder sums them (a zero
        amount as Decimal(0), which changes no sum)."""
        amounts, nonzero = self.field(name), self.credited if name == "credit" else self.debited
        texts = [a for a, n, ok in zip(amounts, nonzero, plain, strict=True) if ok and n]
        return sum(map(Decimal, (a.replace(",", ".") for a in texts)), Decimal(0))

    def plain(self) -> list[bool]:
        """Which rows the grid path proves it writes as the builder would. Each check runs
        on a whole column at once when the column is plain throughout (nearly always)."""
        limits = TEXT_LIMITS
        account, auxiliary = self.field("account"), self.auxiliaries
        collective = self.converter.collective
        checks = [
            [date is not None for date in self.dates],
            _texts(self.journals, layout.ENTRY_FIELDS["journal"].width, required=True),
            _texts(account, limits["account"], required=True),
            _texts(self.field("reference"), limits["reference"]),
            _texts(self.field("label"), limits["label"]),
            _texts(auxiliary, limits["auxiliary"]),
            [
                not a or (a == a.upper() and collective(c))
                for a, c in zip(auxiliary, account, strict=True)
            ],
            _one_amount(self.field("debit"), self.field("credit"), self.debited, self.credited),
        ]
        plain = np.ones(self.size, dtype=np.bool_)
        for check in checks:
            plain &= np.array(check, dtype=np.bool_)
        rows: list[bool] = plain.tolist()
        return rows

    def grid(
        self, picked: list[int], numbers: list[int], templates: dict[str, bytes | None]
    ) -> Grid:
        """The lines of the picked rows: the template of their line type, their fields over it."""
        first = templates[self.line_types[picked[0]]] or b""
        stride = len(first)
        grid: Grid = np.empty((len(picked), stride), dtype=np.uint8)
        for line_type, template in templates.items():
            if template is not None:
                rows = np.array([self.line_types[i] == line_type for i in picked], dtype=np.bool_)
                grid[rows] = np.frombuffer(template, dtype=np.uint8)
        debit, credit = self.field("debit"), self.field("credit")
        credited = self.credited
        amounts = [credit[i] if credited[i] else debit[i] for i in picked]
        directions = ["C" if credited[i] else "D" for i in picked]
        dates = [self.dates[i] or "" for i in picked]
        values: dict[str, list[str]] = {
            "journal": [self.journals[i] for i in picked],
            "date": dates,
            "account": _picked(self.field("account"), picked),
            "auxiliary": _picked(self.auxiliaries, picked),
            "reference": _picked(self.field("reference"), picked),
            "label": _picked(self.field("label"), picked),
            "direction": directions,
            "amount": _amount_texts(amounts),
            "piece_number": [str(n) for n in numbers],
        }
        for name, texts in values.items():
            _put(grid, layout.ENTRY.field(name), texts)
        if self.converter.mapping.format == "ETE":
            _put(grid, layout.ETE_GENERAL.field("created_on"), dates)
        return grid


def _put(grid: Grid, f: layout.Field, texts: list[str]) -> None:
    """The texts (ASCII, at most the field's width) into the field's columns, justified as the
    layout says."""
    pad = str.rjust if f.just is layout.Just.RIGHT else str.ljust
    data = "".join(map(pad, texts, repeat(f.width))).encode("ascii")
    grid[:, f.start : f.end] = np.frombuffer(data, dtype=np.uint8).reshape(len(texts), f.width)


def _picked(values: list[str], picked: list[int]) -> list[str]:
    return [values[i] for i in picked]


def _printable(text: str) -> bool:
    """Printable ASCII without a double quote: nothing the builder, the transliteration or the
    writer would change or refuse."""
    return text.isascii() and text.isprintable() and '"' not in text


def _texts(values: list[str], limit: int, required: bool = False) -> list[bool]:
    """Which values are `_printable`, at most `limit` long, and not empty if `required`:
    for the whole column at once when all of them are."""
    longest = max(map(len, values), default=0)
    if longest <= limit and _printable(" ".join(values)):  # the blanks between are printable
        return list(map(bool, values)) if required else [True] * len(values)
    return [(bool(v) or not required) and len(v) <= limit and _printable(v) for v in values]


def _nonzero(amount: str) -> bool:
    return not _NONZERO.isdisjoint(amount)


def _one_amount(
    debits: list[str], credits: list[str], debited: list[bool], credited: list[bool]
) -> list[bool]:
    """Which rows hold a debit and a credit both plain (or empty), exactly one not zero."""
    plain = [_plain_amounts(debits), _plain_amounts(credits)]
    nonzero = [debited, credited]
    return [pd and pc and d != c for pd, pc, d, c in zip(*plain, *nonzero, strict=True)]


def _plain_amounts(values: list[str]) -> list[bool]:
    """Which values are empty or a plain amount (`cells.is_plain_amount`) short enough for
    the amount's columns however written, for the whole column at once when all of them are
    (the separator in no value)."""
    joined = "\n".join(values)
    longest = max(map(len, values), default=0)
    if (
        longest <= _AMOUNT_CHARS
        and joined.count("\n") == len(values) - 1
        and _PLAIN_COLUMN.fullmatch(joined)
    ):
        return [True] * len(values)
    return [not v or (len(v) <= _AMOUNT_CHARS and is_plain_amount(v)) for v in values]


def _amount_texts(amounts: list[str]) -> list[str]:
    """Plain amounts as the writer writes their Decimal: no leading zero, a comma, at least
    two decimals; a column already written so is taken as it is."""
    joined = "\n".join(amounts)
    if joined.count("\n") == len(amounts) - 1 and _CANONICAL_COLUMN.fullmatch(joined):
        return amounts
    return list(map(_amount_text, amounts))


def _amount_text(raw: str) -> str:
    whole, _, fraction = raw.replace(",", ".").partition(".")
    return f"{int(whole)},{fraction.ljust(2, '0')}"
