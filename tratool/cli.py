"""The ``tratool`` command: thin shells over the library.

Exit codes, for every command: 0 success; 1 the input was read but has errors; 2 usage error
or unreadable input. Errors go to stderr as ``path:line:column: severity field: message``.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path
from typing import NoReturn

import click

from . import __version__, export
from .errors import ParseError, TraError, UnreadableInput
from .fsutil import atomic_output, same_file
from .reader import read
from .summary import Summary, summarize

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2

encoding_option = click.option(
    "--encoding",
    default="cp1252",
    show_default=True,
    help="Encoding of the input (cp1252 is Cegid's ANSI; also utf-8, iso-8859-15…).",
)


def _fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    click.echo(f"tratool: {message}", err=True)
    sys.exit(code)


def _report(errors: list[ParseError], total: int | None = None) -> None:
    for error in errors:
        click.echo(str(error), err=True)
        if error.hint:
            click.echo(f"    hint: {error.hint}", err=True)
    if total is not None and total > len(errors):
        click.echo(f"… and {total - len(errors)} more problem(s) not shown", err=True)


def _amount(value: Decimal) -> str:
    """French display: 12 345,67."""
    return f"{value:,.2f}".replace(",", " ").replace(".", ",")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tratool")
def main() -> None:
    """Read, check and convert Cegid TRA accounting files."""


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@encoding_option
def show(file: Path, encoding: str) -> None:
    """Show a TRA file's header and totals."""
    try:
        summary, errors = summarize(file, encoding=encoding)
    except UnreadableInput as exc:
        _fail(str(exc))
    click.echo(_render_summary(summary))
    _report(errors)
    if any(e.severity == "error" for e in errors):
        sys.exit(EXIT_ERRORS)


def _render_summary(summary: Summary) -> str:
    h, t = summary.header, summary.totals
    rows = [summary.path]
    if h is None:
        rows.append("  header     (missing or unreadable)")
    else:
        stamp = f"{h.generated_at:%d/%m/%Y %H:%M}" if h.generated_at else "no timestamp"
        rows.append(
            f"  header     {h.product} {h.origin} {h.content} {h.format}, version {h.version}, "
            f"generated {stamp} by {h.user or '?'}"
        )
    rows.append(
        f"  lines      {t.lines} ({t.entries} entries, {t.parameter_records} parameter "
        f"records, {t.unreadable_lines} unreadable)"
    )
    rows.append(f"  pièces     {t.pieces}")
    journals = ", ".join(f"{code} ({n})" for code, n in sorted(t.journals.items()))
    rows.append(f"  journals   {journals or '-'}")
    if t.first_date and t.last_date:
        rows.append(f"  dates      {t.first_date:%d/%m/%Y} → {t.last_date:%d/%m/%Y}")
    rows.append(f"  debit      {_amount(t.debit)}")
    rows.append(f"  credit     {_amount(t.credit)}")
    balance = t.debit - t.credit
    if balance:
        rows.append(f"  balance    {_amount(balance)} (debit - credit: the file does not balance)")
    endings = ", ".join(f"{n} {kind}" for kind, n in sorted(summary.line_endings.items()))
    rows.append(f"  endings    {endings}")
    return "\n".join(rows)


@main.command(name="export")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--to", "fmt", type=click.Choice(["json", "csv"]), required=True, help="Output format."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Output file (written atomically); standard output when omitted or '-'.",
)
@encoding_option
def export_command(file: Path, fmt: export.Format, output: Path | None, encoding: str) -> None:
    """Export the entries of a TRA file as JSON or CSV.

    One object (or row) per entry with canonical field names; dates ISO, amounts as strings
    ("1200.50"), empty fields null. A file with read errors produces no output file.
    """
    if output is not None and str(output) == "-":
        output = None
    if output is not None and same_file(file, output):
        _fail(f"{output}: is the input file; choose another output")
    try:
        reader = read(file, encoding=encoding)
    except UnreadableInput as exc:
        _fail(str(exc))
    with reader:
        try:
            if output is None:
                export.dump(reader, sys.stdout, fmt)
            else:
                with atomic_output(output, "w") as out:
                    export.dump(reader, out, fmt)
                    if reader.has_errors:
                        raise _Discard
        except _Discard:
            pass
    _report(reader.errors, reader.error_count)
    if reader.has_errors:
        if output is not None:
            click.echo(f"tratool: {output} not written: the input has errors", err=True)
        sys.exit(EXIT_ERRORS)


class _Discard(TraError):
    """Raised inside an atomic output to throw the temporary file away."""
