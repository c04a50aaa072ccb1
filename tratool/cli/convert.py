"""tratool convert: CSV and FEC to TRA."""

from __future__ import annotations

import functools
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from ..conversion import ConversionResult, convert
from ..display import printable
from ..errors import ConversionError, ConversionRejected, TraError
from ..validation import render
from ..validation.findings import Report
from .common import (
    EXIT_ERRORS,
    OutputPath,
    _,
    check_encoding,
    diagnostic,
    fail,
    french_amount,
    language,
    main,
    output_options,
    said,
    settings,
)
from .inputs import spooled


@main.command(name="convert")
@click.argument("source", type=click.Path(dir_okay=False, path_type=str))
@click.option(
    "-o",
    "--output",
    type=OutputPath(),
    required=True,
    help="The TRA file to write (atomically; never the input); '-' for standard output.",
)
@click.option(
    "--from",
    "source_format",
    type=click.Choice(["csv", "fec"]),
    help="Source format (default: FEC when the header has the FEC columns).",
)
@click.option(
    "--mapping",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Mapping file (TOML, see docs/convert.md); default: the usual French column names.",
)
@click.option(
    "--encoding",
    callback=check_encoding,
    help="Source encoding (default: detected: UTF-8, UTF-8 BOM or Windows-1252).",
)
@click.option("--delimiter", help="Source delimiter (default: sniffed among ; , tab |).")
@click.option(
    "--date-format",
    help="JJ/MM/AAAA, dd/mm/yyyy or %d/%m/%Y (default: deduced, never "
    "guessed between day and month first).",
)
@click.option("--journal", help="Journal code for every line (when the source has none).")
@click.option(
    "--transliterate",
    is_flag=True,
    help="Replace characters a TRA file cannot carry, and report each change.",
)
@click.option(
    "--truncate-labels", is_flag=True, help="Cut labels to 35 characters, and report each."
)
@click.option("--force", is_flag=True, help="Write even when the result has validation errors.")
@output_options
def convert_command(
    source: str,
    output: Path | None,
    source_format: str | None,
    mapping: Path | None,
    encoding: str | None,
    delimiter: str | None,
    date_format: str | None,
    journal: str | None,
    transliterate: bool,
    truncate_labels: bool,
    force: bool,
) -> None:
    """Convert a CSV or FEC file to TRA, validated before anything is written.

    SOURCE '-' reads standard input; -o - writes the TRA to standard output (the summary
    then goes to standard error).

    Exit status: 0 written; 1 rows that cannot be converted, or validation errors (nothing
    written unless --force); 2 usage error, unreadable input, invalid mapping, or an output
    that cannot be written (a full disk: nothing is left behind).
    """
    with spooled(source, suffix=".csv") as (path, name), _target(output) as target:
        try:
            result = convert(
                path,
                target,
                source_format=source_format,
                mapping=mapping,
                encoding=encoding,
                delimiter=delimiter,
                date_format_spec=date_format,
                journal=journal,
                transliterate=transliterate,
                truncate_labels=truncate_labels,
                force=force,
                source_name=name,
            )
        except ConversionError as exc:
            diagnostic(said(exc), important=True)
            sys.exit(EXIT_ERRORS)
        except ConversionRejected as exc:
            report = exc.report
            assert isinstance(report, Report)  # errors.py names only its shape (ReportLike)
            report.path = str(output or "<stdout>")
            listed = render.text(
                [report], severities=("error", "warning"), summary=False, lang=language()
            )
            diagnostic(listed.rstrip("\n"), important=True)
            message = _("{path} not written: fix the source, or use --force")
            fail(message.format(path=report.path), EXIT_ERRORS)
        except TraError as exc:  # the mapping, an unreadable source, a bad option
            fail(said(exc))
        except OSError as exc:  # writing: a full disk, a file size limit (the source is read)
            where = output or "<stdout>"
            fail(_("{path}: cannot write: {reason}").format(path=where, reason=exc.strerror or exc))
        if output is None:
            with target.open("rb") as converted:
                shutil.copyfileobj(converted, sys.stdout.buffer)
    _summarise(result, name, output)


@contextmanager
def _target(output: Path | None) -> Iterator[Path]:
    """The output path, or a temporary one whose content then goes to standard output."""
    if output is not None:
        yield output
        return
    with tempfile.TemporaryDirectory(prefix="tratool-") as folder:
        yield Path(folder) / "stdout.tra"


def _summarise(result: ConversionResult, name: str, output: Path | None) -> None:
    """Changes, warnings and totals: on stdout, or on stderr when stdout carries the TRA."""
    if settings().quiet:
        return
    say = functools.partial(click.echo, err=output is None)
    for change in result.changes:
        say(printable(_("changed  {change}").format(change=said(change.located_text(name)))))
    report = result.report
    report.path = str(output or "<stdout>")
    listed = render.text([report], severities=("error", "warning"), summary=False, lang=language())
    say(listed, nl=False)
    totals = report.totals
    converted = _("{name} ({format}, {rows} rows) -> {path}").format(
        name=name, format=result.source_format, rows=result.rows, path=report.path
    )
    say(printable(converted))
    say(
        "  "
        + _("entries {entries}, pièces {pieces}").format(
            entries=totals.entries, pieces=totals.pieces
        )
    )
    for side, total, source_total in (
        (_("debit"), totals.debit, result.debit_in),
        (_("credit"), totals.credit, result.credit_in),
    ):
        source = _("(source {amount})").format(amount=french_amount(source_total))
        say(f"  {side:<6}  {french_amount(total)} {source}")
    counted = _("validation: {errors} error(s), {warnings} warning(s)").format(
        errors=report.errors, warnings=report.warnings
    )
    forced = _(" — written because of --force") if report.errors else ""
    say(f"  {counted}{forced}")
