"""The common case of a conversion as byte grids (numpy): rows of a CSV whose cells are plain
written as fixed-width lines, block by block, without an `Entry` per row.

A row takes this path only when it is proved to come out exactly as `EntryBuilder` and the
writer would make it, with no problem and no change to report: its date parses (and is no
total word), its journal holds 1 to 3 printable ASCII characters, its account and texts are
printable ASCII without a double quote within their limits, an auxiliary is upper-case on a
collective account, its debit and credit are plain amounts (`cells.is_plain_amount`) of which
exactly one is not zero. Every other row — and every row when the mapping reads other
columns — goes through the builder and the writer, in file order, between the grid's lines.

The fields that do not vary from row to row (piece type, currency, amount code, rate, the
constants, the line type's due number and ETE part) are taken from a template: a row of each
line type built by a scratch builder and rendered by the writer itself. The varying fields are
written over it, column by column, at the positions of the layout tables.
"""

from __future__ import annotations

import array
from decimal import Decimal
from itertools import islice

import numpy as np
import numpy.typing as npt

from ..errors import WriteError
from ..tra import layout
from ..tra.records import Header
from ..tra.values import format_date
from ..tra.writer import LineWriter, render_lines
from . import footers
from .build import TEXT_LIMITS, EntryBuilder
from .cells import is_plain_amount, parse_date
from .tabular import SourceRow, TabularFile

BLOCK_ROWS = 4096  # rows converted at once: a few MB of grid
# The mapped columns the grid path reads; a mapping with any other column is the builder's.
COLUMNS = frozenset(
    {"journal", "date", "piece", "reference", "account", "auxiliary", "label", "debit", "credit"}
)
_NONZERO = frozenset("123456789")
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
    with `lines` (source row numbers of written entries go to `rows`)."""

    def __init__(self, table: TabularFile, builder: EntryBuilder, lines: LineWriter) -> None:
        self.table, self.builder, self.lines = table, builder, lines
        self.mapping = builder.mapping
        self.index = {name: i for i, name in enumerate(table.columns)}
        self._dates: dict[str, str | None] = {}  # date cell -> JJMMAAAA, None if not sure
        self._collective: dict[str, bool] = {}
        self._templates: dict[str, bytes | None] = {}  # line type -> its template line
        self.grid_rows = 0  # rows written through the grid

    def convert(self, header: Header, rows: array.array[int]) -> None:
        """Write `header`, then every row's line; `rows` gets each entry's source row."""
        self.lines.record(header)
        numbered = self.table.numbered_cells()
        while block := list(islice(numbered, BLOCK_ROWS)):
            self._block(block, rows)

    def _block(self, block: list[tuple[int, list[str]]], rows: array.array[int]) -> None:
        cells = Cells(self, block)
        plain = cells.plain()
        templates = {t: self._template(t, block, plain, cells) for t in ("", "X")}
        plain = [
            ok and templates[t] is not None for ok, t in zip(plain, cells.line_types, strict=True)
        ]
        builder, start, numbers = self.builder, 0, []
        for at, (number, values) in enumerate(block):
            if plain[at]:
                # The builder numbers pièces, in file order, whichever path writes the row.
                key = cells.keys[at]
                numbers.append(builder.piece_number(cells.pieces[at], key, cells.journals[at]))
                continue
            self._write_run(cells, range(start, at), numbers, templates, rows)
            start, numbers = at + 1, []
            row = SourceRow(number, dict(zip(self.table.columns, values, strict=True)))
            if footers.entry_or_noted(row, self.mapping, builder.changes, builder.problems):
                for source, entry in builder.entries([row]):
                    rows.append(source)
                    self.lines.record(entry)
        self._write_run(cells, range(start, len(block)), numbers, templates, rows)
        builder.rows += sum(plain)
        builder.debit_in += sum(map(_decimal, cells.of("debit", plain)), Decimal(0))
        builder.credit_in += sum(map(_decimal, cells.of("credit", plain)), Decimal(0))

    def _write_run(
        self,
        cells: Cells,
        run: range,
        numbers: list[int],
        templates: dict[str, bytes | None],
        rows: array.array[int],
    ) -> None:
        """A run of plain rows (their pièce numbers given), as one grid."""
        if not run:
            return
        picked = list(run)
        grid = cells.grid(picked, numbers, templates)
        rows.extend(cells.numbers[i] for i in picked)
        self.lines.entry_lines(grid.tobytes(), len(picked))
        self.grid_rows += len(picked)

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

    def _template(
        self, line_type: str, block: list[tuple[int, list[str]]], plain: list[bool], cells: Cells
    ) -> bytes | None:
        """The line the writer makes of a plain row of this line type, once per conversion:
        built by a scratch builder (its pièce number is written over anyway)."""
        if line_type in self._templates:
            return self._templates[line_type]
        found = next(
            (i for i, ok in enumerate(plain) if ok and cells.line_types[i] == line_type), None
        )
        if found is None:
            return None
        number, values = block[found]
        row = SourceRow(number, dict(zip(self.table.columns, values, strict=True)))
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


class Cells:
    """One block's cells, by field (stripped), and what the grid path makes of them."""

    def __init__(self, converter: GridConverter, block: list[tuple[int, list[str]]]) -> None:
        self.converter = converter
        self.numbers = [number for number, _ in block]
        self.columns = list(zip(*(values for _, values in block), strict=True))
        self.size = len(block)
        self._fields: dict[str, list[str]] = {}
        mapping = converter.mapping
        codes = mapping.journal_codes
        self.journals = [codes.get(j, j) for j in self.field("journal")]
        self.dates = [converter.date(d) for d in self.field("date")]
        self.auxiliaries = self.field("auxiliary")
        self.line_types = ["X" if a else "" for a in self.auxiliaries]
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
                known = [cell.strip() for cell in self.columns[self.converter.index[column]]]
            self._fields[name] = known
        return known

    def of(self, name: str, plain: list[bool]) -> list[str]:
        return [v for v, ok in zip(self.field(name), plain, strict=True) if ok and v]

    def plain(self) -> list[bool]:
        """Which rows the grid path proves it writes as the builder would."""
        collective = self.converter.collective
        rows = zip(
            self.journals,
            self.dates,
            self.field("account"),
            self.auxiliaries,
            self.field("reference"),
            self.field("label"),
            self.field("debit"),
            self.field("credit"),
            strict=True,
        )
        return [
            date is not None
            and 0 < len(journal) <= 3
            and _printable(journal)
            and 0 < len(account) <= TEXT_LIMITS["account"]
            and _printable(account)
            and (
                not auxiliary
                or (
                    len(auxiliary) <= TEXT_LIMITS["auxiliary"]
                    and _printable(auxiliary)
                    and auxiliary == auxiliary.upper()
                    and collective(account)
                )
            )
            and len(reference) <= TEXT_LIMITS["reference"]
            and (not reference or _printable(reference))
            and len(label) <= TEXT_LIMITS["label"]
            and (not label or _printable(label))
            and _one_amount(debit, credit)
            for journal, date, account, auxiliary, reference, label, debit, credit in rows
        ]

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
        amounts = [credit[i] if _nonzero(credit[i]) else debit[i] for i in picked]
        directions = ["C" if _nonzero(credit[i]) else "D" for i in picked]
        dates = [self.dates[i] or "" for i in picked]
        values: dict[str, list[str]] = {
            "journal": [self.journals[i] for i in picked],
            "date": dates,
            "account": _picked(self.field("account"), picked),
            "auxiliary": _picked(self.auxiliaries, picked),
            "reference": _picked(self.field("reference"), picked),
            "label": _picked(self.field("label"), picked),
            "direction": directions,
            "amount": [_amount_text(a) for a in amounts],
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
    if f.just is layout.Just.RIGHT:
        texts = [t.rjust(f.width) for t in texts]
    cells = np.array(texts, dtype=f"S{f.width}").view(np.uint8).reshape(len(texts), f.width)
    cells = np.where(cells == 0, np.uint8(32), cells)
    grid[:, f.start : f.end] = cells


def _picked(values: list[str], picked: list[int]) -> list[str]:
    return [values[i] for i in picked]


def _printable(text: str) -> bool:
    """Printable ASCII without a double quote: nothing the builder, the transliteration or the
    writer would change or refuse."""
    return text.isascii() and text.isprintable() and '"' not in text


def _nonzero(amount: str) -> bool:
    return not _NONZERO.isdisjoint(amount)


def _one_amount(debit: str, credit: str) -> bool:
    """Both plain (or empty), exactly one of them not zero."""
    return (
        (not debit or is_plain_amount(debit))
        and (not credit or is_plain_amount(credit))
        and _nonzero(debit) != _nonzero(credit)
    )


def _amount_text(raw: str) -> str:
    """A plain amount as the writer writes its Decimal: at least two decimals, a comma."""
    whole, _, fraction = raw.replace(",", ".").partition(".")
    return f"{int(whole)},{fraction.ljust(2, '0')}"


def _decimal(raw: str) -> Decimal:
    return Decimal(raw.replace(",", ".")) if _nonzero(raw) else Decimal(0)
