"""The fast engine: the streaming validation, with what a block proves clean spared the
line-by-line rules.

TRA lines have a fixed width, so a block of 222-column entry lines with one ending is a grid
(`tra.scan.is_grid`); held as a numpy array, each field is a column. Two proofs run on it, and
neither words a finding: gridrows.py finds the rows no per-line field rule can report,
gridpieces.py the pièces the cross-line families (pièces, analytics, dossier) would not report
either. A proved pièce is only closed, by the pièce rules themselves, and counted in the
totals; a row not proved goes through `ValidationPass._line`, a proved row of a pièce not
proved through `ValidationPass.cross_line`, exactly as in the reference engine, in file order,
and every finding comes from there. Lines 1 to the end of the first read, and every block that
is not a grid (LF/CRLF mixtures, short or long lines, ETE files, parameter records, non-ASCII
or control bytes), go line by line through the reference code. numpy is imported with the
first grid block.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

from ..tra import layout
from ..tra.lines import FIRST_BLOCK, DecodedLine, DecodedLines, LineDecoder, not_text
from ..tra.scan import is_text_grid
from ..tra.values import parse_date
from .configuration import ValidationConfig
from .findings import Recorder, Report
from .fingerprints import FINGERPRINTS
from .pieces import CONTENT_MASK, Piece
from .streaming import ValidationPass, entry_fields

if TYPE_CHECKING:
    from .gridclosing import BlockClosing
    from .gridextended import ExtendedProof
    from .gridpieces import BlockPlan, PieceProof
    from .gridrows import Grid, RowProof

FIRST_READ = 64 << 10  # read by the reference path: the header and the first lines
BLOCK_LINES = 16_384  # a grid block's rows: small enough to stay in the CPU cache
_WIDTH = layout.STD_WIDTH
_MOST_BYTES = 8 << 20  # a block's bytes at most: the buffer holds two
_LONGEST = max(layout.ETE_GENERAL.end, layout.ETE_ANALYTIC.end)  # an ETE line's columns


class FastPass(ValidationPass):
    """A `ValidationPass` that reads grid blocks as arrays and feeds the rules only the rows
    and pièces it cannot prove clean."""

    def __init__(
        self, path: str, config: ValidationConfig, decoder: LineDecoder, max_findings: int
    ) -> None:
        super().__init__(path, config, decoder, max_findings)
        self._proofs: tuple[RowProof, PieceProof] | None = None  # with the first grid block
        self._ete_proof: ExtendedProof | None = None  # with the first grid block of ETE lines
        self.recorder = Recorder(config)
        self._dates: dict[str, dt.date | None] = {}
        self.pieces.keys = FINGERPRINTS  # the traces' keys as the blocks make them (numpy)
        # Block sizes: attributes so that a test can put block boundaries anywhere.
        self.first_read, self.block_lines = FIRST_READ, BLOCK_LINES
        self.grid_rows = 0  # entry lines read as grid rows
        self.proved_rows = 0  # of them, those the per-line rules were spared
        self.proved_pieces = 0  # pièces closed without feeding their lines to the families

    def run(self, stream: IO[bytes]) -> Report:
        # The reference's first look (DecodedLines): what it refuses, or a short first read
        # (a small file, a slow pipe), is the reference's to read, with the same first look.
        head = getattr(stream, "read1", stream.read)(FIRST_BLOCK)
        if len(head) < FIRST_BLOCK or not_text(head, self.decoder.encoding) is not None:
            return super().run(_replay(head, stream))
        wanted = max(self.first_read, FIRST_BLOCK)
        first = head + _read_up_to(stream, wanted - len(head))
        end = first.rfind(b"\n") + 1 if len(first) == wanted else len(first)
        if end < FIRST_BLOCK:
            # No line break early on: whatever this is, the reference reads it.
            return super().run(_replay(first, stream))
        lines = DecodedLines(io.BytesIO(first[:end]), self.decoder)
        self.consume(lines, lines)
        # `block_lines` lines of the file's width: an ETE line is 4 to 6 STD lines, and a
        # block's fixed costs (hundreds of numpy calls) are paid per block, whatever its rows.
        size = min(max(self.block_lines, 1) * self._line_bytes(first[:end]), _MOST_BYTES)
        for block in _blocks(stream, size, first[end:]):
            self._block(lines, block)
            if lines.stopped:
                break
        return self.finish(lines)

    def _line_bytes(self, read: bytes) -> int:
        """A grid line's bytes: a STD line's, or in an ETE file the last line `read` had (whole
        lines), at most the longest ETE line's."""
        if not self.is_extended:
            return _WIDTH + 2
        last = len(read) - 1 - read.rfind(b"\n", 0, len(read) - 1)
        return min(max(last, _WIDTH + 2), _LONGEST + 2)

    def _block(self, lines: DecodedLines, block: memoryview) -> None:
        stride = _stride(block)
        # ETE lines wider than a STD line: their columns 1-222 are a STD grid.
        width = _line_width(block, stride) if self.is_extended else _WIDTH
        if (self.is_extended and width <= _WIDTH) or not is_text_grid(block, stride, width):
            self.consume(lines, lines.more(bytes(block)))
            return
        from .gridrows import as_grid  # numpy: only once a block is a grid

        rows_proof, pieces_proof = self._grid_proofs()
        grid = as_grid(block, stride)
        first = lines.count + 1
        lines.counted(len(grid), len(block), b"\r\n" if stride == width + 2 else b"\n")
        clean = rows_proof.clean_rows(grid, self.version)
        if width > _WIDTH:
            clean &= self._extended_proof().clean_rows(block, stride, width, self.version)
        text = str(block, "ascii")
        plan = pieces_proof.plan(grid, clean)
        shares = _line_contents(grid, plan)
        proved = clean.tolist()
        self.grid_rows += len(grid)
        self.proved_rows += int(clean.sum())
        from .gridclosing import BlockClosing

        closing = BlockClosing(plan, self.pieces, first)

        def feed(index: int) -> None:
            rows = range(plan.starts[index], plan.ends[index])
            self._feed(lines, first, text, (stride, width), (proved, shares), rows)

        closing.close(feed, lambda index: self._close_proved(plan, first, index), self._close_open)
        self._count(closing)

    def _feed(
        self,
        lines: DecodedLines,
        first: int,
        text: str,
        shape: tuple[int, int],
        rows_known: tuple[list[bool], dict[int, int]],
        rows: range,
    ) -> None:
        """A pièce's lines, one by one: through the cross-line families only if proved (with
        their content hash's share when `_line_contents` computed it)."""
        stride, width = shape  # bytes from a line to the next, columns of a line
        proved, shares = rows_known
        for index in rows:
            start = index * stride
            line = text[start : start + width]
            if proved[index]:
                content = shares.get(index)
                self.cross_line(first + index, line, entry_fields(line), content=content)
            else:
                self._line(lines, DecodedLine(first + index, line, ()))

    def _close_open(self) -> None:
        self.pieces.close_open()
        self.analytics.close_open()

    def _count(self, closing: BlockClosing) -> None:
        """Count the pièces closed without their lines: their money, their lines by journal,
        and their dates' range."""
        pieces, debit, credit, journals = closing.totals()
        self.proved_pieces += pieces
        self.pieces.debit += debit
        self.pieces.credit += credit
        totals = self.report.totals
        for journal, count, first_date, last_date in journals:
            totals.count_line(journal, self._date(first_date), count)
            totals.count_line(journal, self._date(last_date), 0)  # the date range only

    def _date(self, raw: str) -> dt.date | None:
        if raw not in self._dates:
            self._dates[raw] = parse_date(raw)
        return self._dates[raw]

    def _extended_proof(self) -> ExtendedProof:
        if self._ete_proof is None:
            from .gridextended import ExtendedProof

            self._ete_proof = ExtendedProof(self.config)
        return self._ete_proof

    def _grid_proofs(self) -> tuple[RowProof, PieceProof]:
        if self._proofs is None:
            from .gridpieces import PieceProof
            from .gridrows import RowProof
            from .tiers import KeyTiers

            for trace in self.pieces.traces():
                trace.tiers = KeyTiers()
            rows = RowProof(self.config)
            self._proofs = rows, PieceProof(self.config, self.dossier, rows)
        return self._proofs

    def _close_proved(self, plan: BlockPlan, first: int, index: int) -> bool:
        """Close the pièce in progress, then the proved one if its closing reports nothing.
        False: its lines must go through the families after all."""
        self._close_open()
        line = first + int(plan.starts[index])
        content = int(plan.contents[index]) & CONTENT_MASK
        piece = Piece(plan.key(index), line, "", "", "", "", content=content)
        return self.pieces.close_quietly(piece, self.recorder)


def _line_contents(grid: Grid, plan: BlockPlan) -> dict[int, int]:
    """Each row's share of its pièce's content hash (`fingerprints.line_content` of its raw
    columns' text in `pieces.CONTENT_FIELDS` order), for the rows of the pièces not proved, which go
    to the pièce rules line by line: numpy hashes them for the whole block at once, about a
    tenth of what hashing each line's text in Python costs."""
    import numpy as np

    from .gridhashes import row_contents

    fed = np.flatnonzero(np.repeat(~plan.proved, plan.ends - plan.starts))
    if not len(fed):
        return {}
    return dict(zip(fed.tolist(), row_contents(grid[fed]).tolist(), strict=True))


def _read_up_to(stream: IO[bytes], size: int) -> bytes:
    """`size` bytes, fewer only at the end: a pipe or a raw stream may give fewer a read, and
    a short first read taken for the end would cut a line in two."""
    chunks, wanted = [], size
    while wanted > 0 and (chunk := stream.read(wanted)):
        chunks.append(chunk)
        wanted -= len(chunk)
    return b"".join(chunks)


def _blocks(stream: IO[bytes], size: int, rest: bytes) -> Iterator[memoryview]:
    """The whole lines of `stream` after `rest` (already read off it), about `size` bytes at a
    time, the last line without a line break only at the end. They are read into one buffer,
    reused: a block is only valid until the next one is read. Where a block does not end at
    a line break (LF-only lines, ETE lines), the bytes after its last one move to the front;
    nothing else is copied."""
    buffer, filled = bytearray(rest) + bytearray(2 * size), len(rest)
    readinto = getattr(stream, "readinto", None)
    while True:
        # A block of `size` bytes from a line's start: on a CRLF grid it ends at a line
        # break. (A line longer than half a block reads whole blocks: never a few bytes at a
        # time.)
        want = size - filled if filled < size // 2 else size
        if filled + want > len(buffer):  # a line longer than the buffer: a bigger buffer
            buffer = buffer[:filled] + bytearray(want)
        space = memoryview(buffer)[filled : filled + want]
        if readinto is not None:
            got = readinto(space) or 0
        else:
            chunk = stream.read(want)
            space[: len(chunk)] = chunk
            got = len(chunk)
        total = filled + got
        cut = buffer.rfind(b"\n", 0, total) + 1 if got else total
        if cut:
            yield memoryview(buffer)[:cut]
        buffer[: total - cut] = buffer[cut:total]  # the same length: the buffer stays put
        filled = total - cut
        if not got:
            return


def _stride(block: memoryview) -> int:
    """Bytes from the block's first line to its second (its length when it has one line)."""
    # A grid's first line, STD or ETE, ends within the longest ETE line: the whole block is
    # copied only when it does not (copying it for every ETE block cost more than its proof).
    found = bytes(block[: _LONGEST + 2]).find(b"\n")
    if found < 0:
        found = bytes(block).find(b"\n")
    return found + 1


def _line_width(block: memoryview, stride: int) -> int:
    """The width of the block's first line, its ending left out."""
    return stride - 2 if stride >= 2 and block[stride - 2] == ord("\r") else stride - 1


def _replay(head: bytes, stream: IO[bytes]) -> IO[bytes]:
    """`stream` with `head`, already read off it, put back in front."""
    return io.BufferedReader(_Replayed(head, stream))


class _Replayed(io.RawIOBase):
    def __init__(self, head: bytes, stream: IO[bytes]) -> None:
        self.head, self.stream = head, stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.head[: len(buffer)] or self.stream.read(len(buffer))
        self.head = self.head[len(data) :] if self.head else b""
        buffer[: len(data)] = data
        return len(data)
