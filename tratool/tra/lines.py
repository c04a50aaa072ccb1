"""Physical lines of a TRA file: split, decode and classify, before any field is typed.

Shared by the reader (which types records) and the validator (which checks raw fields), so
both see the same lines, report the same encoding problems and agree on what a line is.
"""

from __future__ import annotations

import codecs
import enum
import os
from collections import Counter
from collections.abc import Iterator
from typing import IO, NamedTuple

import attrs

from ..errors import UnreadableInput, system_reason
from ..i18n import N_, Text
from . import layout
from .charset import encodable

Source = str | os.PathLike[str] | IO[bytes]

UTF8_BOM = codecs.BOM_UTF8
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
ENDINGS = {b"\r\n": "CRLF", b"\n": "LF", b"": "none"}


def open_source(source: Source) -> tuple[str, IO[bytes], bool]:
    """(display path, binary stream, whether the caller must close it)."""
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        try:
            return path, open(path, "rb"), True
        except OSError as exc:
            raise UnreadableInput(path, system_reason(exc)) from exc
    return str(getattr(source, "name", None) or "<stream>"), source, False


class PhysicalLine(NamedTuple):
    """One physical line: its 1-based number, its bytes without the ending, and the ending.
    (Named tuples, not attrs classes, for the two per-line values: they are built a million
    times on a large file, and a tuple is built in C.)"""

    number: int
    data: bytes
    ending: bytes  # b"\r\n", b"\n" or b"" (last line without a line break)


def split_lines(stream: IO[bytes], head: bytes = b"") -> Iterator[PhysicalLine]:
    """Split a binary stream into lines on LF, remembering whether each ended in CRLF. `head`
    is what was already read off the stream (the first block, looked at before reading)."""
    number = 0
    if head:
        *whole, tail = head.split(b"\n")
        for number, data in enumerate(whole, start=1):
            yield _physical(number, data + b"\n")
        if tail:
            number += 1
            yield _physical(number, tail + stream.readline())
    after_head = number + 1
    for number, chunk in enumerate(stream, start=after_head):
        yield _physical(number, chunk)


def _physical(number: int, chunk: bytes) -> PhysicalLine:
    if chunk.endswith(b"\r\n"):
        return PhysicalLine(number, chunk[:-2], b"\r\n")
    if chunk.endswith(b"\n"):
        return PhysicalLine(number, chunk[:-1], b"\n")
    return PhysicalLine(number, chunk, b"")


@attrs.frozen
class DecodeProblem:
    """An encoding problem on one line. `fatal` means nothing after it can be read."""

    column: int
    message: Text
    hint: Text
    value: str | None = None
    fatal: bool = False


class LineDecoder:
    """Decodes lines one at a time and says what breaks Cegid's one-byte-per-column rule."""

    def __init__(self, encoding: str = "cp1252") -> None:
        self.encoding = codecs.lookup(encoding).name  # fails early on a misspelt encoding
        # codecs' own names: "latin-1" and "l1" are looked up as "iso8859-1"
        self.single_byte = self.encoding in {"cp1252", "iso8859-1", "iso8859-15"}

    def decode(self, number: int, data: bytes) -> tuple[str, list[DecodeProblem]]:
        problems: list[DecodeProblem] = []
        if number == 1:
            if data.startswith(UTF16_BOMS):
                utf16 = N_("the file is UTF-16 encoded")
                return "", [DecodeProblem(1, utf16, _ANSI, fatal=True)]
            if data.startswith(UTF8_BOM):
                problems.append(
                    DecodeProblem(
                        1,
                        N_("the file starts with a UTF-8 byte order mark"),
                        N_(
                            "save the file as ANSI (Windows-1252) without BOM; Cegid would not "
                            "recognise the header"
                        ),
                    )
                )
                data = data[len(UTF8_BOM) :]
        if data.isascii():
            return data.decode("ascii"), problems
        if self.single_byte:
            utf8 = _as_utf8(data)
            if utf8 is not None:
                # Reported once; reading by characters then gives the values the writer
                # meant instead of a cascade of errors in every shifted field.
                offset = next(i for i, b in enumerate(data) if b >= 0x80)
                char = data[offset:].decode("utf-8")[0]
                problems.append(
                    DecodeProblem(
                        offset + 1,
                        N_(
                            "the line looks UTF-8 encoded: {char!r} takes {size} bytes, which "
                            "shifts every later field by {shift} column(s) in total",
                            char=char,
                            size=len(char.encode()),
                            shift=len(data) - len(utf8),
                        ),
                        N_(
                            "save the file as ANSI (Windows-1252), or read it with --encoding utf-8"
                        ),
                        value=char,
                    )
                )
                return utf8, problems
        try:
            return data.decode(self.encoding), problems
        except UnicodeDecodeError as exc:
            byte = f"0x{data[exc.start]:02X}"
            problems.append(
                DecodeProblem(
                    exc.start + 1,
                    N_(
                        "byte {byte} is not a character in {encoding}",
                        byte=byte,
                        encoding=self.encoding,
                    ),
                    N_(
                        "the file is not in the expected encoding; pass the right one with "
                        "--encoding, or re-save it as ANSI"
                    ),
                )
            )
            return data.decode(self.encoding, errors="replace"), problems


_ANSI = N_("save it as ANSI (Windows-1252)")


def _as_utf8(data: bytes) -> str | None:
    """The line decoded as UTF-8 when it looks like Windows-1252 text saved as UTF-8: valid
    UTF-8 whose characters all exist in Windows-1252 (é, ’, €, œ…). Some Windows-1252 pairs
    are valid UTF-8 by accident ("É’" is "ɒ"); those decode to characters no French export
    holds, and are read as Windows-1252."""
    try:
        decoded = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if all(c.isascii() or encodable(c) for c in decoded):
        return decoded
    return None


FIRST_BLOCK = 4096  # bytes looked at to tell a text file from anything else
_NOT_TEXT_SHARE = 0.10  # control characters or undecodable bytes above this: not text
_TEXT_CONTROLS = frozenset("\t\r\n\x0c\x1a")  # tab, line ends, form feed, DOS end of file


def not_text(head: bytes, encoding: str) -> DecodeProblem | None:
    """Why the first block of a file shows it is not a text file (a program, an archive, a
    UTF-16 file without its byte order mark, random bytes), if it does. Read as lines, such a
    file would give one finding per "line" and take as long as its size; it gets one."""
    if not head or head.startswith(UTF16_BOMS):
        return None  # empty, or UTF-16 with its mark: LineDecoder says so on line 1
    nul = head.find(b"\0")
    if nul >= 0:
        return DecodeProblem(
            nul - (head.rfind(b"\n", 0, nul) + 1) + 1,
            N_(
                "NUL byte: this is not a text file (a binary file, or UTF-16 without a byte "
                "order mark); nothing after it is read"
            ),
            N_(
                "check that this is the TRA file you meant; a UTF-16 file must be saved as ANSI "
                "(Windows-1252)"
            ),
            fatal=True,
        )
    decoded = head.decode(encoding, errors="replace")
    bad = sum(1 for c in decoded if c == "\ufffd" or (c < " " and c not in _TEXT_CONTROLS))
    if bad > _NOT_TEXT_SHARE * len(decoded):
        return DecodeProblem(
            1,
            N_(
                "{bad} of the first {count} characters are control characters or bytes "
                "{encoding} cannot decode: this is not a text file; nothing of it is read",
                bad=bad,
                count=len(decoded),
                encoding=encoding,
            ),
            N_("check that this is the file you meant, and its encoding (--encoding)"),
            fatal=True,
        )
    return None


@attrs.frozen
class LineProblem:
    """A decoding problem placed on its line, with the field at its column."""

    line: int
    column: int
    field: str | None
    message: Text
    hint: Text
    value: str | None
    fatal: bool


class DecodedLine(NamedTuple):
    number: int
    text: str
    problems: tuple[LineProblem, ...]


class DecodedLines:
    """The one loop the reader and the validator share: split a stream into lines, decode each
    and place its encoding problems. It stops after a fatal problem (not a text file, UTF-16).

    Iterate it for `DecodedLine`s; `endings`, `size` and `count` fill up as it goes. The
    consumer sets `extended` when it has read the header, so that a problem in the ETE part of
    a line is named by its field."""

    def __init__(self, stream: IO[bytes], decoder: LineDecoder) -> None:
        self._stream = stream
        self.decoder = decoder
        self.extended: bool | None = None
        self.endings: Counter[str] = Counter()  # "CRLF" / "LF" / "none" -> lines
        self.size = 0  # bytes read
        self.count = 0  # lines read
        self.stopped = False  # True when a fatal problem ended the reading

    def __iter__(self) -> Iterator[DecodedLine]:
        # One read at most (read1): a pipe is not waited on for more than it has to give.
        read1 = getattr(self._stream, "read1", self._stream.read)
        head = read1(FIRST_BLOCK)
        refused = not_text(head, self.decoder.encoding)
        if refused is not None:
            self.stopped = True
            self.count, self.size = 1, len(head)
            line = head.count(b"\n", 0, max(head.find(b"\0"), 0)) + 1
            yield DecodedLine(line, "", (self._place(line, "", refused),))
            return
        for raw in split_lines(self._stream, head):
            line = self._decoded(raw)
            yield line
            if self.stopped:
                return

    def more(self, data: bytes) -> Iterator[DecodedLine]:
        """The lines of `data`, which follow the lines read so far (whole lines, the last one
        without a line break only at the end of the file), decoded and counted as iterating
        does. The fast validator reads the blocks it cannot prove clean through this."""
        *whole, tail = data.split(b"\n")
        chunks = [w + b"\n" for w in whole] + ([tail] if tail else [])
        for number, chunk in enumerate(chunks, start=self.count + 1):
            yield self._decoded(_physical(number, chunk))

    def counted(self, lines: int, size: int, ending: bytes) -> None:
        """Count `lines` lines of `size` bytes in all, each ending in `ending`, that the caller
        read in one block without decoding them one by one (pure ASCII, no problem to place)."""
        self.count += lines
        self.size += size
        self.endings[ENDINGS[ending]] += lines

    def _decoded(self, raw: PhysicalLine) -> DecodedLine:
        self.count = raw.number
        self.size += len(raw.data) + len(raw.ending)
        self.endings[ENDINGS[raw.ending]] += 1
        text, problems = self.decoder.decode(raw.number, raw.data)
        if not problems:  # nearly every line: no tuple of problems to build
            return DecodedLine(raw.number, text, ())
        if any(p.fatal for p in problems):
            self.stopped = True
        return DecodedLine(
            raw.number, text, tuple(self._place(raw.number, text, p) for p in problems)
        )

    def _place(self, number: int, text: str, problem: DecodeProblem) -> LineProblem:
        found = field_at(text, problem.column, self.extended) if text else None
        return LineProblem(
            line=number,
            column=problem.column,
            field=found.name if found else None,
            message=problem.message,
            hint=problem.hint,
            value=problem.value,
            fatal=problem.fatal,
        )


class LineKind(enum.Enum):
    HEADER = "header"
    PARAMETER = "parameter"
    ENTRY = "entry"
    SPECIAL = "special"  # G, P, B lines: in the entry layout but not journal entries
    BLANK = "blank"


def is_header(text: str) -> bool:
    return (
        text.startswith(layout.HEADER_MARKER)
        and layout.cut(text, layout.HEADER_PRODUCT) in layout.HEADER_PRODUCTS
    )


def classify(number: int, text: str) -> LineKind:
    """What a decoded line is. Line 1 is the header only if it looks like one."""
    if not text.strip(" \t"):
        return LineKind.BLANK
    if number == 1 and is_header(text):
        return LineKind.HEADER
    if number > 1 and text.startswith(layout.PARAMETER_PREFIXES):
        return LineKind.PARAMETER
    if text[layout.LINE_TYPE_SLICE] in layout.SPECIAL_LINE_TYPES:
        return LineKind.SPECIAL
    return LineKind.ENTRY


def field_at(text: str, column: int, extended: bool | None) -> layout.Field | None:
    """The field of an entry or header line that covers a 1-based column."""
    if text.startswith(layout.HEADER_MARKER):
        return layout.HEADER.at(column)
    found = layout.ENTRY.at(column)
    if found is None and extended:
        found = layout.entry_layouts(layout.cut(text, layout.LINE_TYPE), True)[1].at(column)
    return found
