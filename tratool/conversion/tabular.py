"""Delimited text files (CSV, FEC): encoding, delimiter and rows with their line numbers."""

from __future__ import annotations

import codecs
import contextlib
import csv
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import attrs

from ..errors import TabularError, UnreadableInput, system_reason
from ..i18n import N_

DELIMITERS = (";", ",", "\t", "|")


@attrs.frozen
class SourceRow:
    """One data row of the CSV or FEC being converted, with its line number there."""

    number: int  # the file's line number where the row starts (the header is line 1)
    values: dict[str, str]


def detect_encoding(data: bytes, rest: Iterable[bytes] = ()) -> str:
    """UTF-8 with BOM, UTF-8, or Windows-1252 (what Excel writes as "CSV" in France).

    `data` is the head of the file, `rest` the following blocks: the whole file is decoded,
    so a non-UTF-8 byte far down (a file pasted together) is seen, and a character cut
    between two blocks is not mistaken for one.
    """
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(data)
        for block in rest:
            decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def sniff_delimiter(header: str) -> str:
    """The delimiter that splits the header line into the most columns."""
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    if counts[best] == 0:
        raise TabularError(
            N_("no delimiter found in the header line (tried ; , tab |): give --delimiter")
        )
    return best


_BLOCK = 1 << 16


@attrs.frozen
class TabularFile:
    path: Path
    encoding: str
    delimiter: str
    columns: tuple[str, ...]
    name: str  # the source as messages name it (a path, or "<stdin>")

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        encoding: str | None = None,
        delimiter: str | None = None,
        name: str | None = None,
    ) -> TabularFile:
        shown = name or str(path)
        try:
            with path.open("rb") as handle:
                head = handle.read(_BLOCK)
                chosen = encoding or detect_encoding(head, iter(lambda: handle.read(_BLOCK), b""))
        except OSError as exc:
            raise UnreadableInput(shown, system_reason(exc)) from exc
        if chosen.lower().replace("-", "") in ("utf8", "utf8sig") and head.startswith(
            codecs.BOM_UTF8
        ):
            chosen = "utf-8-sig"
        first = head.decode(chosen, errors="replace").lstrip("\ufeff").splitlines()
        if not first:
            raise TabularError(N_("{path}: the file is empty", path=shown))
        delim = {"tab": "\t", "\\t": "\t"}.get(delimiter or "", delimiter) or sniff_delimiter(
            first[0]
        )
        if len(delim) != 1 or delim in '\r\n"':
            wrong = N_("delimiter {delim!r}: give one character, such as ; , | or tab", delim=delim)
            raise TabularError(wrong)
        columns = tuple(c.strip() for c in next(csv.reader([first[0]], delimiter=delim)))
        duplicates = sorted({c for c in columns if columns.count(c) > 1})
        if duplicates:
            twice = N_(
                "{path}: column(s) {columns} appear twice in the header",
                path=shown,
                columns=str(duplicates),
            )
            raise TabularError(twice)
        return cls(path, chosen, delim, columns, shown)

    def rows(self) -> Iterator[SourceRow]:
        """Data rows, streamed. A row with a different number of cells is an error, and so
        is a byte the encoding cannot decode (named with the line after which it comes)."""
        for number, cells in self.numbered_cells():
            yield SourceRow(number, dict(zip(self.columns, cells, strict=True)))

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        """Where the source is read again: an OSError there (the file gone, a failing disk
        or share) is an `UnreadableInput` naming the source, not taken for an error of
        whatever the caller writes meanwhile."""
        try:
            yield
        except OSError as exc:
            raise UnreadableInput(self.name, system_reason(exc)) from exc

    def numbered_cells(self) -> Iterator[tuple[int, list[str]]]:
        """(line number where the row starts, its cells) of each data row, as `rows` reads
        them, without making a dict of each."""
        with self.reading(), self.path.open(encoding=self.encoding, newline="") as handle:
            reader = csv.reader(handle, delimiter=self.delimiter)
            try:
                yield from self.cells_of(reader)
            except UnicodeDecodeError as exc:
                byte = repr(exc.object[exc.start : exc.start + 1])
                mixed = N_(
                    "{path}: after line {line}: a byte that is not {encoding} ({byte}): the file "
                    "mixes encodings; re-save it in one, or give --encoding",
                    path=self.name,
                    line=str(reader.line_num),
                    encoding=self.encoding,
                    byte=byte,
                )
                raise TabularError(mixed) from None
            except csv.Error as exc:
                raise TabularError(f"{self.name}:{reader.line_num}: {exc}") from None

    def cells_of(
        self, reader: Any, before: int = 0, header: bool = True
    ) -> Iterator[tuple[int, list[str]]]:
        """The data rows of a csv reader over the file (`header`: its start), or over the
        part after its first `before` lines."""
        if header:
            next(reader, None)
        start = before + reader.line_num + 1
        for cells in reader:
            first = cells[0] if cells else ""
            # A first cell with more than blanks (nearly every row) says the row is not blank.
            if (not first or first.isspace()) and not "".join(cells).strip():
                start = before + reader.line_num + 1
                continue
            if len(cells) != len(self.columns):
                raise TabularError(
                    N_(
                        "{path}:{row}: {cells} cells where the header has {columns} columns "
                        "(delimiter {delimiter!r})",
                        path=self.name,
                        row=str(start),
                        cells=len(cells),
                        columns=len(self.columns),
                        delimiter=self.delimiter,
                    )
                )
            yield start, cells
            start = before + reader.line_num + 1

    def column(self, name: str) -> Iterator[str]:
        for row in self.rows():
            yield row.values[name]
