"""push, status, history, config show, doctor: the CI side of tratool.

push exit status: 0 succeeded (or submitted, with --no-wait); 1 validation errors or the import
finished with an error; 2 usage or configuration; 3 the deadline passed while Loop was still
importing (the message gives the exact `tratool status ID --wait` to resume); 4 transport or
authentication failure, or an import whose fate is unknown.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs
import click

from ..azure import StorageTarget
from ..config import dump_toml
from ..conversion import convert
from ..display import printable
from ..errors import (
    ConfigError,
    ConversionError,
    ConversionRejected,
    DuplicateSubmission,
    LoopAuthError,
    LoopConfigError,
    LoopError,
    LoopForbidden,
    LoopRejected,
    StorageConfigError,
    StorageError,
    TraError,
    UnreadableInput,
)
from ..loop import LoopClient
from ..submission import batch
from ..submission.batch import MAX_JOBS
from ..submission.dossier_settings import DossierSettings, with_settings
from ..submission.journal import SubmissionJournal
from ..submission.profiles import SECRET_VARIABLES, STORAGE_MODES, Profile, load_profile
from ..submission.push import PushResult, follow, outcome_of, push, status_label
from ..validation import Report, config_for, render
from ..validation.renderers import FORMAT_NAMES, RENDERERS
from ..workflow_commands import workflow_command
from .batch_display import Progress, counts, outcome_name
from .batch_display import summary as batch_summary
from .common import (
    EXIT_DEADLINE,
    EXIT_ERRORS,
    EXIT_TRANSPORT,
    EXIT_USAGE,
    _,
    fail,
    language,
    main,
    said,
    worst,
    write_report_file,
)
from .common import settings as cli_settings
from .dossier import settings_for_validation
from .inputs import stdin_as_file
from .loop import loop_failure

profile_option = click.option(
    "--profile",
    help="A [profiles.NAME] of tratool.toml (default: TRATOOL_PROFILE, else the top-level tables).",
)
journal_option = click.option(
    "--journal",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Submission journal (default: [push] journal, else TRATOOL_JOURNAL, else the user "
    "state directory).",
)


def _profile(name: str | None, **flags: Any) -> Profile:
    try:
        return load_profile(name, config_path=cli_settings().config, **flags)
    except ConfigError as exc:
        fail(said(exc))


def _open_journal(path: Path) -> SubmissionJournal:
    try:
        return SubmissionJournal(path)
    except UnreadableInput as exc:
        fail(_("{error} (--journal, [push] journal or TRATOOL_JOURNAL)").format(error=said(exc)))


def _say(fmt: str) -> Any:
    """Progress lines: on stdout for people, on stderr when stdout carries JSON."""

    def say(message: object) -> None:
        click.echo(f"{dt.datetime.now():%H:%M:%S}  {said(message)}", err=fmt == "json")

    return say


def _resume_command(request_id: str, profile: str | None) -> str:
    return f"tratool status {request_id} --wait" + (f" --profile {profile}" if profile else "")


@contextmanager
def _as_tra(
    file: Path,
    source_format: str | None,
    mapping: Path | None,
    say: Any,
    date_format: str | None = None,
) -> Iterator[Path]:
    """The file itself, or its conversion to TRA when it is a CSV or FEC."""
    if source_format is None and mapping is None:
        yield file
        return
    with tempfile.TemporaryDirectory(prefix="tratool-") as folder:
        target = Path(folder) / f"{file.stem}.tra"
        result = convert(
            file,
            target,
            source_format=source_format,
            mapping=mapping,
            date_format_spec=date_format,
        )
        converted = _("converted {file} ({rows} rows) to TRA: {entries} entries, {pieces} pièces")
        totals = result.report.totals
        say(
            converted.format(
                file=file, rows=result.rows, entries=totals.entries, pieces=totals.pieces
            )
        )
        yield target


def _push_one(
    file: Path,
    dossier: str,
    profile: Profile,
    journal: SubmissionJournal,
    *,
    target: StorageTarget | None,
    settings: DossierSettings | None,
    wait: bool,
    force: bool,
    source_format: str | None,
    mapping: Path | None,
    fmt: str,
    date_format: str | None = None,
    quiet: bool = False,
    keep_report: Callable[[Report], None] | None = None,
) -> dict[str, Any]:
    say = (lambda message: None) if quiet else _say(fmt)
    row: dict[str, Any] = {
        "file": str(file),
        "dossier": dossier,
        "outcome": None,
        "request_id": None,
        "status_code": None,
        "error": None,
        "resume": None,
    }
    try:
        with _as_tra(file, source_format, mapping, say, date_format) as tra:
            result = push(
                tra,
                source=file,
                dossier=dossier,
                target=target,
                client=LoopClient.from_env(profile.loop),
                # The user's file's tratool.toml (not the converted copy's temporary folder),
                # completed with the dossier's settings from Loop.
                config=with_settings(config_for(file), settings),
                journal=journal,
                wait=wait,
                force=force,
                expiry=profile.expiry,
                policy=profile.poll,
                on_event=say,
            )
    except (ConversionError, ConversionRejected) as exc:
        return {**row, "outcome": "invalid", "error": exc, "exit": EXIT_ERRORS}
    except DuplicateSubmission as exc:
        return {
            **row,
            # busy: another process holds the reservation right now
            "outcome": "busy" if exc.existing.state == "reserved" else "duplicate",
            "error": exc,
            "exit": EXIT_ERRORS,
            "request_id": exc.existing.request_id,
        }
    except (LoopAuthError, LoopForbidden) as exc:
        return {**row, "outcome": "error", "error": exc, "exit": EXIT_TRANSPORT}
    except (ConfigError, StorageConfigError, LoopConfigError) as exc:
        return {**row, "outcome": "error", "error": exc, "exit": EXIT_USAGE}
    except LoopRejected as exc:
        return {**row, "outcome": "rejected", "error": exc, "exit": EXIT_ERRORS}
    except (StorageError, LoopError) as exc:
        return {**row, "outcome": "error", "error": exc, "exit": EXIT_TRANSPORT}
    except TraError as exc:  # an unreadable CSV, a bad mapping…
        return {**row, "outcome": "error", "error": exc, "exit": EXIT_USAGE}
    if keep_report is not None:
        keep_report(result.report)
    return _describe(result, row, fmt, profile.name)


def _describe(
    result: PushResult, row: dict[str, Any], fmt: str, profile: str | None
) -> dict[str, Any]:
    if result.report.findings and (fmt == "github" or os.environ.get("GITHUB_ACTIONS")):
        click.echo(RENDERERS["github"]([result.report], lang=language()))
    if result.outcome == "invalid":
        click.echo(render.text([result.report], lang=language()), err=True, nl=False)
    exit_code = {
        "succeeded": 0,
        "submitted": 0,
        "invalid": EXIT_ERRORS,
        "failed": EXIT_ERRORS,
        "running": EXIT_DEADLINE,
        "interrupted": EXIT_TRANSPORT,
    }[result.outcome]
    resume = None
    if result.outcome in ("running", "interrupted") and result.request_id is not None:
        resume = _resume_command(result.request_id, profile)
    return {
        **row,
        "file": str(row["file"]),
        "sha256": result.sha256,
        "outcome": result.outcome,
        "request_id": result.request_id,
        "status_code": result.status.code if result.status else None,
        "storage": "azure" if result.upload else "loop",
        "blob_url": result.upload.blob_url if result.upload else None,
        "uri": result.uri,
        "validation": {"errors": result.report.errors, "warnings": result.report.warnings},
        "error": result.error,
        "resume": resume,
        "exit": exit_code,
    }


def _github_summary(rows: list[dict[str, Any]]) -> None:
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return
    lines = [
        "### tratool push",
        "",
        _("| file | dossier | outcome | Loop request |"),
        "|---|---|---|---|",
    ]
    lines += [
        f"| `{r['file']}` | {r['dossier']} | {outcome_name(r['outcome'])} | "
        f"{r['request_id'] or '-'} |"
        for r in rows
    ]
    lines += [f"\n> {r['file']}: {said(r['error'])}" for r in rows if r.get("error")]
    with open(path, "a", encoding="utf-8") as summary:
        summary.write("\n".join(lines) + "\n")


@main.command(name="push")
@click.argument(
    "files",
    nargs=-1,
    type=click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=Path),
    callback=stdin_as_file,
)
@click.option("--dossier", help="Loop client dossier code (codeIbs), for every file.")
@click.option(
    "--manifest",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Which file goes to which dossier: a CSV with file and dossier columns, or a TOML "
    '[files] table of "path" = "DOSSIER" (paths relative to the manifest).',
)
@click.option(
    "--dossier-from",
    metavar="REGEX",
    help="The dossier from each file name: the match's 'dossier' group, else its first group.",
)
@click.option(
    "--jobs",
    type=click.IntRange(1, MAX_JOBS),
    default=1,
    show_default=True,
    help="Pushes at once (one journal, shared safely).",
)
@profile_option
@click.option(
    "--wait/--no-wait", default=True, show_default=True, help="Follow the import until it ends."
)
@click.option(
    "--timeout", help="Overall deadline for --wait, e.g. 60m (default: [push] timeout, else 60m)."
)
@click.option(
    "--force",
    is_flag=True,
    help="Push despite validation errors or an earlier "
    "submission of the same file to the same dossier.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
)
@click.option(
    "--from",
    "source_format",
    type=click.Choice(["csv", "fec"]),
    help="Convert the files from CSV or FEC first.",
)
@click.option(
    "--mapping",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Mapping for CSV files (implies conversion).",
)
@click.option(
    "--date-format",
    help="Dates of the CSV, e.g. JJ/MM/AAAA or dd/mm/yyyy (with --from or --mapping).",
)
@click.option("--base-url", help="Loop base URL or preset (prod, inte).")
@click.option(
    "--storage",
    type=click.Choice(STORAGE_MODES),
    help="Where Loop reads the file: azure, loop (the storage Loop provides) or auto (azure "
    "when credentials are configured). Default: [storage] mode, else auto.",
)
@click.option(
    "--dossier-check/--no-dossier-check",
    default=True,
    show_default=True,
    help="Validate against the dossier's settings in Loop (journals, accounts, sections).",
)
@click.option("--refresh-settings", is_flag=True, help="Read the dossier's settings again.")
@click.option(
    "--report",
    "report_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the validation reports of the files to this file (see --report-format).",
)
@click.option(
    "--report-format",
    type=click.Choice(FORMAT_NAMES),
    default="json",
    show_default=True,
    help="Format of --report: the formats of tratool validate (sarif, junit, gitlab, html…).",
)
@journal_option
def push_command(
    files: tuple[Path, ...],
    dossier: str | None,
    manifest: Path | None,
    dossier_from: str | None,
    jobs: int,
    profile: str | None,
    wait: bool,
    timeout: str | None,
    force: bool,
    fmt: str,
    source_format: str | None,
    mapping: Path | None,
    date_format: str | None,
    base_url: str | None,
    storage: str | None,
    dossier_check: bool,
    refresh_settings: bool,
    report_file: Path | None,
    report_format: str,
    journal: Path | None,
) -> None:
    """Validate, upload and import TRA files into Cegid Loop, exactly once, and wait; many
    files into many dossiers with --manifest or --dossier-from, --jobs at once.

    See docs/push.md. Exit status, the worst of the files': 0 succeeded; 1 validation
    errors, a refused or failed import, or a file already pushed; 2 usage or configuration;
    3 still importing at the deadline; 4 transport or authentication failure.
    """
    if date_format and not (source_format or mapping):
        fail(_("--date-format is for CSV files: add --from csv (or --mapping)"))
    try:
        plan = batch.plan(files, dossier=dossier, manifest=manifest, dossier_from=dossier_from)
    except ConfigError as exc:
        fail(said(exc))
    chosen = _profile(profile, base_url=base_url, timeout=timeout, journal=journal)
    # Configuration first (the storage, a journal that cannot be opened): it stops all, before
    # any request to Loop.
    target, note = chosen.storage_choice(storage)
    _open_journal(chosen.journal).close()
    settings = {
        code: settings_for_validation(code, chosen, refresh=refresh_settings)
        if dossier_check
        else None
        for code in dict.fromkeys(job.dossier for job in plan)
    }
    if note:
        click.echo(f"tratool: {said(note)}", err=True)

    reports: dict[tuple[Path, str], Report] = {}  # the validation step's, by file and dossier

    def push_job(job: batch.Job) -> dict[str, Any]:
        # One journal connection per push (SQLite connections stay in their thread); the
        # journal's reservation makes concurrent pushes of one file go to Loop once.
        with SubmissionJournal(chosen.journal) as book:
            return _push_one(
                job.file,
                job.dossier,
                chosen,
                book,
                target=target,
                settings=settings[job.dossier],
                wait=wait,
                force=force,
                source_format=source_format,
                mapping=mapping,
                fmt=fmt,
                date_format=date_format,
                quiet=jobs > 1,  # step-by-step lines of concurrent pushes would interleave
                keep_report=lambda report: reports.__setitem__((job.file, job.dossier), report),
            )

    progress = Progress(len(plan))

    def done(job: batch.Job, row: dict[str, Any]) -> None:
        if fmt != "json":
            _print_row(row, chosen.name)
        progress.tick(row)

    rows = batch.run(plan, push_job, workers=jobs, on_done=done)
    progress.close()
    if report_file is not None:
        validated = [reports[key] for key in ((j.file, j.dossier) for j in plan) if key in reports]
        rendered = RENDERERS[report_format](validated, lang=language())
        write_report_file(rendered, report_file, list(files))
    _print_outcomes(rows, fmt)
    sys.exit(worst([r["exit"] for r in rows]))


def _print_outcomes(rows: list[dict[str, Any]], fmt: str) -> None:
    """What a push run says at its end: the batch table, the JSON document, the GitHub
    annotations and step summary (each file's own lines were printed as it finished)."""
    if len(rows) > 1 and fmt != "json":
        batch_summary(rows)
    if fmt == "json":
        document = {"ok": all(r["exit"] == 0 for r in rows), "summary": counts(rows)}
        # Messages stay English in JSON (for programs): str() of an error is its English.
        document = {**document, "results": rows}
        click.echo(json.dumps(document, indent=2, ensure_ascii=False, default=str))
    if fmt == "github" or os.environ.get("GITHUB_ACTIONS"):
        for row in rows:
            if row["exit"]:
                message = f"{row['file']}: {outcome_name(row['outcome'])}"
                message += f": {said(row['error'])}" if row.get("error") else ""
                if row.get("resume"):
                    message += _("; resume with: {command}").format(command=row["resume"])
                click.echo(workflow_command("error", message, title="tratool push"))
    _github_summary(rows)  # only where GitHub Actions provides GITHUB_STEP_SUMMARY


def _print_row(row: dict[str, Any], profile: str | None) -> None:
    outcome = row["outcome"]
    if row.get("error"):
        click.echo(f"tratool: {said(row['error'])}", err=True)
    if outcome == "running":
        message = _("still importing at the deadline; resume with:\n  {command}")
        click.echo(message.format(command=row["resume"]))
    if outcome == "interrupted":
        message = _(
            "the import was requested, then following it failed (it may still run to its "
            "end); resume with:\n  {command}"
        )
        click.echo(message.format(command=row["resume"]))
    text = {
        "succeeded": _("imported"),
        "submitted": _("submitted"),
        "failed": _("IMPORT FAILED"),
        "running": _("still importing"),
        "interrupted": _("IMPORT REQUESTED, NOT FOLLOWED"),
        "invalid": _("NOT SENT (validation errors)"),
        "duplicate": _("NOT SENT (already pushed)"),
        "busy": _("NOT SENT (another push of it is under way)"),
        "rejected": _("REFUSED by Loop"),
        "error": _("NOT DONE"),
    }[outcome]
    request = _(", Loop request {request}").format(request=row["request_id"])
    line = _("{outcome}: {file} -> dossier {dossier}{request}").format(
        outcome=text,
        file=row["file"],
        dossier=row["dossier"],
        request=request if row["request_id"] else "",
    )
    click.echo(line)
    if outcome == "failed":
        click.echo(
            "  "
            + _(
                "see Loop's import history (Comptabilité › Imports › Historique des "
                "imports) for the reason"
            )
        )


@main.command(name="status")
@click.argument("request_id")
@click.option("--wait", is_flag=True, help="Follow the import until it ends.")
@click.option("--timeout", help="Deadline for --wait, e.g. 30m.")
@profile_option
@click.option("--base-url", help="Loop base URL or preset (prod, inte).")
@journal_option
def status_command(
    request_id: str,
    wait: bool,
    timeout: str | None,
    profile: str | None,
    base_url: str | None,
    journal: Path | None,
) -> None:
    """Show (or, with --wait, follow) an import; records its end in the journal.

    Exit status: 0 succeeded; 1 failed; 3 not finished; 4 transport or authentication failure.
    """
    chosen = _profile(profile, base_url=base_url, timeout=timeout, journal=journal)
    client = LoopClient.from_env(chosen.loop)
    say = _say("text")
    try:
        with _open_journal(chosen.journal) as book:
            if wait:
                status = follow(client, book, request_id, chosen.poll, on_event=say)
            else:
                status = client.import_status(request_id)
                say(_("status: {label}").format(label=said(status_label(status))))
                entry = book.by_request(request_id)
                if entry is not None and status.terminal:
                    book.set_state(entry.id, status.state, status_code=status.code)
    except LoopError as exc:
        loop_failure(exc)
    outcome = outcome_of(status)
    if outcome == "running":
        message = _("not finished; resume with:\n  {command}")
        click.echo(message.format(command=_resume_command(request_id, profile)))
    sys.exit({"succeeded": 0, "failed": EXIT_ERRORS}.get(outcome, EXIT_DEADLINE))


@main.command(name="history")
@click.option("--dossier", help="Only this dossier.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@profile_option
@journal_option
def history_command(
    dossier: str | None, limit: int, fmt: str, profile: str | None, journal: Path | None
) -> None:
    """Past submissions, newest first."""
    chosen = _profile(profile, journal=journal)
    if not chosen.journal.exists():
        click.echo(_("no submission yet ({journal})").format(journal=chosen.journal))
        return
    with _open_journal(chosen.journal) as book:
        entries = list(book.history(dossier, limit))
    if fmt == "json":
        click.echo(json.dumps([attrs.asdict(e) for e in entries], indent=2, ensure_ascii=False))
        return
    rows = [(_("created"), _("dossier"), _("state"), _("storage"), _("Loop request"), _("file"))]
    rows += [
        (e.created_at, e.dossier, e.state, e.storage, e.request_id or "-", Path(e.file).name)
        for e in entries
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        click.echo(printable("  ".join([*cells, row[-1]])))


@main.group(name="config")
def config_group() -> None:
    """The effective configuration."""


@config_group.command(name="show")
@profile_option
@click.option(
    "--sources", is_flag=True, help="Say where each value comes from (file, environment, flag)."
)
def config_show(profile: str | None, sources: bool) -> None:
    """Print the effective push configuration as TOML that can be used again as is
    (tratool --config FILE ...). Secrets are never printed: only whether each is set."""
    chosen = _profile(profile)
    tables = chosen.to_toml()
    click.echo(
        "# " + _("tratool's effective configuration (secrets come from the environment only)")
    )
    click.echo("\n".join(dump_toml(name, values) for name, values in tables.items()), nl=False)
    click.echo("\n# " + _("credentials: {mode}").format(mode=chosen.storage_target().mode))
    for name in SECRET_VARIABLES:
        state = _("set (hidden)") if os.environ.get(name) else _("not set")
        click.echo(f"# {name}: {state}")
    if sources:
        click.echo("\n# " + _("where each value comes from (the others are defaults):"))
        for key, origin in sorted(chosen.sources.items()):
            click.echo(printable(f"#   {key}: {origin}"))


@main.command(name="doctor")
@profile_option
@click.option("--base-url", help="Loop base URL or preset (prod, inte).")
def doctor_command(profile: str | None, base_url: str | None) -> None:
    """Check credentials, storage, the Loop routes and the clock before a first push."""
    from ..submission.doctor import run_checks

    chosen = _profile(profile, base_url=base_url)
    failed = False
    marks = {"ok": _("ok"), "warn": _("warn"), "fail": _("FAIL")}
    width = max(len(mark) for mark in marks.values())
    for check in run_checks(chosen):
        mark = marks[check.level].ljust(width)
        click.echo(f"{mark}  {said(check.name)}: {said(check.detail)}")
        failed |= check.level == "fail"
    sys.exit(EXIT_TRANSPORT if failed else 0)
