"""Converters: CSV and FEC to TRA (and, in `fec`, TRA to FEC).

`convert` reads the source once to settle the date format when it was not given, then streams
rows into entries, writes them to a temporary TRA file beside the output, validates that file
with the rule catalogue, and renames it over the output only when it has no error (or when
forced). The input is never modified; on failure nothing is left behind.
"""

from __future__ import annotations

import array
import contextlib
import datetime as dt
import os
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import IO, Literal, cast

import attrs

from .._fsutil import WriteBehind, pending_output, same_file
from .._system import usable_cores
from ..errors import ConfigError, ConversionError, ConversionRejected, TraError, WriteError
from ..i18n import N_, TextValueError
from ..tra.records import Entry, Header
from ..tra.writer import LineWriter, write
from ..validation import Report, ValidationConfig, config_for, validate
from . import fec, footers
from .build import EntryBuilder, RowProblem
from .cells import date_format, detect_date_format
from .mapping import Mapping
from .tabular import SourceRow, TabularFile

__all__ = ["ConversionError", "ConversionRejected", "ConversionResult", "Mapping", "convert"]

# A smaller source goes through the builder alone: it would not repay importing numpy.
GRID_FROM_BYTES = 64 << 10


@attrs.frozen
class ConversionResult:
    output: Path
    source_format: str  # "csv" or "fec"
    rows: int
    entries: int
    debit_in: Decimal  # totals read from the source
    credit_in: Decimal
    report: Report  # validation of the written file (its totals are the output's)
    changes: tuple[RowProblem, ...]
    written: bool


def _mapping(
    table: TabularFile, source: str | None, mapping_path: Path | None, overrides: dict[str, object]
) -> tuple[str, Mapping]:
    kind = source or ("fec" if fec.is_fec(table.columns) else "csv")
    if mapping_path is not None:
        chosen = Mapping.load(mapping_path, **overrides)
    elif kind == "fec":
        chosen = fec.fec_mapping(**overrides)
    else:
        chosen = Mapping.guess(table.columns, **overrides)
    chosen.check(table.columns)
    return kind, chosen


def convert(
    source: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    source_format: str | None = None,
    mapping: str | os.PathLike[str] | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    date_format_spec: str | None = None,
    journal: str | None = None,
    transliterate: bool = False,
    truncate_labels: bool = False,
    force: bool = False,
    config: ValidationConfig | None = None,
    source_name: str | None = None,
    engine: Literal["fast", "reference"] = "fast",
) -> ConversionResult:
    """Convert a CSV or FEC file to a TRA file. See docs/convert.md.

    Raises `ConversionError` (row problems, located by row and column),
    `ConversionRejected` (the result fails validation and `force` is off), `ConfigError`
    (mapping), `TabularError` / `UnreadableInput` (the source itself). `source_name` is how
    messages name the source when its path is not telling (a copy of standard input).
    `engine` ``"fast"`` writes the rows it proves plain as byte grids (conversion/grid.py);
    ``"reference"`` builds an `Entry` of every row and writes it, and validates the output
    with the reference engine: the oracle, same output. Another value is a `ValueError`.
    """
    if engine not in ("fast", "reference"):
        raise ValueError(f"unknown conversion engine {engine!r}: 'fast' or 'reference'")
    src, out = Path(source), Path(output)
    if same_file(src, out):
        raise TraError(N_("{path}: is the input file; choose another output", path=str(out)))
    table = TabularFile.open(src, encoding=encoding, delimiter=delimiter, name=source_name)
    overrides: dict[str, object] = {}
    if date_format_spec:
        try:
            overrides["date_format"] = date_format(date_format_spec)
        except ValueError as exc:
            reason = exc.text if isinstance(exc, TextValueError) else str(exc)
            raise ConfigError("--date-format", reason) from None
    if journal:
        overrides["constants"] = {"journal": journal}
    kind, chosen = _mapping(table, source_format, Path(mapping) if mapping else None, overrides)
    if journal and mapping:
        chosen = attrs.evolve(chosen, constants={**chosen.constants, "journal": journal})
    fmt, unknown_format = _date_format(table, chosen)
    builder = EntryBuilder(
        chosen, date_format=fmt, transliterate=transliterate, truncate_labels=truncate_labels
    )
    if unknown_format is not None:
        builder.problems.append(unknown_format)
    report = _write_validated(out, table, builder, (config, force, engine))
    return ConversionResult(
        output=out,
        source_format=kind,
        rows=builder.rows,
        entries=report.totals.entries,
        debit_in=builder.debit_in,
        credit_in=builder.credit_in,
        report=report,
        changes=tuple(builder.changes),
        written=True,
    )


def _date_format(table: TabularFile, chosen: Mapping) -> tuple[str | None, RowProblem | None]:
    """(the mapping's date format or the one every value of the date column fits, None), or
    (None, why there is none): the other rows are then still checked, so one run lists every
    problem, and their dates are left unread."""
    fmt = chosen.date_format and date_format(chosen.date_format)
    if fmt:
        return fmt, None
    column = chosen.column("date")
    if column is None:
        return "%Y-%m-%d", None  # a constant date is written the ISO way
    dated = [(row.number, row.values[column]) for row in _entry_rows(table, chosen)]
    try:
        return detect_date_format(value for _, value in dated), None
    except ValueError as exc:
        first = next((number for number, value in dated if value.strip()), 2)
        reason = exc.text if isinstance(exc, TextValueError) else str(exc)
        return None, RowProblem(first, column, reason)


def _entry_rows(
    table: TabularFile,
    mapping: Mapping,
    notices: list[RowProblem] | None = None,
    problems: list[RowProblem] | None = None,
) -> Iterator[SourceRow]:
    """The rows that are entries: total rows noted and skipped, other footers refused (not
    noted when `notices` / `problems` is None)."""
    noted = [] if notices is None else notices
    refused = [] if problems is None else problems
    for row in table.rows():
        if footers.entry_or_noted(row, mapping, noted, refused):
            yield row


def _write_validated(
    out: Path,
    table: TabularFile,
    builder: EntryBuilder,
    how: tuple[ValidationConfig | None, bool, Literal["fast", "reference"]],
) -> Report:
    """Write the entries beside `out`, validate that file, and put it in place only when it
    has no error (or `force`); any problem leaves `out` untouched. `how`: the validation's
    configuration, `force`, the engine (fast: plain rows written as grids, the output
    validated by the fast engine)."""
    config, force, engine = how
    rows = _Sources()  # of the written entries, to place the writer's problems
    # The temporary file ends in .tra so that the file-name rule (TRA-D04) judges the output.
    with pending_output(out, "wb", suffix=".tra") as pending:
        try:
            with _behind(pending.stream) as stream:
                _write(table, builder, rows, stream, engine == "fast")
        except WriteError as exc:
            builder.problems.extend(_located(exc, rows, builder.mapping))
        if builder.problems:
            raise ConversionError(table.name, builder.problems)
        pending.sync_ahead()  # (the file goes to disk while it is validated)
        report = validate(pending.path, config or config_for(out.parent / out.name), engine=engine)
        report.path = str(out)
        if report.errors and not force:
            raise ConversionRejected(report)
    return report


def _behind(stream: IO[bytes]) -> contextlib.AbstractContextManager[IO[bytes]]:
    """`stream`, written by a thread of its own when the process may use a second core: the
    kernel then copies each chunk while the next lines are made (a write holds no GIL). On
    one core that thread would only take turns with this one."""
    if usable_cores() < 2:
        return contextlib.nullcontext(stream)
    return cast(contextlib.AbstractContextManager[IO[bytes]], WriteBehind(stream))


def _write(
    table: TabularFile,
    builder: EntryBuilder,
    rows: _Sources,
    stream: IO[bytes],
    grid: bool,
) -> None:
    """The header and the entries: plain rows as byte grids (conversion/grid.py) when the
    mapping allows, every other row through the builder and the writer."""
    header = Header(
        format=builder.mapping.format,
        generated_at=dt.datetime.now().replace(second=0, microsecond=0),
    )
    if grid and table.path.stat().st_size >= GRID_FROM_BYTES:
        from .grid import GridConverter, applies  # numpy: only when the grid path may run

        grid = applies(builder)
    else:
        grid = False
    if not grid:
        write(_records(header, table, builder, rows.in_order), stream)
        return
    lines = LineWriter(stream, getattr(stream, "name", "<stream>"))
    GridConverter(table, builder, lines, rows.rendered).convert(header)
    lines.close()


def _records(
    header: Header, table: TabularFile, builder: EntryBuilder, rows: array.array[int]
) -> Iterator[Header | Entry]:
    yield header
    rows_read = _entry_rows(table, builder.mapping, builder.changes, builder.problems)
    for number, entry in builder.entries(rows_read):
        rows.append(number)
        yield entry


class _Sources:
    """The source row of each written entry, to place the writer's problems: every entry's
    in file order on the builder's path; on the grid path, only those of the lines the writer
    renders, by record number (it never judges a grid's lines)."""

    def __init__(self) -> None:
        self.in_order = array.array("L")
        self.rendered: dict[int, int] = {}

    def of(self, record: int) -> int:
        if record in self.rendered:
            return self.rendered[record]
        return self.in_order[record - 2] if 2 <= record <= len(self.in_order) + 1 else 0


def _located(exc: WriteError, rows: _Sources, chosen: Mapping) -> Iterator[RowProblem]:
    """The writer's problems (by output line) as problems of the source rows."""
    for p in exc.problems:
        yield RowProblem(
            rows.of(p.record),
            chosen.column(p.field or "") if p.field else None,
            f"{p.field}: {p.message}",
        )
