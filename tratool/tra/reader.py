"""Streaming TRA reader.

`read()` returns a `TraReader`; iterating it yields ``(line_number, record)`` pairs one line at a
time, so memory stays flat whatever the file size. Problems are collected in
`TraReader.errors` instead of raised: one malformed line never hides the next, and a line that
cannot be typed is still yielded, untouched, as a `RawLine`.

Cegid cuts fields by *byte* position in Windows-1252, so the reader decodes line by line with a
single-byte codec and checks for what breaks that assumption: a UTF-8 BOM, multi-byte UTF-8
sequences, bytes Windows-1252 leaves undefined.
"""

from __future__ import annotations

import io
import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from ..errors import ParseError, Severity
from ..i18n import Text, TextValueError
from . import layout, lazy
from .diagnose import entry_width, not_a_header
from .layout import Layout
from .lazy import LazyEntry
from .lines import (
    FIRST_BLOCK,
    DecodedLine,
    DecodedLines,
    LineDecoder,
    LineKind,
    Source,
    classify,
    open_source,
)
from .records import (
    PARAMETER_TYPES,
    AnalyticExtension,
    Entry,
    GeneralExtension,
    Header,
    ParameterRecord,
    RawLine,
    Record,
)
from .scan import is_text_grid
from .values import PARSERS

if TYPE_CHECKING:
    from .proof import TypedProof

FIRST_READ = 64 << 10  # read line by line: the header and the first lines
BLOCK_LINES = 16_384  # then blocks of this many lines, small enough to stay in the CPU cache


def read(source: Source, *, encoding: str = "cp1252", max_errors: int = 1000) -> TraReader:
    """Open a TRA file (path or binary file object) for streaming. See `TraReader`.

    At most `max_errors` problems are kept in `TraReader.errors`; `error_count` counts all.
    """
    return TraReader(source, encoding=encoding, max_errors=max_errors)


class TraReader:
    """Iterate to get ``(line_number, record)``; inspect `errors` and `stats` as you go.

    `header` is set once line 1 is read. Use it as a context manager when given a path.
    """

    def __init__(self, source: Source, *, encoding: str = "cp1252", max_errors: int = 1000) -> None:
        decoder = LineDecoder(encoding)  # fails on a misspelt encoding before opening anything
        self.encoding = encoding
        self.max_errors = max_errors
        self.error_count = 0  # every problem found, including those past `max_errors`
        self.errors: list[ParseError] = []
        self.header: Header | None = None
        self.line_endings: Counter[str] = Counter()
        self.blank_lines = 0
        self.lines = 0
        self._extended: bool | None = None
        self.path, self._stream, self._owns_stream = open_source(source)
        self._lines = DecodedLines(self._stream, decoder)
        self._proof: TypedProof | None = None  # made with the first grid block: numpy
        # Bytes read line by line before reading in blocks, and a block's lines: attributes
        # so that a test can put block boundaries anywhere.
        self.first_read, self.block_lines = FIRST_READ, BLOCK_LINES

    # -- context manager -------------------------------------------------------------------
    def __enter__(self) -> TraReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._owns_stream:
            self._stream.close()

    # -- convenience views -----------------------------------------------------------------
    def records(self) -> Iterator[Record]:
        """Records without their line numbers (e.g. to pass to `tratool.write`)."""
        for _, record in self:
            yield record

    def entries(self) -> Iterator[tuple[int, Entry]]:
        for number, record in self:
            if isinstance(record, Entry):
                yield number, record

    @property
    def has_errors(self) -> bool:
        return any(e.severity == "error" for e in self.errors)

    # -- reading ---------------------------------------------------------------------------
    def __iter__(self) -> Iterator[tuple[int, Record]]:
        try:
            # At least the first look's bytes: the stream is then where the lines end.
            first_read = max(self.first_read, FIRST_BLOCK)
            yield from self._one_by_one(self._lines, until=first_read)
            if not self._lines.stopped and self._lines.size >= first_read:
                yield from self._blocks()
        finally:
            self.close()

    def _one_by_one(
        self, decoded: Iterable[DecodedLine], until: int | None = None
    ) -> Iterator[tuple[int, Record]]:
        """Type lines one at a time; stop after a fatal problem, or once `until` bytes are read
        (the stream is then at the end of the last line yielded)."""
        lines = self._lines
        for line in decoded:
            self.lines = lines.count
            self.line_endings = lines.endings
            for problem in line.problems:
                self._error(
                    line.number,
                    problem.column,
                    problem.message,
                    field=problem.field,
                    value=problem.value,
                    hint=problem.hint,
                )
                if problem.fatal:
                    return
            record = self._classify(line.number, line.text)
            if record is not None:
                yield line.number, record
            if until is not None and lines.size >= until:
                return

    def _blocks(self) -> Iterator[tuple[int, Record]]:
        """The rest of the file in blocks of whole lines."""
        rest = b""
        size = max(self.block_lines, 1) * (layout.STD_WIDTH + 2)
        while not self._lines.stopped:
            chunk = self._stream.read(size)
            block = rest + chunk
            cut = block.rfind(b"\n") + 1 if chunk else len(block)
            block, rest = block[:cut], block[cut:]
            if block:
                yield from self._block(block)
            if not chunk:
                return

    def _block(self, block: bytes) -> Iterator[tuple[int, Record]]:
        """A grid of standard entry lines in ASCII is typed lazily, each row whose typed
        fields all parse as a `LazyEntry`; anything else goes line by line."""
        stride = block.find(b"\n") + 1
        if self._extended or not is_text_grid(block, stride):
            yield from self._one_by_one(self._lines.more(block))
            return
        rows, first = len(block) // stride, self._lines.count + 1
        self._lines.counted(rows, len(block), block[layout.STD_WIDTH : stride])
        if self._proof is None:
            from .proof import TypedProof  # numpy, imported only when a file has a grid block

            self._proof = TypedProof()
        parsed = self._proof.parsed_block(block, rows, stride)
        texts = block.decode("ascii").split(block[layout.STD_WIDTH : stride].decode("ascii"))
        del texts[rows:]  # the empty text after the last line break
        yield from self._rows(first, texts, parsed)

    def _rows(
        self, first: int, texts: list[str], parsed: list[bool]
    ) -> Iterator[tuple[int, Record]]:
        """A grid block's rows: a `LazyEntry` for each row whose typed fields parse, the
        eager reading, with its diagnostics, for the others."""
        new, lazy_type, set_line = lazy.new_object, LazyEntry, lazy.set_line
        for number, text, clean in zip(itertools.count(first), texts, parsed, strict=False):
            self.lines = number
            if clean:
                entry = new(lazy_type)
                set_line(entry, text)
                yield number, entry
            else:
                yield number, self._entry(number, text)

    def _error(
        self,
        line: int,
        column: int | None,
        message: str | Text,
        *,
        field: str | None = None,
        value: str | None = None,
        hint: str | Text | None = None,
        severity: Severity = "error",
    ) -> None:
        """Keep a problem of the file; its words are English (a `Text` is made a string)."""
        self.error_count += 1
        if len(self.errors) >= self.max_errors:
            return  # keep memory flat on a file where every line is wrong
        self.errors.append(
            ParseError(
                message=str(message),
                path=self.path,
                line=line,
                column=column,
                field=field,
                value=value,
                hint=None if hint is None else str(hint),
                severity=severity,
                message_text=message if isinstance(message, Text) else None,
                hint_text=hint if isinstance(hint, Text) else None,
            )
        )

    def _classify(self, number: int, text: str) -> Record | None:
        kind = classify(number, text)
        if kind is LineKind.BLANK:
            self.blank_lines += 1
            self._error(number, None, "blank line (Cegid skips it)", severity="warning")
            return None
        if kind is LineKind.HEADER:
            values = self._fields(1, text, layout.HEADER)
            if values is None:
                return RawLine(text)
            self.header = Header(**values, trailer=text[layout.HEADER.end :])
            self._extended = self._lines.extended = self.header.extended
            return self.header
        if number == 1:
            message, hint = not_a_header(text)
            self._error(1, 1, message, value=text[:14], hint=hint)
        if kind is LineKind.PARAMETER:
            return self._parameter(number, text)
        if kind is LineKind.SPECIAL:
            return RawLine(text)  # GED, BAP and budget lines: not journal entries
        return self._entry(number, text)

    def _parameter(self, number: int, text: str) -> Record:
        code = layout.record_code(text)
        typed = layout.cut(text, layout.PREFIX) == "***"  # ### and ¥¥¥ records stay raw
        record_type = PARAMETER_TYPES.get(code) if typed else None
        if record_type is None:
            return ParameterRecord(text)
        lay = layout.PARAMETER_LAYOUTS[code]
        values = self._fields(number, text, lay)
        if values is None:
            return RawLine(text)
        return record_type(**values, extra=text[lay.end :])

    def _entry(self, number: int, text: str) -> Record:
        line_type = text[layout.LINE_TYPE_SLICE].strip(" ")
        extended = self._extended if self._extended is not None else len(text) > layout.STD_WIDTH
        layouts = layout.entry_layouts(line_type, extended)
        self._check_width(number, text, line_type, extended)
        values = self._fields(number, text, layouts[0])
        extension: GeneralExtension | AnalyticExtension | None = None
        if extended:
            ete_values = self._fields(number, text, layouts[1])
            if ete_values is not None:
                cls = AnalyticExtension if layouts[1] is layout.ETE_ANALYTIC else GeneralExtension
                extension = cls(**ete_values)
            else:
                values = None
        if values is None:
            return RawLine(text)
        return Entry(**values, extension=extension, extra=text[layouts[-1].end :])

    def _check_width(self, number: int, text: str, line_type: str, extended: bool) -> None:
        version = self.header.version if self.header is not None else ""
        problem = entry_width(text, line_type, extended, version)
        if problem is not None:
            self._error(
                number,
                problem.column,
                problem.message,
                field=problem.field,
                hint=problem.hint,
                severity=problem.loss.severity,
            )

    def _fields(self, number: int, text: str, lay: Layout) -> dict[str, Any] | None:
        """Parse a layout's fields out of a line; None (and errors collected) if any fails."""
        padded = text.ljust(lay.end)
        values: dict[str, Any] = {}
        ok = True
        for name, start, end, parse in _cuts(lay):
            chunk = padded[start:end]
            try:
                values[name] = parse(chunk)
            except ValueError as exc:
                ok = False
                said = exc.text if isinstance(exc, TextValueError) else str(exc)
                self._error(number, start + 1, said, field=name, value=chunk)
        return values if ok else None


_Cut = tuple[str, int, int, Callable[[str], Any]]
_CUTS: dict[str, tuple[Layout, tuple[_Cut, ...]]] = {}


def _cuts(lay: Layout) -> tuple[_Cut, ...]:
    """(name, start, end, parser) of each field: the layout's table, looked up once per layout
    instead of once per field of every line (a third of the reader's time on a large file)."""
    cached = _CUTS.get(lay.name)
    if cached is None or cached[0] is not lay:
        cached = _CUTS[lay.name] = (
            lay,
            tuple((f.name, f.start, f.end, PARSERS[f.kind]) for f in lay.fields),
        )
    return cached[1]


def read_text(text: str, *, encoding: str = "cp1252") -> TraReader:
    """Read TRA content held in a string (tests, notebooks)."""
    return TraReader(io.BytesIO(text.encode(encoding)), encoding=encoding)
