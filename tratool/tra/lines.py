"""Physical lines of a TRA file: split, decode and classify, before any field is typed.

Shared by the reader (which types records) and the validator (which checks raw fields), so
both see the same lines, report the same encoding problems and agree on what a line is.
"""

from __future__ import annotations

import codecs
import enum
import os
from collections.abc import Iterator
from typing import IO

import attrs

from ..errors import UnreadableInput
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
            raise UnreadableInput(path, exc.strerror or str(exc)) from exc
    return str(getattr(source, "name", None) or "<stream>"), source, False


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


@attrs.frozen
class DecodeProblem:
    """An encoding problem on one line. `fatal` means nothing after it can be read."""

    column: int
    message: str
    hint: str
    value: str | None = None
    fatal: bool = False


class LineDecoder:
    """Decodes lines one at a time and says what breaks Cegid's one-byte-per-column rule."""

    def __init__(self, encoding: str = "cp1252") -> None:
        self.encoding = codecs.lookup(encoding).name  # fails early on a misspelt encoding
        self.single_byte = self.encoding in {"cp1252", "iso8859-1", "iso8859-15", "latin-1"}

    def decode(self, number: int, data: bytes) -> tuple[str, list[DecodeProblem]]:
        problems: list[DecodeProblem] = []
        if number == 1:
            if data.startswith(UTF16_BOMS):
                return "", [DecodeProblem(1, "the file is UTF-16 encoded", _ANSI, fatal=True)]
            if data.startswith(UTF8_BOM):
                problems.append(
                    DecodeProblem(
                        1,
                        "the file starts with a UTF-8 byte order mark",
                        "save the file as ANSI (Windows-1252) without BOM; Cegid would not "
                        "recognise the header",
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
                        f"the line looks UTF-8 encoded: {char!r} takes {len(char.encode())} "
                        f"bytes, which shifts every later field by {len(data) - len(utf8)} "
                        "column(s) in total",
                        "save the file as ANSI (Windows-1252), or read it with --encoding utf-8",
                        value=char,
                    )
                )
                return utf8, problems
        try:
            return data.decode(self.encoding), problems
        except UnicodeDecodeError as exc:
            problems.append(
                DecodeProblem(
                    exc.start + 1,
                    f"byte 0x{data[exc.start]:02X} is not a character in {self.encoding}",
                    "the file is not in the expected encoding; pass the right one with "
                    "--encoding, or re-save it as ANSI",
                )
            )
            return data.decode(self.encoding, errors="replace"), problems


_ANSI = "save it as ANSI (Windows-1252)"


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
    if layout.cut(text, layout.LINE_TYPE) in layout.SPECIAL_LINE_TYPES:
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
