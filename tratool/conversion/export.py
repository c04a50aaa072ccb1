"""Export entries to JSON or CSV, one object / row per entry, with canonical field names.

Values are made portable: dates ISO ``YYYY-MM-DD``, amounts as strings with a decimal point
(``"1200.50"``) so no float ever touches money, and ``null`` / empty cell for empty fields.
Output is streamed: a million-line file exports in constant memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import json
from collections.abc import Iterable
from decimal import Decimal
from typing import IO, Any, Literal

from ..tra import layout
from ..tra.reader import TraReader
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
        row[name] = portable(value, _KINDS.get(name))
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
    writer = csv.DictWriter(out, fieldnames=columns(extended), lineterminator="\r\n")
    writer.writeheader()
    count = 0
    for line, entry in entries:
        writer.writerow({k: "" if v is None else v for k, v in entry_row(line, entry).items()})
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
    extended = reader.header is not None and reader.header.extended
    return write_csv(itertools.chain(first, entries), out, extended=extended)
