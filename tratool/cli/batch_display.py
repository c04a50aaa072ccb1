"""What a batch push shows: a progress line on a terminal, and a summary at the end."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Sequence
from typing import Any, TextIO

import click

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
            line = f"[{self.done}/{self.total}] {self.done - self.bad} imported, {self.bad} not"
            self.stream.write(f"\r{line} done\x1b[K")
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
    click.echo(f"\nbatch summary: {len(rows)} file(s) into {dossiers} dossier(s)")
    for outcome, count in counts(rows).items():
        click.echo(f"  {outcome.ljust(11)}{count}")
    pending = [row for row in rows if row["outcome"] not in DONE]
    if pending:
        click.echo("not imported:")
    for row in pending:
        request = f" (Loop request {row['request_id']})" if row.get("request_id") else ""
        click.echo(f"  {row['file']} -> {row['dossier']}: {row['outcome']}{request}")
        if row.get("resume"):
            click.echo(f"    resume with: {row['resume']}")
