"""Commands on local files: show, export, validate."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import attrs
import click

from ..config import dump_toml, load_config
from ..display import listing, printable
from ..errors import ConfigError, UnreadableInput
from ..tra import layout
from ..tra.records import Header
from ..tra.summary import LINE_KINDS, Summary, summarize, summary_document
from ..validation import Report, ValidationConfig, config_for, render, validate
from ..validation.renderers import FORMAT_NAMES, RENDERERS
from ..validation.rules import check_rule_patterns
from .common import (
    EXIT_ERRORS,
    EXIT_OK,
    EXIT_USAGE,
    STDIO,
    OutputPath,
    _,
    diagnostic,
    encoding_option,
    fail,
    french_amount,
    language,
    main,
    output_options,
    report_parse_errors,
    said,
    settings,
    use_color,
    worst,
    write_report_file,
)
from .inputs import Input, expand

if TYPE_CHECKING:
    from ..conversion import export


@main.command()
@click.argument("file", type=click.Path(path_type=str))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people; json for programs (a stable document, see docs/reading-and-writing.md).",
)
@encoding_option
@output_options
def show(file: str, fmt: str, encoding: str) -> None:
    """Show a TRA file's header fields, its lines by kind and its totals (FILE '-' reads
    standard input)."""
    try:
        summary, errors = summarize(_source(file), encoding=encoding)
    except UnreadableInput as exc:
        fail(said(exc))
    if file == STDIO:
        summary = attrs.evolve(summary, path="<stdin>")
    if summary.header is None and summary.totals.lines == 0:
        message = _("{path}: the file is empty: no header, no entry")
        fail(message.format(path=summary.path), EXIT_ERRORS)
    if fmt == "json":
        document = summary_document(summary, errors)
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
    elif not settings().quiet:
        click.echo(printable(_render_summary(summary)))
    report_parse_errors(errors)
    if any(e.severity == "error" for e in errors):
        sys.exit(EXIT_ERRORS)


def _source(argument: str) -> Path | BinaryIO:
    """A path, or the binary standard input for '-' (read once, in one pass)."""
    return sys.stdin.buffer if argument == STDIO else Path(argument)


def _render_summary(summary: Summary) -> str:
    t = summary.totals
    rows = [summary.path, *_render_header(summary.header)]
    named = [(said(LINE_KINDS[kind]), n) for kind, n in summary.line_kinds.items() if n]
    kinds = ", ".join(f"{name} {n}" for name, n in named)
    nothing = _("none")
    journals = listing([f"{code} ({n})" for code, n in sorted(t.journals.items())])
    shown = [
        (_("lines"), f"{t.lines}: {kinds or nothing}"),
        (_("entries"), str(t.entries)),
        (_("pièces"), str(t.pieces)),
        (_("journals"), journals or "-"),
    ]
    if t.first_date and t.last_date:
        shown.append((_("dates"), f"{t.first_date:%d/%m/%Y} → {t.last_date:%d/%m/%Y}"))
    shown += [(_("debit"), french_amount(t.debit)), (_("credit"), french_amount(t.credit))]
    balance = t.debit - t.credit
    if balance:
        unbalanced = _("(debit - credit: the file does not balance)")
        shown.append((_("balance"), f"{french_amount(balance)} {unbalanced}"))
    endings = ", ".join(f"{n} {kind}" for kind, n in sorted(summary.line_endings.items()))
    shown.append((_("endings"), endings))
    width = max(11, *(len(label) + 1 for label, _value in shown))
    rows += [f"  {label:<{width}}{value}" for label, value in shown]
    return "\n".join(rows)


def _render_header(header: Header | None) -> list[str]:
    """Every header field, under its canonical name, as the file holds it."""
    label = _("header")
    if header is None:
        return [f"  {label:<11}" + _("(missing or unreadable)")]
    stamp = f"{header.generated_at:%d/%m/%Y %H:%M}" if header.generated_at else _("no timestamp")
    described = _("version {version}, generated {stamp} by {user}").format(
        version=header.version, stamp=stamp, user=header.user or "?"
    )
    kind = f"{header.product} {header.origin} {header.content} {header.format}"
    rows = [f"  {label:<11}{kind}, {described}"]
    for name in (*layout.HEADER.names, "trailer"):
        rows.append(f"    {name:<19}{_header_value(name, getattr(header, name))}")
    return rows


def _header_value(name: str, value: object) -> str:
    if value is None:
        return _("(none)")
    if isinstance(value, dt.datetime):
        return f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    # text as read: quoted when blank, and the raw trailer always
    return repr(value) if value == "" or name == "trailer" else str(value)


@main.command(name="export")
@click.argument("file", type=click.Path(path_type=str))
@click.option(
    "--to",
    "fmt",
    type=click.Choice(["json", "csv", "fec"]),
    required=True,
    help="Output format; fec is the French audit file (tab-separated, 18 columns).",
)
@click.option(
    "-o",
    "--output",
    type=OutputPath(),
    help="Output file (written atomically); standard output when omitted or '-'.",
)
@encoding_option
@output_options
def export_command(file: str, fmt: export.Format, output: Path | None, encoding: str) -> None:
    """Export the entries of a TRA file as JSON, CSV or FEC (FILE '-' reads standard input).

    JSON and CSV: one object (or row) per entry with canonical field names; dates ISO,
    amounts as strings ("1200.50"), empty fields null. FEC: the 18 standard columns,
    tab-separated (see docs/convert.md). A file with read errors produces no output file.
    """
    from ..conversion import export  # (here: `tratool validate` need not load the converter)

    try:
        result = export.export(_source(file), output or sys.stdout, to=fmt, encoding=encoding)
    except UnreadableInput as exc:
        fail(said(exc))
    except OSError as exc:
        fail(_("{path}: cannot write: {reason}").format(path=output, reason=exc.strerror or exc))
    report_parse_errors(result.errors, result.error_count)
    if result.has_errors:
        if output is not None:
            message = _("{path} not written: the input has errors").format(path=output)
            diagnostic(f"tratool: {message}", important=True)
        sys.exit(EXIT_ERRORS)


def _emit_report(
    reports: list[Report], fmt: str, output: Path | None, inputs: list[Path], lang: str = "en"
) -> None:
    """Print the report, or write it atomically to `output` (never over an input file)."""
    quiet = settings().quiet
    color = output is None and use_color(sys.stdout)
    if fmt == "text" and quiet:
        rendered = render.text(
            reports, color=color, severities=("error",), summary=False, lang=lang
        )
    elif fmt == "text":
        rendered = render.text(reports, color=color, lang=lang)
    else:
        rendered = RENDERERS[fmt](reports, lang=lang)
    if rendered and not rendered.endswith("\n"):
        rendered += "\n"
    if output is None:
        if quiet < 2:
            click.echo(rendered, nl=False, color=color or None)
        return
    write_report_file(rendered, output, inputs)


def _rule_list(values: tuple[str, ...]) -> tuple[str, ...]:
    """--select / --ignore take IDs or prefixes, repeated or comma-separated."""
    return tuple(part.strip().upper() for v in values for part in v.split(",") if part.strip())


@main.command(name="validate")
@click.argument("files", nargs=-1, type=click.Path(path_type=str))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMAT_NAMES),
    default="text",
    show_default=True,
    help="text for people, json for programs, github for GitHub Actions annotations, "
    "sarif for code scanning, junit for CI test views, gitlab for Code Quality, html for a "
    "self-contained page.",
)
@click.option(
    "-o",
    "--output",
    type=OutputPath(),
    help="Write the report to this file (atomically) instead of standard output ('-').",
)
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--select", multiple=True, help="Only these rules (IDs or prefixes, e.g. TRA-X).")
@click.option("--ignore", multiple=True, help="Skip these rules (IDs or prefixes).")
@click.option(
    "--exclude",
    multiple=True,
    help="Skip files and folders matching this pattern when searching a folder (e.g. old).",
)
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
@click.option(
    "--dossier",
    "dossier_code",
    help="Also check against this Loop dossier's settings (journals, accounts, sections, "
    "establishments; cached, see docs/validation.md).",
)
@click.option("--refresh-settings", is_flag=True, help="With --dossier: read Loop again.")
@click.option("--profile", help="With --dossier: a [profiles.NAME] of tratool.toml.")
@encoding_option
@output_options
def validate_command(
    files: tuple[str, ...],
    fmt: str,
    output: Path | None,
    strict: bool,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    exclude: tuple[str, ...],
    max_findings: int,
    config_path: Path | None,
    print_config: bool,
    dossier_code: str | None,
    refresh_settings: bool,
    profile: str | None,
    encoding: str,
) -> None:
    """Check TRA files against the rule catalogue (see docs/validation.md).

    FILES are files, folders (searched for *.tra and *.TRA files, recursively) or '-' for
    standard input. A file that cannot be read is reported and the others are still checked.

    Exit status: 0 no error (warnings allowed), 1 at least one error (or a warning with
    --strict), 2 usage error, unreadable input or invalid configuration; with several files,
    the worst of them.
    """
    with_dossier = _dossier_check(dossier_code, profile, refresh_settings)
    config_path = config_path or settings().config
    try:  # before any file: a typo must never switch a check off
        check_rule_patterns(_rule_list(select), "", source="--select")
        check_rule_patterns(_rule_list(ignore), "", source="--ignore")
    except ConfigError as exc:
        fail(said(exc))

    def effective(file: Path | None) -> ValidationConfig:
        if config_path is not None:
            base = ValidationConfig.from_file(load_config(config_path))
        else:
            base = config_for(file if file is not None else Path.cwd())
        chosen = attrs.evolve(
            base,
            select=_rule_list(select) or base.select,
            ignore=(*base.ignore, *_rule_list(ignore)),
        )
        return with_dossier(chosen)

    if print_config:
        try:
            config = effective(Path(files[0]) if files and files[0] != STDIO else None)
        except ConfigError as exc:
            fail(said(exc))
        source = config.source or _("(defaults: no configuration file found)")
        click.echo(f"# {source}\n" + dump_toml("validate", config.to_toml()), nl=False)
        return
    if not files:
        fail(_("no file to validate (usage: tratool validate FILE|FOLDER|- ...)"))
    inputs = expand(files, exclude)
    reports, codes = _validate_each(
        inputs, effective, encoding=encoding, max_findings=max_findings, strict=strict
    )
    if not reports and output is not None:  # nothing read: a file named -o stays as it was
        message = _("{path} not written: no file could be read").format(path=output)
        diagnostic(f"tratool: {message}", important=True)
        sys.exit(worst(codes))
    _emit_report(reports, fmt, output, [i.path for i in inputs if i.path is not None], language())
    sys.exit(worst(codes))


def _dossier_check(
    code: str | None, profile: str | None, refresh: bool
) -> Callable[[ValidationConfig], ValidationConfig]:
    """What --dossier adds to each file's configuration: the dossier's settings, read now
    (stop here if Loop refuses them). Without --dossier, nothing, and Loop's client, which took
    a third of the command's start-up, is not even imported."""
    if code is None:
        return lambda config: config
    from ..submission.dossier_settings import with_settings
    from .dossier import settings_for_validation

    settings = settings_for_validation(code, profile, refresh=refresh)
    return lambda config: with_settings(config, settings)


def _validate_each(
    inputs: list[Input],
    effective: Callable[[Path | None], ValidationConfig],
    *,
    encoding: str,
    max_findings: int,
    strict: bool,
) -> tuple[list[Report], list[int]]:
    """The report of each readable input, and every input's exit code (an unreadable one is
    reported on stderr and counted as a usage error; the others are still checked)."""
    codes: list[int] = []
    reports: list[Report] = []
    for item in inputs:
        try:
            if item.problem is not None:
                raise UnreadableInput(item.name, item.problem)
            report = validate(
                item.path or sys.stdin.buffer,
                effective(item.path),
                encoding=encoding,
                max_findings=max_findings,
            )
        except (UnreadableInput, ConfigError) as exc:
            diagnostic(f"tratool: {said(exc)}", important=True)
            codes.append(EXIT_USAGE)
            continue
        report.path = item.name
        reports.append(report)
        codes.append(EXIT_OK if report.passed(strict=strict) else EXIT_ERRORS)
    return reports, codes
