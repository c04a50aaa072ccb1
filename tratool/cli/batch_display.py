"""What a batch push shows: a progress line on a terminal, and a summary at the end."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Sequence
from typing import Any, TextIO

import click

from ..i18n import N_
from .common import _, said

# Outcomes in the order the summary lists them: done first, then what needs a look.
OUTCOMES = (
    "succeeded",
    "submitted",
    "running",
    "interrupted",
    "failed",
    "rejected",
    "invalid",
    "duplicate",
    "busy",
    "error",
)
DONE = ("succeeded", "submitted")
# How the summary names them; the names are the JSON document's in English.
_NAMES = {
    "succeeded": N_("succeeded"),
    "submitted": N_("submitted"),
    "running": N_("running"),
    "interrupted": N_("interrupted"),
    "failed": N_("failed"),
    "rejected": N_("rejected"),
    "invalid": N_("invalid"),
    "duplicate": N_("duplicate"),
    "busy": N_("busy"),
    "error": N_("error"),
}


def outcome_name(outcome: str) -> str:
    """An outcome as people read it (the JSON keeps the English code)."""
    name = _NAMES.get(outcome)
    return outcome if name is None else said(name)


class Progress:
    """``[12/50] 11 imported, 1 not done`` rewritten in place on a terminal; nothing otherwise
    (a CI log gets the per-file lines and the summary instead)."""

    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.total, self.done, self.bad = total, 0, 0
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = total > 1 and self.stream.isatty()

    def tick(self, row: dict[str, Any]) -> None:
        self.done += 1
        self.bad += row["outcome"] not in DONE
        if self.enabled:
            line = _("[{done}/{total}] {imported} imported, {bad} not done").format(
                done=self.done, total=self.total, imported=self.done - self.bad, bad=self.bad
            )
            self.stream.write(f"\r{line}\x1b[K")
            self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def counts(rows: Sequence[dict[str, Any]]) -> dict[str, int]:
    seen = Counter(row["outcome"] for row in rows)
    return {outcome: seen[outcome] for outcome in OUTCOMES if seen[outcome]}


def summary(rows: Sequence[dict[str, Any]]) -> None:
    """The end-of-batch table: how many of each outcome, then every file that needs a look,
    with its resume command when there is one."""
    dossiers = len({row["dossier"] for row in rows})
    heading = _("batch summary: {files} file(s) into {dossiers} dossier(s)")
    click.echo("\n" + heading.format(files=len(rows), dossiers=dossiers))
    names = {outcome: outcome_name(outcome) for outcome in counts(rows)}
    width = max([10, *(len(name) for name in names.values())]) + 1
    for outcome, count in counts(rows).items():
        click.echo(f"  {names[outcome].ljust(width)}{count}")
    pending = [row for row in rows if row["outcome"] not in DONE]
    if pending:
        click.echo(_("not imported:"))
    for row in pending:
        request = _(" (Loop request {request})").format(request=row.get("request_id"))
        request = request if row.get("request_id") else ""
        outcome = outcome_name(row["outcome"])
        click.echo(f"  {row['file']} -> {row['dossier']}: {outcome}{request}")
        if row.get("resume"):
            click.echo("    " + _("resume with: {command}").format(command=row["resume"]))
