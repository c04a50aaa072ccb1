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

import codecs
import io
import os
from collections import Counter
from collections.abc import Iterator
from typing import IO, Any

import attrs

from . import layout
from .errors import ParseError, Severity, UnreadableInput
from .layout import Layout
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
from .values import PARSERS

Source = str | os.PathLike[str] | IO[bytes]

UTF8_BOM = codecs.BOM_UTF8
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


@attrs.frozen
class RawRecordLine:
    """One physical line: its 1-based number, its bytes without the ending, and the ending."""

    number: int
    data: bytes
    ending: bytes  # b"\r\n", b"\n" or b"" (last line without a line break)


def scan_lines(stream: IO[bytes]) -> Iterator[RawRecordLine]:
    """Split a binary stream into lines on LF, remembering whether each ended in CRLF."""
    for number, chunk in enumerate(stream, start=1):
        if chunk.endswith(b"\r\n"):
            yield RawRecordLine(number, chunk[:-2], b"\r\n")
        elif chunk.endswith(b"\n"):
            yield RawRecordLine(number, chunk[:-1], b"\n")
        else:
            yield RawRecordLine(number, chunk, b"")


def _is_single_byte(encoding: str) -> bool:
    return codecs.lookup(encoding).name in {"cp1252", "iso8859-1", "iso8859-15", "latin-1"}


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
        codecs.lookup(encoding)  # fail early on a misspelt encoding
        self.encoding = encoding
        self.max_errors = max_errors
        self.error_count = 0  # every problem found, including those past `max_errors`
        self._single_byte = _is_single_byte(encoding)
        self.errors: list[ParseError] = []
        self.header: Header | None = None
        self.line_endings: Counter[str] = Counter()
        self.blank_lines = 0
        self.lines = 0
        self._extended: bool | None = None
        self._owns_stream = False
        if isinstance(source, (str, os.PathLike)):
            self.path = os.fspath(source)
            try:
                self._stream: IO[bytes] = open(self.path, "rb")  # noqa: SIM115 - closed in close()
            except OSError as exc:
                raise UnreadableInput(self.path, exc.strerror or str(exc)) from exc
            self._owns_stream = True
        else:
            self.path = getattr(source, "name", None) or "<stream>"
            self._stream = source

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
            for raw in scan_lines(self._stream):
                self.lines = raw.number
                self.line_endings[{b"\r\n": "CRLF", b"\n": "LF", b"": "none"}[raw.ending]] += 1
                data = raw.data
                if raw.number == 1:
                    if data.startswith(UTF16_BOMS):
                        self._error(1, 1, "the file is UTF-16 encoded", hint="save it as ANSI")
                        return
                    if data.startswith(UTF8_BOM):
                        self._error(
                            1,
                            1,
                            "the file starts with a UTF-8 byte order mark",
                            hint="save the file as ANSI (Windows-1252) without BOM; Cegid "
                            "would not recognise the header",
                        )
                        data = data[len(UTF8_BOM) :]
                text = self._decode(raw.number, data)
                record = self._classify(raw.number, text)
                if record is not None:
                    yield raw.number, record
        finally:
            self.close()

    def _error(
        self,
        line: int,
        column: int | None,
        message: str,
        *,
        field: str | None = None,
        value: str | None = None,
        hint: str | None = None,
        severity: Severity = "error",
    ) -> None:
        self.error_count += 1
        if len(self.errors) >= self.max_errors:
            return  # keep memory flat on a file where every line is wrong
        self.errors.append(
            ParseError(
                message=message,
                path=self.path,
                line=line,
                column=column,
                field=field,
                value=value,
                hint=hint,
                severity=severity,
            )
        )

    def _decode(self, number: int, data: bytes) -> str:
        if data.isascii():
            return data.decode("ascii")
        if self._single_byte:
            utf8 = self._check_utf8(number, data)
            if utf8 is not None:
                # Reported once; reading by characters then gives the values the writer
                # meant instead of a cascade of errors in every shifted field.
                return utf8
        try:
            return data.decode(self.encoding)
        except UnicodeDecodeError as exc:
            byte = data[exc.start]
            self._error(
                number,
                exc.start + 1,
                f"byte 0x{byte:02X} is not a character in {self.encoding}",
                field=self._field_at(data, exc.start + 1),
                hint="the file is not in the expected encoding; pass the right one with "
                "--encoding, or re-save it as ANSI",
            )
            return data.decode(self.encoding, errors="replace")

    def _check_utf8(self, number: int, data: bytes) -> str | None:
        """Report a line whose non-ASCII bytes form valid UTF-8, and return it decoded: each
        such character takes 2-4 bytes where Cegid expects one, so every later field shifts."""
        try:
            decoded = data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        offset = next(i for i, b in enumerate(data) if b >= 0x80)
        char = data[offset:].decode("utf-8")[0]
        shift = len(data) - len(decoded)
        self._error(
            number,
            offset + 1,
            f"the line looks UTF-8 encoded: {char!r} takes {len(char.encode())} bytes, which "
            f"shifts every later field by {shift} column(s) in total",
            field=self._field_at(data, offset + 1),
            value=char,
            hint="save the file as ANSI (Windows-1252), or read it with --encoding utf-8",
        )
        return decoded

    def _field_at(self, data: bytes, column: int) -> str | None:
        if data.startswith(b"***"):
            found = layout.HEADER.at(column)
        else:
            found = layout.ENTRY.at(column)
            if found is None and self._extended:
                line_type = data[30:31].decode("latin-1")
                found = layout.entry_layouts(line_type, True)[1].at(column)
        return found.name if found else None

    def _classify(self, number: int, text: str) -> Record | None:
        if number == 1:
            return self._first_line(text)
        if not text.strip(" \t"):
            self.blank_lines += 1
            self._error(number, None, "blank line (Cegid skips it)", severity="warning")
            return None
        if text.startswith(layout.PARAMETER_PREFIXES):
            return self._parameter(number, text)
        return self._entry(number, text)

    def _first_line(self, text: str) -> Record | None:
        if text.startswith(layout.HEADER_MARKER) and text[3:5] in layout.HEADER_PRODUCTS:
            values = self._fields(1, text, layout.HEADER)
            if values is None:
                return RawLine(text)
            self.header = Header(**values, trailer=text[layout.HEADER.end :])
            self._extended = self.header.extended
            return self.header
        if text.startswith("!"):
            message = "legacy CCIMPEX file (line 1 starts with '!'): tratool reads TRA files only"
        else:
            message = "line 1 is not a TRA header"
        self._error(
            1,
            1,
            message,
            value=text[:14],
            hint="a TRA file starts with a header such as ***S5CLIJRLETE; without it Cegid "
            "takes line 1 as a title and the first entry is lost",
        )
        if not text.strip(" \t"):
            return None
        return self._entry(1, text)

    def _parameter(self, number: int, text: str) -> Record:
        record_type = PARAMETER_TYPES.get(text[3:6]) if text.startswith("***") else None
        if record_type is None:
            return ParameterRecord(text)
        lay = layout.PARAMETER_LAYOUTS[text[3:6]]
        values = self._fields(number, text, lay)
        if values is None:
            return RawLine(text)
        return record_type(**values, extra=text[lay.end :])

    def _entry(self, number: int, text: str) -> Record:
        line_type = text[30:31].strip(" ")
        if line_type in layout.SPECIAL_LINE_TYPES:
            return RawLine(text)  # GED, BAP and budget lines: not journal entries
        extended = self._extended if self._extended is not None else len(text) > layout.STD_WIDTH
        layouts = layout.entry_layouts(line_type, extended)
        self._check_width(number, text, extended, layouts[-1])
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

    def _check_width(self, number: int, text: str, extended: bool, last: Layout) -> None:
        width = len(text)
        if width < layout.STD_WIDTH:
            column = width + 1
            first_missing = layout.ENTRY.at(column)
            self._error(
                number,
                column,
                f"the line is {width} characters long; an entry line has at least "
                f"{layout.STD_WIDTH}",
                field=first_missing.name if first_missing else None,
                hint="fields from this column on were read as blank; an editor may have "
                "stripped trailing blanks, or a field is missing: check the writer",
            )
        elif width > last.end or (not extended and width > layout.STD_WIDTH):
            self._error(
                number,
                last.end + 1,
                f"the line is {width} characters long; the {last.name} layout ends at "
                f"column {last.end} (the rest is kept as is)",
                severity="warning",
            )

    def _fields(self, number: int, text: str, lay: Layout) -> dict[str, Any] | None:
        """Parse a layout's fields out of a line; None (and errors collected) if any fails."""
        padded = text.ljust(lay.end)
        values: dict[str, Any] = {}
        ok = True
        for f in lay.fields:
            chunk = padded[f.start : f.end]
            try:
                values[f.name] = PARSERS[f.kind](chunk)
            except ValueError as exc:
                ok = False
                self._error(number, f.pos, str(exc), field=f.name, value=chunk)
        return values if ok else None


def read_text(text: str, *, encoding: str = "cp1252") -> TraReader:
    """Read TRA content held in a string (tests, notebooks)."""
    return TraReader(io.BytesIO(text.encode(encoding)), encoding=encoding)
