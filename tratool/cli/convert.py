"""tratool convert: CSV and FEC to TRA."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..conversion import convert
from ..errors import (
    ConfigError,
    ConversionError,
    ConversionRejected,
    TabularError,
    TraError,
    UnreadableInput,
)
from ..validation import render
from .common import EXIT_ERRORS, fail, french_amount, main


@main.command(name="convert")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The TRA file to write (atomically; never the input).",
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
    "--encoding", help="Source encoding (default: detected: UTF-8, UTF-8 BOM or Windows-1252)."
)
@click.option("--delimiter", help="Source delimiter (default: sniffed among ; , tab |).")
@click.option(
    "--date-format",
    help="e.g. JJ/MM/AAAA or %d/%m/%Y (default: deduced, never "
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
def convert_command(
    source: Path,
    output: Path,
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

    Exit status: 0 written; 1 rows that cannot be converted, or validation errors (nothing
    written unless --force); 2 usage error, unreadable input or invalid mapping.
    """
    try:
        result = convert(
            source,
            output,
            source_format=source_format,
            mapping=mapping,
            encoding=encoding,
            delimiter=delimiter,
            date_format_spec=date_format,
            journal=journal,
            transliterate=transliterate,
            truncate_labels=truncate_labels,
            force=force,
        )
    except ConversionError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_ERRORS)
    except ConversionRejected as exc:
        click.echo(render.text([exc.report]), err=True, nl=False)
        fail(f"{output} not written: fix the source, or use --force", EXIT_ERRORS)
    except (ConfigError, TabularError, UnreadableInput) as exc:
        fail(str(exc))
    except TraError as exc:
        fail(str(exc))
    for change in result.changes:
        click.echo(f"changed  {change.located(str(source))}", err=True)
    totals = result.report.totals
    click.echo(f"{source} ({result.source_format}, {result.rows} rows) -> {output}")
    click.echo(f"  entries {totals.entries}, pièces {totals.pieces}")
    click.echo(f"  debit   {french_amount(totals.debit)} (source {french_amount(result.debit_in)})")
    click.echo(
        f"  credit  {french_amount(totals.credit)} (source {french_amount(result.credit_in)})"
    )
    click.echo(
        f"  validation: {result.report.errors} error(s), {result.report.warnings} "
        "warning(s)" + (" — written because of --force" if result.report.errors else "")
    )
