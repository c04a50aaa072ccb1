"""The ``tratool`` command: thin shells over the library.

Exit codes, for every command: 0 success; 1 the input was read but has errors; 2 usage error
or unreadable input. Errors go to stderr as ``path:line:column: severity field: message``.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from decimal import Decimal
from pathlib import Path
from typing import NoReturn

import attrs
import click

from . import __version__, export
from .config import ConfigError, dump_toml, load_config, parse_duration
from .errors import ParseError, TraError, UnreadableInput
from .fsutil import atomic_output, same_file
from .reader import read
from .redaction import RedactingFilter
from .summary import Summary, summarize
from .validation import ValidationConfig, config_for, render, validate

EXIT_OK, EXIT_ERRORS, EXIT_USAGE, EXIT_TRANSPORT = 0, 1, 2, 4

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


def _rule_list(values: tuple[str, ...]) -> tuple[str, ...]:
    """--select / --ignore take IDs or prefixes, repeated or comma-separated."""
    return tuple(part.strip().upper() for v in values for part in v.split(",") if part.strip())


@main.command(name="validate")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="text for people, json for programs, github for GitHub Actions annotations.",
)
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--select", multiple=True, help="Only these rules (IDs or prefixes, e.g. TRA-X).")
@click.option("--ignore", multiple=True, help="Skip these rules (IDs or prefixes).")
@click.option(
    "--max-findings",
    type=click.IntRange(min=1),
    default=10_000,
    show_default=True,
    help="Findings listed per file; the rest are counted.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Configuration file (default: nearest tratool.toml or pyproject.toml upward).",
)
@click.option("--print-config", is_flag=True, help="Print the effective configuration and exit.")
@encoding_option
def validate_command(
    files: tuple[Path, ...],
    fmt: str,
    strict: bool,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    max_findings: int,
    config_path: Path | None,
    print_config: bool,
    encoding: str,
) -> None:
    """Check TRA files against the rule catalogue (see docs/validation.md).

    Exit status: 0 no error (warnings allowed), 1 at least one error (or a warning with
    --strict), 2 usage error, unreadable input or invalid configuration.
    """

    def effective(file: Path | None) -> ValidationConfig:
        if config_path is not None:
            base = ValidationConfig.from_file(load_config(config_path))
        else:
            base = config_for(file if file is not None else Path.cwd())
        return attrs.evolve(
            base,
            select=_rule_list(select) or base.select,
            ignore=(*base.ignore, *_rule_list(ignore)),
        )

    try:
        if print_config:
            config = effective(files[0] if files else None)
            source = config.source or "(defaults: no configuration file found)"
            click.echo(f"# {source}\n" + dump_toml("validate", config.to_toml()), nl=False)
            return
        if not files:
            _fail("no file to validate (usage: tratool validate FILE...)")
        reports = [
            validate(f, effective(f), encoding=encoding, max_findings=max_findings) for f in files
        ]
    except (UnreadableInput, ConfigError) as exc:
        _fail(str(exc))
    if fmt == "json":
        click.echo(render.to_json(reports))
    elif fmt == "github":
        output = render.github(reports)
        if output:
            click.echo(output)
    else:
        click.echo(render.text(reports, color=sys.stdout.isatty()), nl=False)
    if not all(r.passed(strict=strict) for r in reports):
        sys.exit(EXIT_ERRORS)


def _verbose_logging() -> None:
    """Debug trace on stderr, secrets redacted (the SDK's own logs included)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    for name in ("tratool", "azure"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.DEBUG)
        logger.addHandler(handler)


def _progress_bar(size: int) -> tuple[object, object]:
    """A progress bar on an interactive terminal; nothing in CI or in a pipe."""
    if os.environ.get("CI") or not sys.stderr.isatty():
        return None, None
    bar = click.progressbar(length=size, label="uploading", file=sys.stderr)
    seen = [0]

    def hook(done: int, total: int | None) -> None:
        bar.update(done - seen[0])
        seen[0] = done

    return bar, hook


@main.command(name="upload")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--container", help="Blob container (created if missing).  [default: tratool]")
@click.option("--blob-name", help="Blob name (default: <prefix>/<sha256>/<file name>).")
@click.option("--prefix", help="Prefix of content-addressed names.  [default: tra]")
@click.option(
    "--expiry", default="48h", show_default=True, help="SAS lifetime, at least 24h (e.g. 30h, 2d)."
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("-v", "--verbose", is_flag=True, help="Trace storage calls on stderr (redacted).")
def upload_command(
    file: Path,
    container: str | None,
    blob_name: str | None,
    prefix: str | None,
    expiry: str,
    fmt: str,
    verbose: bool,
) -> None:
    """Upload a file to Azure Blob Storage and print a read-only SAS URL for Cegid Loop.

    Credentials come from the environment only: AZURE_STORAGE_CONNECTION_STRING; or
    AZURE_STORAGE_ACCOUNT_URL with AZURE_STORAGE_ACCOUNT_KEY; or AZURE_STORAGE_ACCOUNT_URL
    alone (Microsoft Entra ID); or TRATOOL_STORAGE_CONTAINER_SAS_URL. See docs/upload.md.

    Exit status: 0 uploaded (or already there) and readable; 2 configuration problem;
    4 storage refused or could not be reached.
    """
    from . import storage

    try:
        lifetime = parse_duration(expiry)
    except ValueError as exc:
        _fail(f"--expiry: {exc}")
    if verbose:
        _verbose_logging()
    target = storage.StorageTarget.from_env(container=container, prefix=prefix)
    bar, hook = _progress_bar(file.stat().st_size)
    try:
        result = storage.upload(file, target, expiry=lifetime, blob_name=blob_name, progress=hook)  # type: ignore[arg-type]
    except storage.StorageConfigError as exc:
        _fail(str(exc))
    except storage.StorageTransportError as exc:
        _fail(str(exc), EXIT_TRANSPORT)
    finally:
        if bar is not None:
            bar.render_finish()  # type: ignore[attr-defined]
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "blob_url": result.blob_url,
                    "sas_url": result.sas_url,
                    "sha256": result.sha256,
                    "size": result.size,
                    "expires_at": result.expires_at.isoformat(),
                    "blob_name": result.blob_name,
                    "already_present": result.already_present,
                },
                indent=2,
            )
        )
        return
    state = "already present" if result.already_present else "uploaded"
    click.echo(f"{state:<10} {result.blob_name} ({result.size} bytes)")
    click.echo(f"sha256     {result.sha256}")
    click.echo(f"blob URL   {result.blob_url}")
    click.echo(f"expires    {result.expires_at:%Y-%m-%d %H:%M} UTC (read-only)")
    click.echo(f"SAS URL    {result.sas_url}")
