"""A CSV read as blocks of bytes, for the grid path (conversion/grid.py, numpy).

A block of whole lines with no double quote, no NUL and no carriage return but before a line
feed holds one row per line, whatever the encoding of its other bytes: the `csv` module reads
it as the line split at the delimiter. Such a block of printable ASCII, every line holding the
header's number of cells and something besides blanks, becomes `ByteRows`: the bounds of its
cells as numpy arrays, nothing decoded. Any other quote-free block goes through the `csv`
module, block by block; from the first block with a quote on, the rest of the file does (a
quoted cell may hold line breaks, so lines are no longer rows). Rows come out with the line
numbers the `csv` module gives, and an unreadable file raises the error it raises.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator

import numpy as np
import numpy.typing as npt

from ..errors import TabularError
from .tabular import TabularFile

BLOCK_BYTES = 1 << 18  # a block's bytes: a few thousand rows
# A header, or the part line a block's read leaves after its last line feed, longer than this
# (lines ending in a lone CR, a huge cell): the csv module reads the file from there on.
LONGEST_LEFTOVER = 1 << 16
PADDING = 64  # zero bytes after a block's: a cell's first bytes can be read as a whole window
# Encodings in which an ASCII byte is that ASCII character: the blocks of bytes can be read.
_ASCII_BASED = frozenset({"utf-8", "utf-8-sig", "cp1252", "iso8859-1", "iso8859-15", "ascii"})
_DELIMITERS = frozenset(";,\t|")
# The longest row read as bytes: the csv module refuses a cell past 131,072 characters, so a
# longer line is left to it.
_LONGEST_ROW = 100_000
Cells = list[tuple[int, list[str]]]  # (line number where the row starts, its cells)
Indexes = npt.NDArray[np.intp]


class ByteRows:
    """A block's rows as byte offsets: `starts[i, c]`, `ends[i, c]` bound row i's cell c in
    `buf` (the block's bytes, then `PADDING` zeros), unstripped; `numbers[i]` is the row's
    line number."""

    def __init__(self, data: bytes, first: int, starts: Indexes, ends: Indexes, delimiter: str):
        self.data = data
        self.buf = np.frombuffer(data + bytes(PADDING), dtype=np.uint8)
        self.starts, self.ends, self.delimiter = starts, ends, delimiter
        self.size = len(starts)
        self.numbers = np.arange(first, first + self.size)

    def cells(self, row: int) -> list[str]:
        """The row's cells, as the csv module reads them."""
        line = self.data[int(self.starts[row, 0]) : int(self.ends[row, -1])]
        return line.decode("ascii").split(self.delimiter)


def readable(table: TabularFile) -> bool:
    """Whether the table's blocks of bytes can be read here (else the csv module reads it)."""
    try:
        name = codecs.lookup(table.encoding).name
    except LookupError:
        return False
    return name in _ASCII_BASED and table.delimiter in _DELIMITERS and len(table.columns) > 1


def blocks(table: TabularFile, rows: int) -> Iterator[ByteRows | Cells]:
    """The table's data rows, block by block: `ByteRows` where the block allows, else the
    rows as the csv module reads them (`rows` at a time). Raises `TabularError` as
    `TabularFile.rows` would."""
    size = BLOCK_BYTES
    with table.reading(), table.path.open("rb") as handle:
        header = handle.readline(LONGEST_LEFTOVER)
        start = len(header) if header.endswith(b"\n") else 0
        if not (start and quote_free(header) and readable(table)):
            yield from _chunks(table.numbered_cells(), rows)
            return
        line, rest = 2, b""  # the header is line 1
        while True:
            chunk = handle.read(size)
            data = rest + chunk
            cut = data.rfind(b"\n") + 1 if chunk else len(data)
            block, rest = data[:cut], data[cut:]
            # A line longer than any row is lines ending in a lone CR (Excel for Mac) or a
            # huge cell: kept here, it would be copied again with every block read.
            if (block and not quote_free(block)) or len(rest) > LONGEST_LEFTOVER:
                yield from _chunks(_cells_from(table, start, line), rows)
                return
            part = (parse(block, line, table) or _decoded(table, block, line)) if block else []
            if part:  # not only blank rows
                yield part
            start, line = start + len(block), line + block.count(b"\n")
            if not chunk:
                return


def quote_free(block: bytes) -> bool:
    """No double quote, no NUL, every carriage return before a line feed: a line is a row."""
    return b'"' not in block and b"\0" not in block and block.count(b"\r") == block.count(b"\r\n")


def parse(block: bytes, first: int, table: TabularFile) -> ByteRows | None:
    """The block's rows as `ByteRows`, or None when a line is not printable ASCII, has
    another number of cells than the header, is blank or very long."""
    delimiter = ord(table.delimiter)
    if not block.isascii() or b"\x7f" in block:
        return None
    data = block if block.endswith(b"\n") else block + b"\n"
    buf = np.frombuffer(data, dtype=np.uint8)
    breaks = np.flatnonzero(buf == 10)
    controls = int(np.count_nonzero(buf < 32))
    allowed = len(breaks) + data.count(b"\r") + (data.count(b"\t") if delimiter == 9 else 0)
    if controls != allowed:
        return None
    columns = len(table.columns)
    separators = np.flatnonzero(buf == delimiter)
    if len(separators) != len(breaks) * (columns - 1):
        return None
    starts_of_lines = np.concatenate(([0], breaks[:-1] + 1))
    per_line = np.bincount(np.searchsorted(breaks, separators), minlength=len(breaks))
    if (per_line != columns - 1).any() or int((breaks - starts_of_lines).max()) > _LONGEST_ROW:
        return None
    filled = (buf > 32) & (buf != delimiter)  # a byte that is neither blank nor a delimiter
    if not np.add.reduceat(filled, starts_of_lines).all():
        return None  # a blank row: the csv path skips it
    starts = np.empty((len(breaks), columns), dtype=np.intp)
    ends = np.empty_like(starts)
    cuts = separators.reshape(len(breaks), columns - 1)
    starts[:, 0], starts[:, 1:] = starts_of_lines, cuts + 1
    ends[:, :-1], ends[:, -1] = cuts, breaks - (buf[breaks - 1] == 13)
    return ByteRows(data, first, starts, ends, table.delimiter)


def _decoded(table: TabularFile, block: bytes, first: int) -> Cells:
    """A quote-free block that is not `ByteRows`, through the csv module."""
    encoding = _text_encoding(table)
    try:
        text = block.decode(encoding)
    except UnicodeDecodeError:
        raise first_error(table) from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=table.delimiter)
    try:
        return list(table.cells_of(reader, first - 1, header=False))
    except csv.Error:
        raise first_error(table) from None


def _cells_from(table: TabularFile, offset: int, first: int) -> Iterator[tuple[int, list[str]]]:
    """The rows from byte `offset` (a row's start, on line `first`) to the end."""
    encoding = _text_encoding(table)
    with table.reading(), table.path.open("rb") as raw:
        raw.seek(offset)
        handle = io.TextIOWrapper(raw, encoding=encoding, newline="")
        reader = csv.reader(handle, delimiter=table.delimiter)
        try:
            yield from table.cells_of(reader, first - 1, header=False)
        except (UnicodeDecodeError, csv.Error):
            raise first_error(table) from None


def _text_encoding(table: TabularFile) -> str:
    """The encoding of text past the file's start (a BOM is only at its start)."""
    return "utf-8" if codecs.lookup(table.encoding).name == "utf-8-sig" else table.encoding


def first_error(table: TabularFile) -> TabularError:
    """The error the csv module's reading of the whole file stops at, worded as it words
    it (line numbers included): the file is read again from its start."""
    try:
        for _ in table.numbered_cells():
            pass
    except TabularError as exc:
        return exc
    return TabularError(f"{table.name}: unreadable")  # pragma: no cover - read twice alike


def _chunks(rows: Iterator[tuple[int, list[str]]], size: int) -> Iterator[Cells]:
    block: Cells = []
    for row in rows:
        block.append(row)
        if len(block) == size:
            yield block
            block = []
    if block:
        yield block
