"""The ``tratool`` command group and what its commands share.

Commands are thin shells over the library: they parse options, call one library function,
print, and choose the exit status. Exit codes, for every command: 0 success; 1 the input was
read but has errors (or the import failed); 2 usage error, unreadable input or invalid
configuration; 4 a remote service refused or could not be reached.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from typing import NoReturn

import click

from .._version import __version__
from ..errors import ParseError

EXIT_OK, EXIT_ERRORS, EXIT_USAGE, EXIT_TRANSPORT = 0, 1, 2, 4

encoding_option = click.option(
    "--encoding",
    default="cp1252",
    show_default=True,
    help="Encoding of the input (cp1252 is Cegid's ANSI; also utf-8, iso-8859-15…).",
)


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    click.echo(f"tratool: {message}", err=True)
    sys.exit(code)


def report_parse_errors(errors: list[ParseError], total: int | None = None) -> None:
    for error in errors:
        click.echo(str(error), err=True)
        if error.hint:
            click.echo(f"    hint: {error.hint}", err=True)
    if total is not None and total > len(errors):
        click.echo(f"… and {total - len(errors)} more problem(s) not shown", err=True)


def french_amount(value: Decimal) -> str:
    """French display: 12 345,67."""
    return f"{value:,.2f}".replace(",", " ").replace(".", ",")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tratool")
def main() -> None:
    """Read, check and convert Cegid TRA accounting files, and import them into Cegid Loop
    exactly once (see the README and docs/)."""
