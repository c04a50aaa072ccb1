"""Export entries to JSON, CSV or FEC, one object / row per entry, with canonical field names.

    result = tratool.export("PG00001.TRA", "entries.json", to="json")

Values are made portable: dates ISO ``YYYY-MM-DD``, amounts as strings with a decimal point
(``"1200.50"``) so no float ever touches money, and ``null`` / empty cell for empty fields.
Output is streamed: a million-line file exports in constant memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import json
import os
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Literal

import attrs

from .._fsutil import atomic_output, same_file
from ..errors import ParseError, UnreadableInput
from ..i18n import N_
from ..tra import layout
from ..tra.lines import Source
from ..tra.reader import TraReader, read
from ..tra.records import Entry, entry_as_dict

Format = Literal["json", "csv", "fec"]


def columns(extended: bool) -> list[str]:
    """The export columns: line number, the STD fields, then every ETE field when extended."""
    names = ["line", *layout.ENTRY.names]
    if extended:
        seen = set(names)
        for lay in (layout.ETE_GENERAL, layout.ETE_ANALYTIC):
            for name in lay.names:
                if name not in seen:
                    seen.add(name)
                    names.append(name)
    return names


def portable(value: Any, kind: layout.Kind | None = None) -> str | int | None:
    if type(value) is str:  # most fields: first, for the export of a large file
        return value or None
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        if kind is layout.Kind.AMOUNT and value == value.quantize(Decimal("0.01")):
            value = value.quantize(Decimal("0.01"))
        return format(value, "f")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, int):
        return value
    return str(value)


_KINDS = {
    f.name: f.kind
    for lay in (layout.ENTRY, layout.ETE_GENERAL, layout.ETE_ANALYTIC)
    for f in lay.fields
}


def entry_row(line: int, entry: Entry) -> dict[str, str | int | None]:
    row: dict[str, str | int | None] = {"line": line}
    for name, value in entry_as_dict(entry).items():
        row[name] = portable(value, _KINDS[name])
    return row


def write_json(entries: Iterable[tuple[int, Entry]], out: IO[str]) -> int:
    """A JSON array, one object per entry, written as it goes. Returns the entry count."""
    count = 0
    out.write("[")
    for line, entry in entries:
        out.write(",\n  " if count else "\n  ")
        out.write(json.dumps(entry_row(line, entry), ensure_ascii=False))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def write_csv(entries: Iterable[tuple[int, Entry]], out: IO[str], *, extended: bool) -> int:
    """CSV with a header row; empty fields are empty cells. Returns the entry count."""
    names = columns(extended)
    known = frozenset(names)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(names)
    count = 0
    for line, entry in entries:
        row = entry_row(line, entry)
        if not known.issuperset(row):  # (as DictWriter refused it: never a field dropped)
            raise ValueError(f"line {line}: fields {sorted(set(row) - known)} have no column")
        writer.writerow(["" if (value := row.get(name)) is None else value for name in names])
        count += 1
    return count


def dump(reader: TraReader, out: IO[str], fmt: Format) -> int:
    """Export every entry the reader yields. Returns the entry count."""
    if fmt == "fec":
        from .fec import write_fec

        return write_fec(reader, out)
    entries = reader.entries()
    if fmt == "json":
        return write_json(entries, out)
    # CSV columns depend on the header (STD or ETE); reading the first entry reads it.
    first = list(itertools.islice(entries, 1))
    # Without a readable header (an error the reader reports) lines are typed by their width,
    # so any of them may carry the ETE part: every column then, rather than a crash.
    extended = reader.header is None or reader.header.extended
    return write_csv(itertools.chain(first, entries), out, extended=extended)


@attrs.frozen(kw_only=True)
class ExportResult:
    entries: int  # entries exported
    errors: list[ParseError]  # what the reader found (at most its `max_errors`)
    error_count: int  # every problem found
    written: bool  # False: `out` was a file and was left untouched, the input having errors

    @property
    def has_errors(self) -> bool:
        return any(e.severity == "error" for e in self.errors)


def export(
    source: Source, out: str | Path | IO[str], *, to: Format = "json", encoding: str = "cp1252"
) -> ExportResult:
    """Export every entry of the TRA file `source` to `out` as `to` (json, csv or fec).

    A path `out` is written atomically, and only when the input reads without error: a file
    with read errors leaves no output behind. A stream `out` receives the export as it goes.
    Raises `UnreadableInput` when `source` cannot be read, or is the output file itself.
    """
    paths = isinstance(source, (str, os.PathLike)) and isinstance(out, (str, Path))
    if paths and same_file(source, out):  # type: ignore[arg-type]
        raise UnreadableInput(str(out), N_("is the input file; choose another output"))
    with read(source, encoding=encoding) as reader:
        if not isinstance(out, (str, Path)):
            count = dump(reader, out, to)
            written = True
        else:
            with atomic_output(Path(out), "w", keep=lambda: not reader.has_errors) as file:
                count = dump(reader, file, to)
            written = not reader.has_errors
    return ExportResult(
        entries=count, errors=reader.errors, error_count=reader.error_count, written=written
    )
