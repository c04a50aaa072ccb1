"""The fast path for bulk work: the raw fields of every entry line, as bytes, in bulk.

`tratool.read` decodes each line, types every field into an `Entry` and records each problem
with its column — about 20 µs a line. Code that only needs a few fields of a million lines
(totals by account, loading a database) pays for all of that. `scan` does the least that is
still a parse: it cuts each entry line into its standard fields (columns 1–222) and yields
them as bytes, untyped and undecoded, and it skips headers, parameter records, G/P/B lines
and blank lines exactly as the reader does.

Why it is fast: TRA lines are fixed-width, so a block of lines that all have the same length
is a grid. `struct.Struct.iter_unpack` cuts such a block into fields in C, one tuple per line;
the checks that prove a block is such a grid (every line ends where it should, none is
anything but an entry line) are strided slices of the block, also in C. Blocks that are not a
clean grid — the header, ETE lines, LF/CRLF mixtures, short lines, parameter records — go
through a per-line path that gives the same result. Memory is one block (``buffer_size``).

`fields` may also name ETE fields (columns 223 on). Their columns depend on the line type, as
in the reader: general lines use the general table, ``A`` and ``O`` lines the analytic one,
and a field the line's table does not have (``lettering_state`` on an ``A`` line,
``analytic_line_number`` on a general line) yields ``b""``. Such scans cut line by line.

Values are Windows-1252 bytes, padded as in the file: ``row[i].decode("cp1252").strip()``
gives the text. `scan` does not diagnose anything; use `tratool.read` or `tratool.validate`
for that (a UTF-8 file, for one, is cut at byte offsets here).
"""

from __future__ import annotations

import itertools
import operator
import struct
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO

from . import layout
from .lines import UTF8_BOM, LineKind, Source, classify, open_source

FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in layout.ENTRY.fields)
ETE_FIELD_NAMES: frozenset[str] = frozenset(layout.ETE_GENERAL.names) | frozenset(
    layout.ETE_ANALYTIC.names
)

_WIDTH = layout.STD_WIDTH
_LINE_TYPE = layout.LINE_TYPE.start  # 0-based
# A line whose first byte is none of these is neither blank nor a parameter record, so a
# block can be proved to hold entry lines only by looking at one column (lines.classify).
_UNSURE_FIRST_BYTES = b" \t" + bytes({ord(p[0]) for p in layout.PARAMETER_PREFIXES})
_NOT_ENTRY_TYPES = "".join(sorted(layout.SPECIAL_LINE_TYPES)).encode("ascii")


# The raw bytes of the fields asked for, of one entry line, in the order asked for.
FieldBytes = tuple[bytes, ...]


def scan(
    source: Source,
    fields: Sequence[str] | None = None,
    *,
    buffer_size: int = 4 << 20,
) -> Iterator[FieldBytes]:
    """Yield, for each entry line of a TRA file, the raw bytes of `fields` (default: all
    standard fields, in `FIELD_NAMES` order) in the order asked for.

    Raises `KeyError` for an unknown field name and `UnreadableInput` when the file cannot be
    opened. A stream passed as `source` is read, not closed.
    """
    cut = _Cutter(fields)
    _, stream, owned = open_source(source)
    # Blocks are iterators of rows; chaining them in C keeps Python frames out of the loop
    # over rows, which would otherwise cost as much as the cutting itself.
    return itertools.chain.from_iterable(_blocks(stream, owned, cut, max(buffer_size, 2 * _WIDTH)))


class _Cutter:
    """Cuts lines into the selected fields, for a grid block or one line at a time."""

    def __init__(self, fields: Sequence[str] | None) -> None:
        names = list(FIELD_NAMES if fields is None else fields)
        self.extended = _ExtendedCutter(names) if ETE_FIELD_NAMES.intersection(names) else None
        if self.extended is not None:
            names = [n for n in names if n not in ETE_FIELD_NAMES] or [FIELD_NAMES[0]]
        chosen = sorted({layout.ENTRY.field(n) for n in names}, key=lambda f: f.start)
        code, position = ["<"], 0
        for f in chosen:
            code.append(f"{f.start - position}x{f.width}s" if f.start > position else f"{f.width}s")
            position = f.end
        self.line = struct.Struct("".join(code) + f"{_WIDTH - position}x")
        # struct yields fields in file order; put them back in the order asked for.
        index = [next(i for i, f in enumerate(chosen) if f.name == n) for n in names]
        self.reorder: Callable[[FieldBytes], FieldBytes] | None = None
        if index != list(range(len(chosen))):  # never true for a single field
            self.reorder = operator.itemgetter(*index)
        self._grids: dict[int, struct.Struct] = {}

    def grid(self, block: bytes, stride: int) -> Iterator[FieldBytes]:
        """A block of lines of exactly 222 bytes plus `stride` - 222 bytes of line ending."""
        unpack = self._grids.get(stride)
        if unpack is None:
            unpack = self._grids[stride] = struct.Struct(self.line.format + f"{stride - _WIDTH}x")
        rows = unpack.iter_unpack(block)
        return map(self.reorder, rows) if self.reorder else rows

    def one(self, data: bytes) -> FieldBytes:
        if self.extended is not None:
            return self.extended.one(data)
        if len(data) != _WIDTH:
            data = data[:_WIDTH].ljust(_WIDTH)
        row = self.line.unpack(data)
        return self.reorder(row) if self.reorder else row


class _ExtendedCutter:
    """Cuts standard and ETE fields one line at a time, the ETE ones from the table the line
    type chooses (`layout.ete_layout`)."""

    def __init__(self, names: Sequence[str]) -> None:
        self.slices: list[tuple[slice | None, slice | None]] = []  # (general, analytic)
        for name in names:
            if name not in FIELD_NAMES and name not in ETE_FIELD_NAMES:
                raise KeyError(f"no entry field {name!r}")
            self.slices.append(
                (_slice(name, layout.ETE_GENERAL), _slice(name, layout.ETE_ANALYTIC))
            )

    def one(self, data: bytes) -> FieldBytes:
        line_type = layout.cut(data.decode("latin-1"), layout.LINE_TYPE)
        analytic = layout.ete_layout(line_type) is layout.ETE_ANALYTIC
        row = []
        for general, in_analytic in self.slices:
            where = in_analytic if analytic else general
            if where is None:
                row.append(b"")
            else:
                row.append(data[where].ljust(where.stop - where.start))
        return tuple(row)


def _slice(name: str, ete: layout.Layout) -> slice | None:
    """Where a field is on a line whose ETE part follows `ete`, or None if it has none."""
    for lay in (layout.ENTRY, ete):
        if name in lay.names:
            f = lay.field(name)
            return slice(f.start, f.end)
    return None


def _blocks(
    stream: IO[bytes], owned: bool, cut: _Cutter, size: int
) -> Iterator[Iterable[FieldBytes]]:
    try:
        yield from _read(stream, cut, size)
    finally:
        if owned:
            stream.close()


def _read(stream: IO[bytes], cut: _Cutter, size: int) -> Iterator[Iterable[FieldBytes]]:
    first = stream.readline()
    if first.startswith(UTF8_BOM):
        first = first[len(UTF8_BOM) :]
    data = first[:-1] if first.endswith(b"\n") else first
    data = data[:-1] if data.endswith(b"\r") and first.endswith(b"\n") else data
    if first and _is_entry(data, 1):
        yield (cut.one(data),)
    rest = b""
    # Reading whole CRLF lines at a time means a grid block is used as read, never copied.
    size = max(size // (_WIDTH + 2), 1) * (_WIDTH + 2)
    while True:
        chunk = stream.read(size)
        if not chunk:
            break
        block = rest + chunk
        end = block.rfind(b"\n") + 1
        block, rest = block[:end], block[end:]
        if block:
            yield _block(block, cut)
    if rest:
        yield _block(rest, cut)


def _block(block: bytes, cut: _Cutter) -> Iterable[FieldBytes]:
    """The rows of a block of lines after line 1 (its last line may lack a line break)."""
    stride = block.find(b"\n") + 1
    if cut.extended is None and is_grid(block, stride):
        return cut.grid(block, stride)
    return _one_by_one(block, cut)


def is_grid(block: bytes, stride: int, width: int = _WIDTH) -> bool:
    """Whether every line of the block is an entry line of `width` columns (222: STD) with
    the same ending."""
    if not _entry_rows(block, stride, width):
        return False
    # No line break inside a record. (replace finds b"\n" with memchr, count does not: the
    # copy is cheaper than counting, 0.05 s against 0.09 s for 224 MB.)
    return len(block) - len(block.replace(b"\n", b"")) == len(block) // stride


def _entry_rows(block: bytes | memoryview, stride: int, width: int) -> bool:
    """`is_grid` but for line breaks inside the records: every `stride` bytes a line ending
    of the one kind, and no line whose first byte or line type makes it other than an entry
    line."""
    if stride not in (width + 1, width + 2) or len(block) % stride:
        return False
    lines = len(block) // stride
    if _every(block, stride - 1, stride) != b"\n" * lines:
        return False
    # CRLF: the CR is the line's ending. LF: a CR there would be taken as one, so no grid.
    carriage = _every(block, stride - 2, stride)
    crlf = stride == width + 2
    if (crlf and carriage != b"\r" * lines) or (not crlf and b"\r" in carriage):
        return False
    starts = _every(block, 0, stride)
    if len(starts.translate(None, _UNSURE_FIRST_BYTES)) != lines:
        return False
    types = _every(block, _LINE_TYPE, stride)
    return len(types.translate(None, _NOT_ENTRY_TYPES)) == lines


def _every(block: bytes | memoryview, start: int, stride: int) -> bytes:
    """The block's bytes `start`, `start + stride`… (numpy copies a memoryview's in C;
    `bytes` of a strided memoryview takes 17 times as long)."""
    if isinstance(block, bytes):
        return block[start::stride]
    import numpy as np

    taken: bytes = np.frombuffer(block, dtype=np.uint8)[start::stride].tobytes()
    return taken


def is_text_grid(block: bytes | memoryview, stride: int, width: int = _WIDTH) -> bool:
    """A grid of entry lines (`is_grid`) in pure ASCII with no control byte but its line
    endings: no line of it can have an encoding problem."""
    if not _entry_rows(block, stride, width):
        return False
    # Its callers read the grid with numpy next. Two passes of it tell the rest: the largest
    # byte of the block, endings included, below DEL (ASCII, no DEL), and the smallest of the
    # lines' columns a space at least (no control byte, so no line break inside a record
    # either: what `is_grid` copies the block to find, and `isascii` reads it again for).
    import numpy as np

    data = np.frombuffer(block, dtype=np.uint8)
    if len(data) and int(data.max()) >= 127:
        return False
    return bool(data.reshape(-1, stride)[:, :width].min(initial=32) >= 32)


def _one_by_one(block: bytes, cut: _Cutter) -> Iterator[FieldBytes]:
    lines = block.split(b"\n")
    last = lines.pop()  # b"" after a final line break, else a last line without one
    for line in lines:
        data = line[:-1] if line.endswith(b"\r") else line
        if _is_entry(data, 2):
            yield cut.one(data)
    if last and _is_entry(last, 2):
        yield cut.one(last)


def _is_entry(data: bytes, number: int) -> bool:
    """What the reader and the validator call an entry line. Latin-1 maps each byte to one
    character, so classify's columns are byte columns; `number` only tells line 1 apart."""
    return classify(number, data.decode("latin-1")) is LineKind.ENTRY
