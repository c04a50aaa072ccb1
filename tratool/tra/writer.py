"""Canonical TRA writer.

Canonical means what Cegid's own exporter writes: CRLF, Windows-1252, text left-justified and
blank-padded, amounts right-justified with a decimal comma and two decimals, ``01011900`` for
"no date". ETE lines stop after their last used field (never shorter than 222 columns).

Records are rendered one by one and streamed to a temporary file beside the target, which is
renamed over it only when every record was written: a failed write leaves nothing behind, and
every problem of every record is reported at once.
"""

from __future__ import annotations

import functools
import operator
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any, Protocol, runtime_checkable

import attrs

from .._fsutil import atomic_output, same_file
from ..errors import Message, TraError, WriteError, WriteProblem
from ..i18n import N_, Text, TextValueError
from . import layout
from .charset import Change, encodable, transliterate
from .layout import Field, Just, Layout
from .records import (
    PARAMETER_TYPES,
    AnalyticExtension,
    Entry,
    Extension,
    GeneralExtension,
    Header,
    ParameterRecord,
    RawLine,
    Record,
)
from .values import FORMATTERS, fit, is_empty

Target = str | os.PathLike[str] | IO[bytes]


@runtime_checkable
class RecordSource(Protocol):
    """What `write` needs of a reader (`TraReader` is one): where it reads, and its records."""

    path: str

    def records(self) -> Iterator[Record]: ...


@attrs.frozen
class WriteResult:
    path: str
    lines: int
    entries: int
    changes: tuple[Change, ...]  # transliterations made, when asked for


class _Renderer:
    """Turns records into text lines, collecting problems instead of stopping at the first."""

    def __init__(self, transliterate: bool, encoding: str) -> None:
        self.transliterate = transliterate
        self.encoding = encoding
        self.extended = True
        self.problems: list[WriteProblem] = []
        self.changes: list[Change] = []
        # Renderings of recent extensions by (id, whole), the object kept to tell a reused id.
        self._extensions: dict[tuple[int, bool], tuple[Extension, str]] = {}

    def line(self, number: int, record: Record) -> str:
        if isinstance(record, Header):
            self.extended = record.extended
            # The version-010 flags are written only when used, so older headers keep 147.
            upto = None
            if not record.trailer:
                used = _last_used(_values(layout.HEADER)(record))
                upto = max(used, layout.HEADER_V008_FIELDS)
            text = layout.HEADER_MARKER + self._fields(number, record, layout.HEADER, upto=upto)
            return self._check(number, text + record.trailer, layout.HEADER)
        if isinstance(record, Entry):
            return self._entry(number, record)
        if isinstance(record, (ParameterRecord, RawLine)):
            return self._check(number, record.text, None)
        lay = layout.PARAMETER_LAYOUTS[_PARAMETER_CODES[type(record)]]
        text = "***" + lay.name + self._fields(number, record, lay)
        # Cegid's exporter ends parameter records after their last non-blank character.
        text = text + record.extra if record.extra else text.rstrip(" ")
        return self._check(number, text, lay)

    def _entry(self, number: int, entry: Entry) -> str:
        text = self._fields(number, entry, layout.ENTRY)
        ext = entry.extension
        if ext is not None and (self.extended or _used(ext)):
            lay = layout.ETE_ANALYTIC if entry.is_analytic else layout.ETE_GENERAL
            expected = AnalyticExtension if entry.is_analytic else GeneralExtension
            if not self.extended:
                self._problem(number, None, None, N_("ETE fields on an entry of a STD file"))
            elif not isinstance(ext, expected):
                self._problem(
                    number,
                    "line_type",
                    layout.LINE_TYPE.pos,
                    N_(
                        "line type {line_type!r} needs a {expected}, not a {given}",
                        line_type=entry.line_type,
                        expected=expected.__name__,
                        given=type(ext).__name__,
                    ),
                )
            else:
                text += self._extension(number, ext, lay, whole=bool(entry.extra))
        ete = layout.ete_layout(entry.line_type) if self.extended else None
        return self._check(number, text + entry.extra, layout.ENTRY, ete)

    def _extension(self, number: int, ext: Extension, lay: Layout, whole: bool) -> str:
        """The ETE part of an entry, up to its last used field (`whole`: all of it). Renderings
        are reused for the same (frozen) object: a converter shares one extension among the
        lines of a date and line type, and those lines interleave (tiers and general lines)."""
        key = (id(ext), whole)
        known = self._extensions.get(key)
        if known is not None and known[0] is ext:
            return known[1]
        before = (len(self.problems), len(self.changes))
        upto = None if whole else _last_used(_values(lay)(ext))
        text = self._fields(number, ext, lay, upto=upto)
        if (len(self.problems), len(self.changes)) == before:  # nothing line-specific
            if len(self._extensions) >= _KEPT_EXTENSIONS:
                self._extensions.clear()
            self._extensions[key] = (ext, text)
        return text

    def _fields(self, number: int, record: Any, lay: Layout, upto: int | None = None) -> str:
        """The layout's fields rendered side by side (the first `upto` of them if given)."""
        if not self.transliterate:
            text = _at_once(record, lay, upto)
            if text is not None:
                return text
        parts = []
        for f, format_value in _formats(lay)[:upto]:
            value = getattr(record, f.name)
            if self.transliterate and isinstance(value, str) and not value.isascii():
                replaced = transliterate(value, self.encoding)
                if replaced != value:
                    self.changes.append(Change(number, f.name, value, replaced))
                    value = replaced
            if value is None and f.name == "due_date" and getattr(record, "is_analytic", False):
                parts.append(" " * f.width)  # Cegid leaves the due date blank on A/O lines
                continue
            try:
                parts.append(fit(f, format_value(value)))
            except (ValueError, TypeError) as exc:
                said = exc.text if isinstance(exc, TextValueError) else str(exc)
                self._problem(number, f.name, f.pos, said)
                parts.append(" " * f.width)
        return "".join(parts)

    def _check(self, number: int, text: str, lay: Layout | None, ete: Layout | None = None) -> str:
        """Refuse characters the target encoding cannot hold and control characters."""
        if text.isascii() and text.isprintable():
            return text  # nearly every line: no character to look at one by one
        for index, char in enumerate(text):
            if char >= " " and (char.isascii() or encodable(char, self.encoding)):
                continue
            column = index + 1
            found = lay.at(column) if lay is not None else None
            if found is None and ete is not None:
                found = ete.at(column)
            reason = (
                N_("a control character (tab or line break) inside a field")
                if char < " "
                else N_(
                    "not representable in {encoding}; use transliterate=True / --transliterate"
                    " to replace it",
                    encoding=self.encoding,
                )
            )
            refused = N_(
                "{char!r} (U+{code}) is {reason}", char=char, code=f"{ord(char):04X}", reason=reason
            )
            self._problem(number, found.name if found else None, column, refused)
        return text

    def _problem(
        self, number: int, field: str | None, column: int | None, message: Message
    ) -> None:
        self.problems.append(
            WriteProblem(
                record=number,
                field=field,
                column=column,
                message=str(message),
                message_text=message if isinstance(message, Text) else None,
            )
        )


_KEPT_EXTENSIONS = 4096  # renderings kept at once: a year of dates, both line types (~1 MB)

_PARAMETER_CODES: dict[type, str] = {cls: code for code, cls in PARAMETER_TYPES.items()}


def _used(ext: GeneralExtension | AnalyticExtension) -> bool:
    return any(not is_empty(v) for v in attrs.astuple(ext, recurse=False))


def _last_used(values: tuple[Any, ...]) -> int:
    """How many of a layout's fields to write: up to and including the last non-empty one."""
    for count in range(len(values), 0, -1):
        if not is_empty(values[count - 1]):
            return count
    return 0


_Formats = tuple[tuple[Field, Callable[[Any], str]], ...]


@functools.cache
def _formats(lay: Layout) -> _Formats:
    """Each field with its formatter, looked up once per layout instead of once per field of
    every line."""
    return tuple((f, FORMATTERS[f.kind]) for f in lay.fields)


def _at_once(record: Any, lay: Layout, upto: int | None) -> str | None:
    """The fields rendered side by side in C loops (but for the formatters), or None when a
    value cannot be written or an A/O line may leave its due date blank: `_fields` then
    renders field by field and says what is wrong."""
    if getattr(record, "is_analytic", False):
        return None
    formats, widths, pads = _columns(lay)
    try:
        texts = list(map(operator.call, formats[:upto], _values(lay)(record)[:upto]))
        if any(map(operator.gt, map(len, texts), widths)):
            return None
        return "".join(map(operator.call, pads, texts, widths))
    except (ValueError, TypeError):  # not a str, not a number…
        return None


_Columns = tuple[
    tuple[Callable[[Any], str], ...], tuple[int, ...], tuple[Callable[[str, int], str], ...]
]


@functools.cache
def _columns(lay: Layout) -> _Columns:
    """The layout's formatters, widths and paddings, for `_at_once`."""
    pads = tuple(str.ljust if f.just is Just.LEFT else str.rjust for f in lay.fields)
    return tuple(FORMATTERS[f.kind] for f in lay.fields), tuple(f.width for f in lay.fields), pads


@functools.cache
def _values(lay: Layout) -> Callable[[object], tuple[Any, ...]]:
    """A getter of all the layout's values of a record, in C."""
    getter = operator.attrgetter(*lay.names)
    return lambda record: tuple(getter(record))


def render_lines(
    records: Iterable[Record], *, transliterate: bool = False, encoding: str = "cp1252"
) -> Iterator[str]:
    """Render records to canonical lines (without line endings). Raises `WriteError`."""
    renderer = _Renderer(transliterate, encoding)
    for number, record in enumerate(records, start=1):
        before = len(renderer.problems)
        text = renderer.line(number, record)
        if len(renderer.problems) == before:
            yield text
    if renderer.problems:
        raise WriteError("<lines>", renderer.problems)


def write(
    records: Iterable[Record] | RecordSource,
    target: Target,
    *,
    transliterate: bool = False,
    encoding: str = "cp1252",
    line_ending: str = "\r\n",
) -> WriteResult:
    """Write records as a canonical TRA file, atomically.

    Raises `WriteError` listing every field that cannot be written (too long, a character the
    encoding cannot hold, a line break inside a label…); the target is then left untouched.
    """
    if isinstance(records, RecordSource):
        if isinstance(target, (str, os.PathLike)) and same_file(records.path, target):
            refused = N_(
                "{path}: refusing to overwrite the file being read", path=os.fspath(target)
            )
            raise TraError(refused)
        records = records.records()
    if isinstance(target, (str, os.PathLike)):
        return _write_atomically(records, Path(target), transliterate, encoding, line_ending)
    name = getattr(target, "name", "<stream>")
    return _write_stream(records, target, str(name), transliterate, encoding, line_ending)


def _write_stream(
    records: Iterable[Record],
    stream: IO[bytes],
    name: str,
    transliterate: bool,
    encoding: str,
    line_ending: str,
) -> WriteResult:
    lines = LineWriter(stream, name, transliterate, encoding, line_ending)
    for record in records:
        lines.record(record)
    return lines.close()


class LineWriter:
    """Writes records to a stream one by one, and lines rendered elsewhere (a converter's
    byte grids) between them; every problem is reported at the end (`close`), and nothing
    more is written after the first."""

    def __init__(
        self,
        stream: IO[bytes],
        name: str,
        transliterate: bool = False,
        encoding: str = "cp1252",
        line_ending: str = "\r\n",
    ) -> None:
        self.stream, self.name, self.encoding, self.line_ending = (
            stream,
            name,
            encoding,
            line_ending,
        )
        self.renderer = _Renderer(transliterate, encoding)
        self.ascii_same = _ascii_compatible(encoding)
        self.number = self.lines = self.entries = 0  # records seen; lines and entries written

    def record(self, record: Record) -> None:
        self.number += 1
        text = self.renderer.line(self.number, record) + self.line_ending
        if self.renderer.problems:
            return  # keep rendering to report every problem, but write nothing more
        # The ASCII codec is many times faster than a charmap one, and gives the same bytes.
        ascii_line = self.ascii_same and text.isascii()
        self.stream.write(text.encode("ascii") if ascii_line else text.encode(self.encoding))
        self.lines += 1
        self.entries += isinstance(record, Entry)

    def entry_lines(self, data: bytes | memoryview, count: int) -> None:
        """`count` entry lines rendered elsewhere, endings included."""
        self.number += count
        if not self.renderer.problems:
            self.stream.write(data)
            self.lines += count
            self.entries += count

    def close(self) -> WriteResult:
        if self.renderer.problems:
            raise WriteError(self.name, self.renderer.problems)
        return WriteResult(self.name, self.lines, self.entries, tuple(self.renderer.changes))


@functools.cache
def _ascii_compatible(encoding: str) -> bool:
    """Whether the encoding writes every ASCII character as its ASCII byte (cp1252 does)."""
    ascii_bytes = bytes(range(128))
    try:
        return ascii_bytes.decode("ascii").encode(encoding) == ascii_bytes
    except (UnicodeError, LookupError):
        return False


def _write_atomically(
    records: Iterable[Record],
    path: Path,
    transliterate: bool,
    encoding: str,
    line_ending: str,
) -> WriteResult:
    with atomic_output(path, "wb") as tmp:
        return _write_stream(records, tmp, str(path), transliterate, encoding, line_ending)
