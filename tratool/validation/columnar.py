"""The fast engine: the streaming validation, with what a block proves clean spared the
line-by-line rules.

TRA lines have a fixed width, so a block of 222-column entry lines with one ending is a grid
(`tra.scan.is_grid`); held as a numpy array, each field is a column. Two proofs run on it, and
neither words a finding: gridrows.py finds the rows no per-line field rule can report,
gridpieces.py the pièces the cross-line families (pièces, analytics, dossier) would not report
either. A proved pièce is only closed, by the pièce rules themselves, and counted in the totals
(its rows reported only by the rules that read a line alone, gridrows.LINE_ONLY, then go through
those rules: `_close_proved`); in a pièce not proved, a row not proved goes through
`ValidationPass._line`, a proved row of a pièce not proved through `ValidationPass.cross_line`,
exactly as in the reference engine, in file order, and every finding comes from there. A file
shorter than 64 KiB, the lines of a longer one's first 8 KiB, and every block that is not a grid
(LF/CRLF mixtures, short or long lines, ETE files, parameter records, non-ASCII or control
bytes) go line by line through the reference code. numpy is imported with the first grid
block.

Each block goes through two stages: the first (`_prepare`: the grid check and the proofs that
read only the block and the configuration, gridblocks.py) may run in a worker thread one block
ahead (`pipelined`), while the second (`_take`: the dossier's answers, the closing, the lines
fed, in file order) takes the block before.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import IO, TYPE_CHECKING, Any

import attrs

from .._system import usable_cores
from ..tra import layout
from ..tra.lines import FIRST_BLOCK, DecodedLine, DecodedLines, LineDecoder, not_text
from ..tra.scan import is_text_grid
from ..tra.values import parse_date
from .configuration import ValidationConfig
from .findings import Recorder, Report
from .fingerprints import FINGERPRINTS
from .pieces import CONTENT_MASK, Piece
from .streaming import LineRead, ValidationPass, entry_fields

if TYPE_CHECKING:
    from .gridblocks import BlockProver, ProvedBlock
    from .gridclosing import BlockClosing
    from .gridpieces import BlockPlan, DossierProof
    from .gridrows import Grid, Mask

FIRST_READ = 64 << 10  # a file shorter than this is read whole by the reference path
FIRST_LINES = 8 << 10  # of a longer one, the reference reads the header and these bytes' lines
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
        self._prover: BlockProver | None = None  # the first stage's, with the first block
        self._dossier_proof: DossierProof | None = None  # with the first grid block
        self.recorder = Recorder(config)
        self._dates: dict[str, dt.date | None] = {}
        self.pieces.keys = FINGERPRINTS  # the traces' keys as the blocks make them (numpy)
        # Block sizes: attributes so that a test can put block boundaries anywhere.
        self.first_read, self.block_lines = FIRST_READ, BLOCK_LINES
        self.first_lines = FIRST_LINES
        # A block's first stage in a worker thread one block ahead (`_pipelined`): True or
        # False, always or never (the tests run both ways); None, by the file, with a second
        # core: on for ETE files, whose wide rows' proof runs mostly inside numpy's loops,
        # where the GIL is free; off for STD files, whose two stages hold it nearly all their
        # time, so that the threads only took turns (docs/performance.md, "The pipeline").
        self.pipelined: bool | None = None
        self.grid_rows = 0  # entry lines read as grid rows
        self.proved_rows = 0  # of them, those the per-line rules were spared
        self.proved_pieces = 0  # pièces closed without feeding their lines to the families
        # A row whose own rules `_close_proved` ran, and what they read, for `_feed`.
        self._ruled: tuple[int, LineRead] | None = None

    def run(self, stream: IO[bytes]) -> Report:
        # The reference's first look (DecodedLines): what it refuses, or a short first read
        # (a small file, a slow pipe), is the reference's to read, with the same first look.
        head = getattr(stream, "read1", stream.read)(FIRST_BLOCK)
        if len(head) < FIRST_BLOCK or not_text(head, self.decoder.encoding) is not None:
            return super().run(_replay(head, stream))
        wanted = max(self.first_read, FIRST_BLOCK)
        first = head + _read_up_to(stream, wanted - len(head))
        end = self._reference_end(first, whole=len(first) < wanted)
        if end < FIRST_BLOCK:
            # No line break early on: whatever this is, the reference reads it.
            return super().run(_replay(first, stream))
        lines = DecodedLines(io.BytesIO(first[:end]), self.decoder)
        self.consume(lines, lines)
        if lines.stopped:  # line 1 said the file is not text (UTF-16): nothing more is read
            return self.finish(lines)
        # `block_lines` lines of the file's width: an ETE line is 4 to 6 STD lines, and a
        # block's fixed costs (hundreds of numpy calls) are paid per block, whatever its rows.
        size = min(max(self.block_lines, 1) * self._line_bytes(first[:end]), _MOST_BYTES)
        if not self._worker_pays():
            self._one_by_one(lines, _blocks(stream, size, first[end:], 1))
        else:  # (the thread starts with the first block: none for a file read whole already)
            with ThreadPoolExecutor(1, thread_name_prefix="tratool-proof") as worker:
                self._pipelined(lines, _blocks(stream, size, first[end:], 2), worker)
        return self.finish(lines)

    def _reference_end(self, first: bytes, whole: bool) -> int:
        """Where the reference's share of the first read ends: a file the read holds `whole`
        is all the reference's (numpy is never imported for it); of a longer one, the lines
        of the first `first_lines` bytes (the header, the first look), the rest going to the
        blocks: line by line, the rule code's answers still cold, the first 64 KiB took 15 ms.
        (Without a line break there after the first look: up to the read's last one.)"""
        if whole:
            return len(first)
        end = first.rfind(b"\n", 0, max(self.first_lines, FIRST_BLOCK)) + 1
        return end if end >= FIRST_BLOCK else first.rfind(b"\n") + 1

    def _worker_pays(self) -> bool:
        if self.pipelined is not None:
            return self.pipelined
        return self.is_extended and usable_cores() > 1

    def _line_bytes(self, read: bytes) -> int:
        """A grid line's bytes: a STD line's, or in an ETE file the last line `read` had (whole
        lines), at most the longest ETE line's."""
        if not self.is_extended:
            return _WIDTH + 2
        last = len(read) - 1 - read.rfind(b"\n", 0, len(read) - 1)
        return min(max(last, _WIDTH + 2), _LONGEST + 2)

    def _one_by_one(self, lines: DecodedLines, blocks: Iterator[memoryview]) -> None:
        """Each block through both stages as soon as it is read."""
        for block in blocks:
            self._take(lines, self._prepare(block, self.version, self.is_extended), None)
            if lines.stopped:
                return

    def _pipelined(self, lines: DecodedLines, blocks: Iterator[memoryview], worker: Pool) -> None:
        """Each block through both stages, in file order, a block's first stage (`_prepare`:
        what the block alone tells) in the `worker` while this thread takes the block before
        through the second (`_take`: what depends on the lines before it)."""
        pending: Job | None = None
        for block in blocks:  # (valid until two more are read)
            job = self._first_stage(block, worker)
            if pending is not None:
                self._take(lines, pending(), worker)
                if lines.stopped:
                    return
            pending = job
        if pending is not None:
            self._take(lines, pending(), worker)

    def _first_stage(self, block: memoryview, worker: Pool) -> Job:
        """The block's first stage: submitted to the worker now, or run when taken."""
        if worker is None:
            return lambda: self._prepare(block, self.version, self.is_extended)
        return worker.submit(self._prepare, block, self.version, self.is_extended).result

    def _prepare(self, block: memoryview, version: str, extended: bool) -> Prepared:
        """The first stage: whether the block is a grid of this file's lines (as the header
        read so far describes them) and, if so, its block-local proofs. It reads nothing the
        streaming pass changes: only the block, the configuration and `self._prover`, which
        one thread uses at a time (the worker's jobs run one after the other)."""
        stride = _stride(block)
        # ETE lines wider than a STD line: their columns 1-222 are a STD grid.
        width = _line_width(block, stride) if extended else _WIDTH
        if (extended and width <= _WIDTH) or not is_text_grid(block, stride, width):
            return Prepared(block, (version, extended), None)
        if self._prover is None:
            from .gridblocks import BlockProver  # numpy: only once a block is a grid

            self._prover = BlockProver(self.config)
        proof = self._prover.prove(block, stride, width, version)
        return Prepared(block, (version, extended), proof)

    def _take(self, lines: DecodedLines, prepared: Prepared, worker: Pool) -> None:
        """The second stage, in file order: a header line read since the first stage ran (a
        new version, or ETE) makes it run again first, with what the header says now."""
        if prepared.assumed != (self.version, self.is_extended):
            prepared = self._first_stage(prepared.block, worker)()
        if prepared.proof is None:
            self.consume(lines, lines.more(bytes(prepared.block)))
        else:
            self._grid_block(lines, prepared.block, prepared.proof)

    def _grid_block(self, lines: DecodedLines, block: memoryview, proof: ProvedBlock) -> None:
        grid = proof.grid
        first = lines.count + 1
        ending = b"\r\n" if proof.stride == proof.width + 2 else b"\n"
        lines.counted(len(grid), len(block), ending)
        plan = self._dossier().plan(proof.draft)
        rows = BlockRows(first, block, proof, _line_contents(grid, plan))
        self.grid_rows += len(grid)
        self.proved_rows += int(proof.clean.sum())
        from .gridclosing import BlockClosing

        # A proved pièce with rows that only the rules reading a line alone report is closed
        # by itself (`_close_proved`), which then runs those rules on those rows.
        closing = BlockClosing(plan, self.pieces, first, _holding_reported(plan, proof.clean))
        closing.close(
            lambda index: self._feed(lines, rows, plan.rows(index)),
            lambda index: self._close_proved(plan, rows, index),
            self._close_open,
        )
        self._count(closing)

    def _feed(self, lines: DecodedLines, rows: BlockRows, piece: range) -> None:
        """A pièce's lines, one by one: through the cross-line families only if proved (with
        their content hash's share when `_line_contents` computed it) or if `_close_proved`
        ran the line's own rules already; through all the rules otherwise."""
        ruled, self._ruled = self._ruled, None
        for index, proved in zip(
            piece, rows.proof.clean[piece.start : piece.stop].tolist(), strict=True
        ):
            line, number = rows.text(index), rows.first + index
            if proved:
                self.cross_line(number, line, entry_fields(line), content=rows.shares.get(index))
            elif ruled is not None and ruled[0] == index:
                self.cross_line(number, line, *ruled[1])
            else:
                self._line(lines, DecodedLine(number, line, ()))

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

    def _dossier(self) -> DossierProof:
        """The pièce proof's questions to the streaming pass's dossier rules; with the first
        grid block, the traces get their memory tiers (sorted arrays)."""
        if self._dossier_proof is None:
            from .gridpieces import DossierProof
            from .tiers import KeyTiers

            for trace in self.pieces.traces():
                trace.tiers = KeyTiers()
            self._dossier_proof = DossierProof(self.dossier)
        return self._dossier_proof

    def _close_proved(self, plan: BlockPlan, rows: BlockRows, index: int) -> bool:
        """Close the pièce in progress, then the proved one if its closing reports nothing,
        and run the rules that read a line alone on its rows not proved clean. False: its
        lines must go through the families after all. A first row not proved clean is read
        by those rules first: the reference does so before it closes the pièce before."""
        piece = plan.rows(index)
        if not rows.proof.clean[piece.start]:
            self._ruled = piece.start, self._line_rules(rows, piece.start)  # for `_feed`
        self._close_open()
        content = int(plan.contents[index]) & CONTENT_MASK
        head = Piece(plan.key(index), rows.first + piece.start, "", "", "", "", content=content)
        if not self.pieces.close_quietly(head, self.recorder):
            return False
        self._ruled = None
        for row, proved in zip(
            piece[1:], rows.proof.clean[piece.start + 1 : piece.stop].tolist(), strict=True
        ):
            if not proved:
                self._line_rules(rows, row)
        return True

    def _line_rules(self, rows: BlockRows, index: int) -> LineRead:
        line = rows.text(index)
        line_type = line[layout.LINE_TYPE_SLICE].strip()
        number = rows.first + index
        return self.line_rules(number, line, line_type, self.is_extended, self.version)


@attrs.frozen(eq=False)
class BlockRows:
    """A grid block's rows as the second stage reads them: row 0 is line `first`."""

    first: int
    block: memoryview
    proof: ProvedBlock
    shares: dict[int, int]  # rows' content hash shares (`_line_contents`)

    def text(self, index: int) -> str:
        start = index * self.proof.stride
        return str(self.block[start : start + self.proof.width], "ascii")  # (grid: ASCII)


def _holding_reported(plan: BlockPlan, clean: Mask) -> Mask:
    """The proved pièces holding rows not proved clean."""
    import numpy as np

    held: Mask = np.logical_or.reduceat(~clean, plan.starts) & plan.proved
    return held


@attrs.frozen(eq=False)
class Prepared:
    """A block after its first stage, and what that stage took the file to be (its version,
    ETE or not); `proof` None: not a grid, the reference code reads it."""

    block: memoryview
    assumed: tuple[str, bool]
    proof: ProvedBlock | None


Job = Callable[[], Prepared]
Pool = Executor | None  # the worker thread, if the first stages run in one


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


def _blocks(stream: IO[bytes], size: int, rest: bytes, kept: int) -> Iterator[memoryview]:
    """The whole lines of `stream` after `rest` (already read off it), about `size` bytes at a
    time, the last line without a line break only at the end. They are read into `kept`
    buffers in turn, reused: a block is valid until `kept` more are read (the pipeline keeps
    two: it proves one while the block before is taken). Where a block does not end at a line
    break (LF-only lines, ETE lines), the bytes after its last one move to the front of the
    next buffer; nothing else is copied."""
    buffers = [bytearray(rest) + bytearray(2 * size)]
    buffers += [bytearray(2 * size) for _ in range(kept - 1)]
    filled, turn = len(rest), 0
    readinto = getattr(stream, "readinto", None)
    while True:
        # A block of `size` bytes from a line's start: on a CRLF grid it ends at a line
        # break. (A line longer than half a block reads whole blocks: never a few bytes at a
        # time.)
        want = size - filled if filled < size // 2 else size
        buffer = buffers[turn]
        if filled + want > len(buffer):  # a line longer than the buffer: a bigger buffer
            buffer = buffers[turn] = buffer[:filled] + bytearray(want)
        got = _read_into(stream, readinto, memoryview(buffer)[filled : filled + want])
        total = filled + got
        cut = buffer.rfind(b"\n", 0, total) + 1 if got else total
        if not cut:  # no line break yet (or nothing at all): the line goes on in this buffer
            filled = total
            if not got:
                return
            continue
        yield memoryview(buffer)[:cut]
        if not got:
            return
        # The part line after the block to the front of the next buffer, whose block the
        # consumer is through with once it asks for this one's next.
        turn, filled = (turn + 1) % kept, total - cut
        if filled > len(buffers[turn]):  # (never resized: a block may still view it)
            buffers[turn] = bytearray(filled + 2 * size)
        buffers[turn][:filled] = buffer[cut:total]


def _read_into(stream: IO[bytes], readinto: Any, space: memoryview) -> int:
    """Bytes read off `stream` into `space`, as many as one read gives."""
    if readinto is not None:
        return int(readinto(space) or 0)
    chunk = stream.read(len(space))
    space[: len(chunk)] = chunk
    return len(chunk)


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
