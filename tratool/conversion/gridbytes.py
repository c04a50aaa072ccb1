"""The grid path's proof and lines for a block of `ByteRows` (conversion/csvbytes.py): the
same decisions as `grid.Cells` makes on strings, taken on the cells' bytes with numpy.

Cells are stripped of their blanks by moving their bounds. A field's cells are copied into a
matrix of a fixed width (a longer cell makes its row the builder's); the fields read once per
distinct value (journal, date, account) are asked of the same code as the string path, once
per value of the block. Amounts are read byte by byte: digits with at most one decimal
separator and one or two decimals, written back as the writer writes their `Decimal`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import Decimal
from typing import Protocol

import numpy as np
import numpy.typing as npt

from ..tra import layout
from .build import TEXT_LIMITS
from .csvbytes import PADDING, ByteRows, Indexes
from .mapping import Mapping

Grid = npt.NDArray[np.uint8]
Flags = npt.NDArray[np.bool_]
Numbers = npt.NDArray[np.int64]
Span = tuple[Indexes, Indexes]  # the stripped cells' starts and lengths
_SPACE, _ZERO, _NINE = 32, 48, 57
_STRIPPED = 8  # blanks stripped at each end by the arrays; a cell with more is the builder's
# How wide a field's matrix is: a longer cell makes its row the builder's.
WIDTHS = {
    "journal": 16,
    "date": 24,
    "piece": 32,
    **{name: TEXT_LIMITS[name] for name in ("account", "auxiliary", "reference", "label")},
    "debit": layout.ENTRY.field("amount").width - 3,  # grid._AMOUNT_CHARS
    "credit": layout.ENTRY.field("amount").width - 3,
}


class Converter(Protocol):
    """What a block's cells take from the converter (grid.GridConverter)."""

    mapping: Mapping
    index: dict[str, int]  # column name -> its place in a row

    def date(self, raw: str) -> str | None: ...


class ByteCells:
    """One block of `ByteRows`, by field, and what the grid path makes of it."""

    def __init__(self, converter: Converter, rows: ByteRows) -> None:
        self.converter, self.rows, self.mapping = converter, rows, converter.mapping
        self.unsure = np.zeros(rows.size, dtype=np.bool_)  # rows left to the builder
        self._spans: dict[str, Span] = {}
        self._matrices: dict[str, Grid] = {}
        self.journal_codes, self.journal_of = self._journals()
        values, self.date_of = self.distinct("date")
        self.dates = [converter.date(value) for value in values]
        aux = self.span("auxiliary")
        self.tiers = aux[1] > 0 if aux else np.zeros(rows.size, dtype=np.bool_)  # X lines
        self.amounts = {
            name: Amounts(self.matrix(name), self.span_of(name)[1]) for name in ("debit", "credit")
        }
        self.credited = self.amounts["credit"].nonzero

    def span_of(self, name: str) -> Span:
        span = self.span(name)
        assert span is not None  # a column the grid path requires
        return span

    def span(self, name: str) -> Span | None:
        """The field's stripped cells, or None when no column holds it."""
        known = self._spans.get(name)
        column = self.mapping.column(name)
        if known is not None or column is None:
            return known
        at, buf = self.converter.index[column], self.rows.buf
        starts, ends = self.rows.starts[:, at].copy(), self.rows.ends[:, at].copy()
        for _ in range(_STRIPPED):
            blank = (starts < ends) & (buf[starts] == _SPACE)
            if not blank.any():
                break
            starts += blank
        for _ in range(_STRIPPED):
            blank = (starts < ends) & (buf[np.maximum(ends - 1, 0)] == _SPACE)
            if not blank.any():
                break
            ends -= blank
        self.unsure |= (starts < ends) & (buf[starts] == _SPACE)
        self.unsure |= (starts < ends) & (buf[np.maximum(ends - 1, 0)] == _SPACE)
        self._spans[name] = known = (starts, ends - starts)
        return known

    def matrix(self, name: str) -> Grid:
        """The field's stripped cells, one a row, zero-padded to the field's `WIDTHS`."""
        known = self._matrices.get(name)
        if known is None:
            starts, lengths = self.span_of(name)
            width = WIDTHS[name]
            self.unsure |= lengths > width
            known = _gather(self.rows.buf, starts, np.minimum(lengths, width), width, 0)
            self._matrices[name] = known
        return known

    def distinct(self, name: str) -> tuple[list[str], Indexes]:
        """The field's distinct values in the block and each row's index among them."""
        cells = self.matrix(name)
        # Sorting numbers is far quicker than sorting byte strings: a hash of each cell,
        # proved to tell the cells apart (else the strings are sorted).
        _, first, inverse = np.unique(_hashes(cells), return_index=True, return_inverse=True)
        inverse = inverse.ravel()
        if not (cells[first][inverse] == cells).all():
            keys = np.ascontiguousarray(cells).view(f"S{cells.shape[1]}").ravel()
            _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
            inverse = inverse.ravel()
        values = [bytes(row).rstrip(b"\0").decode("ascii") for row in cells[first]]
        return values, inverse

    def text(self, name: str, row: int) -> str:
        """One row's stripped cell of the field, or the field's constant."""
        span = self.span(name)
        if span is None:
            return self.mapping.constants.get(name, "")
        start = int(span[0][row])
        return self.rows.data[start : start + int(span[1][row])].decode("ascii")

    def _journals(self) -> tuple[list[str], Indexes]:
        codes = self.mapping.journal_codes
        if self.mapping.column("journal") is None:
            constant = self.mapping.constants.get("journal", "")
            return [codes.get(constant, constant)], np.zeros(self.rows.size, dtype=np.intp)
        values, inverse = self.distinct("journal")
        return [codes.get(v, v) for v in values], inverse

    def plain(self, printable: Callable[[str], bool]) -> Flags:
        """Which rows the grid path writes as the builder would (`grid.Cells.plain`)."""
        width = layout.ENTRY_FIELDS["journal"].width
        journals = [0 < len(c) <= width and printable(c) for c in self.journal_codes]
        plain = np.array(journals, dtype=np.bool_)[self.journal_of]
        plain &= np.array([d is not None for d in self.dates], dtype=np.bool_)[self.date_of]
        lengths = self.span_of("account")[1]
        plain &= (lengths > 0) & (lengths <= TEXT_LIMITS["account"])
        for name in ("reference", "label", "auxiliary"):
            span = self.span(name)
            if span is not None:
                plain &= span[1] <= TEXT_LIMITS[name]
        if self.mapping.column("auxiliary") is not None:
            upper = ~(
                (self.matrix("auxiliary") >= ord("a")) & (self.matrix("auxiliary") <= ord("z"))
            )
            plain &= ~self.tiers | (upper.all(axis=1) & self._collective())
        debit, credit = self.amounts["debit"], self.amounts["credit"]
        plain &= debit.plain & credit.plain & (debit.nonzero != credit.nonzero)
        for name in self._key_fields():
            self.matrix(name)  # a cell too wide to compare makes its row the builder's
        return plain & ~self.unsure

    def _collective(self) -> Flags:
        """Which rows' account starts with one of the mapping's collective prefixes (the
        builder's test, `str.startswith`, on the bytes)."""
        cells, lengths = self.matrix("account"), self.span_of("account")[1]
        found = np.zeros(self.rows.size, dtype=np.bool_)
        for prefix in self.mapping.collective_prefixes:
            if prefix.isascii() and len(prefix) <= cells.shape[1]:
                wanted = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
                found |= (lengths >= len(wanted)) & (cells[:, : len(wanted)] == wanted).all(axis=1)
        return found

    def _key_fields(self) -> list[str]:
        """The fields of the pièce key read from columns."""
        names = ["piece"] if self.mapping.column("piece") else list(self.mapping.group_by)
        return [name for name in names if self.mapping.column(name) is not None]

    def changes(self, plain: Flags) -> Flags:
        """The rows whose pièce key differs from the row before's (or whose row before is
        not plain): where the builder is asked for a pièce number."""
        same = np.ones(self.rows.size, dtype=np.bool_)
        for name in self._key_fields():
            cells, lengths = self.matrix(name), self.span_of(name)[1]
            same[1:] &= (lengths[1:] == lengths[:-1]) & (cells[1:] == cells[:-1]).all(axis=1)
        same[0] = False
        same[1:] &= plain[:-1]
        return ~same

    def key(self, row: int) -> object:
        """The pièce key `grid.Cells` gives the row."""
        if self.mapping.column("piece"):
            return self.text("piece", row)
        return tuple(self.text(name, row) for name in self.mapping.group_by)

    def numeric_pieces(self) -> tuple[Flags, Numbers] | None:
        """Which rows' piece cell is a whole number of 1 to 8 digits, not 0 (the builder
        numbers the pièce by it), and that number; None without a piece column."""
        if self.mapping.column("piece") is None:
            return None
        width = layout.ENTRY.field("piece_number").width
        cells, lengths = self.matrix("piece")[:, :width], self.span_of("piece")[1]
        digits = cells.astype(np.int64) - _ZERO
        inside = np.arange(width) < lengths[:, None]
        power = (lengths - 1)[:, None] - np.arange(width)
        values = (np.where(inside, digits, 0) * 10 ** np.clip(power, 0, width - 1)).sum(axis=1)
        whole = ~(inside & ((digits < 0) | (digits > 9))).any(axis=1)
        return whole & (lengths > 0) & (lengths <= width) & (values > 0), values

    def journal(self, row: int) -> str:
        return self.journal_codes[int(self.journal_of[row])]

    def totals(self, plain: Flags) -> tuple[Decimal, Decimal]:
        """The sums of the plain rows' debits and credits, as the builder sums them."""
        debited = plain & ~self.credited
        return self.amounts["debit"].total(debited), self.amounts["credit"].total(
            plain & self.credited
        )

    def grid(self, picked: Indexes, numbers: Numbers, templates: dict[str, bytes | None]) -> Grid:
        """The lines of the picked rows: their line type's template, their fields over it."""
        if not len(picked):
            return np.empty((0, 0), dtype=np.uint8)
        stride = len(next(t for t in templates.values() if t is not None))
        # Each row its line type's template (a type without one has no row here), at once.
        lines = [templates.get(t) or bytes(stride) for t in ("", "X")]
        table = np.frombuffer(b"".join(lines), dtype=np.uint8).reshape(2, stride)
        grid: Grid = table[self.tiers[picked].astype(np.intp)]
        entry = layout.ENTRY.field
        codes = [c if 0 < len(c) <= 3 and c.isascii() else "" for c in self.journal_codes]
        grid[:, entry("journal").start : entry("journal").end] = _table(codes, entry("journal"))[
            self.journal_of[picked]
        ]
        dates = [d or "" for d in self.dates]
        date_fields = [entry("date")]
        if self.mapping.format == "ETE":
            date_fields.append(layout.ETE_GENERAL.field("created_on"))
        for f in date_fields:
            grid[:, f.start : f.end] = _table(dates, f)[self.date_of[picked]]
        for name in ("account", "auxiliary", "reference", "label"):
            span = self.span(name)
            f = entry(name)
            if span is None:  # no column: blank
                grid[:, f.start : f.end] = _SPACE
            elif name in self._matrices and f.just is layout.Just.LEFT:
                # Already copied, zero-padded (a plain row's cell fits): blanks for zeros.
                cells = self._matrices[name][picked, : f.width]
                grid[:, f.start : f.start + cells.shape[1]] = cells
                grid[:, f.start : f.start + cells.shape[1]][cells == 0] = _SPACE
                grid[:, f.start + cells.shape[1] : f.end] = _SPACE
            else:
                grid[:, f.start : f.end] = _justified(
                    self.rows.buf, span[0][picked], span[1][picked], f
                )
        direction = entry("direction")
        grid[:, direction.start] = np.where(self.credited[picked], ord("C"), ord("D"))
        amount = entry("amount")
        grid[:, amount.start : amount.end] = self._amount_texts(picked, amount)
        number = entry("piece_number")
        grid[:, number.start : number.end] = _placed(*_digits(numbers, number.width), number)
        return grid

    def _amount_texts(self, picked: Indexes, f: layout.Field) -> Grid:
        """The picked rows' amounts as the writer writes them, justified in the field: a cell
        written so already (no leading zero, a decimal comma, two decimals) is copied."""
        texts: Grid = np.empty((len(picked), f.width), dtype=np.uint8)
        credited = self.credited[picked]
        for name, side in (("debit", ~credited), ("credit", credited)):
            at = np.flatnonzero(side)
            rows, amounts = picked[at], self.amounts[name]
            written = amounts.written[rows]
            starts, lengths = self.span_of(name)
            copied = rows[written]
            texts[at[written]] = _justified(self.rows.buf, starts[copied], lengths[copied], f)
            if not written.all():
                text, length = amounts.texts(rows[~written])
                texts[at[~written]] = _placed(text, length, f)
        return texts


class Amounts:
    """A column of amounts, read byte by byte: whether each is plain (empty, or
    `cells.is_plain_amount`) and not zero, its text as the writer writes it, its value."""

    def __init__(self, cells: Grid, lengths: Indexes) -> None:
        self.cells = cells
        columns = np.arange(cells.shape[1])
        digit = (cells >= _ZERO) & (cells <= _NINE)
        mark = (cells == ord(",")) | (cells == ord("."))
        inside = columns < lengths[:, None]
        marks = mark.sum(axis=1)
        at = np.where(marks == 1, mark.argmax(axis=1), lengths)  # the decimal mark, or the end
        self.decimals = lengths - at - (marks == 1)
        self.whole = at
        self.plain: Flags = ~(inside & ~digit & ~mark).any(axis=1) & (marks <= 1)
        self.plain &= (lengths == 0) | (at > 0)
        self.plain &= (marks == 0) | ((self.decimals >= 1) & (self.decimals <= 2))
        self.nonzero: Flags = np.any(digit & (cells > _ZERO), axis=1)
        # Written as the writer writes it: a comma, two decimals, no leading zero.
        comma = cells[np.arange(len(cells)), np.minimum(at, cells.shape[1] - 1)] == ord(",")
        self.written = self.plain & comma & (self.decimals == 2)
        self.written &= (at == 1) | (cells[:, 0] != _ZERO)

    def _fraction(self, rows: Indexes, place: int) -> Grid:
        """The picked rows' decimal digit at `place` (1 or 2), "0" past their decimals."""
        columns = np.minimum(self.whole[rows] + place, self.cells.shape[1] - 1)
        digits = self.cells[rows, columns]
        return np.where(self.decimals[rows] >= place, digits, _ZERO).astype(np.uint8)

    def texts(self, rows: Indexes) -> tuple[Grid, Indexes]:
        """The rows' amounts as the writer writes them (no leading zero, a comma, two
        decimals), right-aligned in the amount's width, and their lengths."""
        width = layout.ENTRY.field("amount").width
        cells, whole = self.cells[rows], self.whole[rows]
        columns = np.arange(cells.shape[1])
        zeros = (cells != _ZERO) | (columns >= (whole - 1)[:, None])
        lead = zeros.argmax(axis=1)  # leading zeros (one is kept when all are)
        digits = whole - lead
        length = digits + 3
        position = np.arange(width) - (width - length)[:, None]  # in the text, per column
        taken = np.take_along_axis(
            cells, np.clip(lead[:, None] + position, 0, cells.shape[1] - 1), axis=1
        )
        fractions = np.where(
            position == (digits + 1)[:, None],
            self._fraction(rows, 1)[:, None],
            self._fraction(rows, 2)[:, None],
        )
        text = np.where(position == digits[:, None], np.uint8(ord(",")), fractions)
        text = np.where(position < digits[:, None], taken, text)
        text = np.where(position < 0, np.uint8(_SPACE), text).astype(np.uint8)
        return text, length

    def total(self, rows: Flags) -> Decimal:
        """The sum of the rows' amounts as `Decimal` sums them: exact, with the largest
        number of decimals of any of them (none: 0)."""
        picked = np.flatnonzero(rows)
        if not len(picked):
            return Decimal(0)
        cells, whole = self.cells[picked].astype(np.int64) - _ZERO, self.whole[picked]
        power = (whole - 1)[:, None] - np.arange(cells.shape[1])  # of ten, per whole digit
        low = np.where((power >= 0) & (power < 9), 10 ** np.clip(power, 0, 8), 0)
        high = np.where(power >= 9, 10 ** np.clip(power - 9, 0, 8), 0)
        fractions = self._fraction(picked, 1).astype(np.int64) * 10 + self._fraction(picked, 2)
        cents = int((cells * high).sum()) * 10**11 + int((cells * low).sum()) * 100
        cents += int((fractions - _ZERO * 11).sum())
        places = int(self.decimals[picked].max())
        return Decimal(cents // 10 ** (2 - places)).scaleb(-places)


def _hashes(cells: Grid) -> npt.NDArray[np.uint64]:
    """A 64-bit hash of each row, from its 8-byte words."""
    words = np.zeros((len(cells), -(-cells.shape[1] // 8) * 8), dtype=np.uint8)
    words[:, : cells.shape[1]] = cells
    hashes = np.zeros(len(cells), dtype=np.uint64)
    for word in words.view(np.uint64).T:
        hashes = (hashes ^ word) * np.uint64(0x9E3779B97F4A7C15)
        hashes ^= hashes >> np.uint64(29)
    return hashes


def _gather(buf: Grid, starts: Indexes, lengths: Indexes, width: int, pad: int) -> Grid:
    """`width` bytes from each start, those past the length replaced by `pad`."""
    # Each start's window of the buffer, copied row by row (no index per byte); the buffer
    # ends in PADDING zeros, so that every start has a whole window.
    assert width <= PADDING
    windows = np.lib.stride_tricks.sliding_window_view(buf, width)
    taken = windows[starts]
    # The bytes past each length cleared by a row of ones and zeros picked by the length
    # (quicker than a mask per byte), then `pad` put there.
    kept = _kept(width)[np.minimum(lengths, width)]
    taken *= kept
    if pad:
        taken += (1 - kept) * np.uint8(pad)
    return taken


@functools.cache
def _kept(width: int) -> Grid:
    """Row L: L ones, then zeros, `width` in all (L from 0 to `width`)."""
    return (np.arange(width) < np.arange(width + 1)[:, None]).astype(np.uint8)


def _justified(buf: Grid, starts: Indexes, lengths: Indexes, f: layout.Field) -> Grid:
    """Cells of at most the field's width, justified in it as the layout says."""
    if f.just is layout.Just.LEFT:
        return _gather(buf, starts, lengths, f.width, _SPACE)
    columns = np.arange(f.width)
    shift = (f.width - lengths)[:, None]
    taken = buf[np.clip((starts + lengths - f.width)[:, None] + columns, 0, len(buf) - 1)]
    return np.where(columns >= shift, taken, np.uint8(_SPACE))


def _placed(text: Grid, lengths: Indexes, f: layout.Field) -> Grid:
    """Texts right-aligned in the field's width (their `lengths` last bytes), justified in
    it as the layout says."""
    columns = np.arange(f.width)
    shift = (f.width - lengths)[:, None]
    if f.just is layout.Just.RIGHT:
        return np.where(columns >= shift, text, np.uint8(_SPACE))
    taken = np.take_along_axis(text, np.minimum(columns + shift, f.width - 1), axis=1)
    return np.where(columns < lengths[:, None], taken, np.uint8(_SPACE))


def _digits(numbers: Numbers, width: int) -> tuple[Grid, Indexes]:
    """Whole numbers below 10**width as right-aligned digits, and their lengths."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    digits = (numbers[:, None] // powers % 10 + _ZERO).astype(np.uint8)
    lengths = 1 + (numbers[:, None] >= powers[:-1]).sum(axis=1)
    return digits, lengths


def _table(texts: list[str], f: layout.Field) -> Grid:
    """Texts of at most the field's width, justified as the layout says, one a row."""
    pad = str.rjust if f.just is layout.Just.RIGHT else str.ljust
    data = "".join(pad(t, f.width) for t in texts).encode("ascii")
    return np.frombuffer(data, dtype=np.uint8).reshape(len(texts), f.width)
