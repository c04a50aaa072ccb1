"""Reports as text (for people), JSON (for programs) and GitHub workflow commands (for CI)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import click

from ..display import listing, printable
from ..i18n import translator
from ..tra.values import format_money
from ..workflow_commands import Level, workflow_command
from .findings import Finding, Report

JSON_SCHEMA_VERSION = 1
_STYLES = {"error": "red", "warning": "yellow", "info": "cyan"}
_WINDOW = 72  # characters of the offending line shown around the column


def _excerpt(finding: Finding, color: bool = False) -> list[str]:
    """The offending line, cut around the column, with a caret under it."""
    if finding.source is None or finding.column is None:
        return []
    line, column = finding.source, finding.column
    start = max(0, min(column - 1 - _WINDOW // 2, len(line) - _WINDOW))
    # Control characters are shown escaped (\x1b): the caret counts their escapes.
    piece = printable(line[start : start + _WINDOW].replace("\t", " "))
    before = printable(line[start : column - 1].replace("\t", " "))
    prefix = "…" if start else ""
    suffix = "…" if start + _WINDOW < len(line) else ""
    caret = " " * (len(prefix) + len(before)) + (
        click.style("^", fg=_STYLES[finding.severity], bold=True) if color else "^"
    )
    return [f"    {prefix}{piece}{suffix}", f"    {caret}"]


ALL_SEVERITIES = ("error", "warning", "info")


def text(
    reports: Sequence[Report],
    *,
    color: bool = False,
    severities: Sequence[str] = ALL_SEVERITIES,
    summary: bool = True,
    lang: str = "en",
) -> str:
    """The findings of these severities, each file's summary after them when `summary`;
    everything in `lang`."""
    _ = translator(lang)
    levels = {"error": _("error"), "warning": _("warning"), "info": _("info")}
    out: list[str] = []
    for report in reports:
        path = printable(report.path)
        if summary:
            out.append(click.style(path, bold=True) if color else path)
        for f in report.findings:
            if f.rule == "TRA-D07" or f.severity not in severities:
                continue  # the totals finding is the summary block below
            where = ":".join(str(p) for p in (path, f.line, f.column) if p is not None)
            level = levels[f.severity]
            level = click.style(level, fg=_STYLES[f.severity]) if color else level
            rule = click.style(f.rule, bold=True) if color else f.rule
            field = f" {f.field}" if f.field else ""
            out.append(f"{where}: {level} {rule}{field}: {printable(f.message_in(lang))}")
            out.extend(_excerpt(f, color))
            hint = f.hint_in(lang)
            if hint:
                out.append("    " + _("hint: {hint}").format(hint=printable(hint)))
            if f.cegid_message:
                out.append(f"    Cegid : « {printable(f.cegid_message)} »")
        if not summary:
            continue
        if report.dropped:
            message = _("… {count} more finding(s) not shown (--max-findings)")
            out.append(message.format(count=report.dropped))
        t = report.totals
        dates = (
            f"{t.first_date:%d/%m/%Y} → {t.last_date:%d/%m/%Y}"
            if t.first_date and t.last_date
            else "-"
        )
        journals = listing([f"{j} ({n})" for j, n in sorted(t.journals.items())]) or "-"
        verdict = _("ok") if report.ok else _("FAILED")
        if color:
            verdict = click.style(verdict, fg="green" if report.ok else "red", bold=True)
        # the totals finding (TRA-D07) is the two summary lines, not a listed info
        info = report.counts["info"] - sum(f.rule == "TRA-D07" for f in report.findings)
        counts = _("{errors} error(s), {warnings} warning(s), {infos} info")
        totals = _("lines {lines}, entries {entries}, pièces {pieces}, journals {journals}")
        amounts = _("dates {dates}, debit {debit}, credit {credit}")
        out += [
            "  "
            + _("{verdict}: {counts}").format(
                verdict=verdict,
                counts=counts.format(errors=report.errors, warnings=report.warnings, infos=info),
            ),
            "  "
            + totals.format(lines=t.lines, entries=t.entries, pieces=t.pieces, journals=journals),
            "  "
            + amounts.format(
                dates=dates,
                debit=format_money(t.debit, grouped=True),
                credit=format_money(t.credit, grouped=True),
            ),
            "",
        ]
    return "\n".join(out) + ("\n" if out and not summary else "")


def as_dict(report: Report) -> dict[str, Any]:
    t = report.totals
    return {
        "path": report.path,
        "ok": report.ok,
        "encoding": report.encoding,
        "format": report.format,
        "summary": {
            "lines": t.lines,
            "entries": t.entries,
            "pieces": t.pieces,
            "debit": f"{t.debit:.2f}",
            "credit": f"{t.credit:.2f}",
            "first_date": t.first_date.isoformat() if t.first_date else None,
            "last_date": t.last_date.isoformat() if t.last_date else None,
            "journals": dict(sorted(t.journals.items())),
            "errors": report.errors,
            "warnings": report.warnings,
            "infos": report.counts["info"],
            "findings_not_listed": report.dropped,
        },
        "findings": [
            {
                "rule": f.rule,
                "severity": f.severity,
                "line": f.line,
                "column": f.column,
                "field": f.field,
                "value": f.value,
                "message": f.message,
                "hint": f.hint,
                "cegid_message": f.cegid_message or None,
            }
            for f in report.findings
        ],
    }


def to_json(reports: Sequence[Report], *, lang: str = "en") -> str:
    """The reports for programs. Messages and hints stay English whatever `lang` says, so
    that a program matching on them works the same under every locale."""
    document = {
        "version": JSON_SCHEMA_VERSION,
        "ok": all(r.ok for r in reports),
        "files": [as_dict(r) for r in reports],
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def github(reports: Sequence[Report], *, lang: str = "en") -> str:
    """GitHub Actions workflow commands: findings show inline on pull requests, in `lang`."""
    command: dict[str, Level] = {"error": "error", "warning": "warning", "info": "notice"}
    out = []
    for report in reports:
        for f in report.findings:
            hint = f.hint_in(lang)
            message = f.message_in(lang) + (f" — {hint}" if hint else "")
            out.append(
                workflow_command(
                    command[f.severity],
                    message,
                    file=report.path,
                    line=f.line or None,
                    col=f.column or None,
                    title=f.rule + (" " + f.field if f.field else ""),
                )
            )
    return "\n".join(out)
