"""Batch push: which file goes to which dossier, and running many pushes at once.

A plan comes from one of three sources, checked in full before anything is sent: one
``--dossier`` for every file, a manifest (CSV with ``file`` and ``dossier`` columns, or TOML with
a ``[files]`` table of ``"path" = "DOSSIER"``; paths relative to the manifest), or a regular
expression on file names (``--dossier-from``; its ``dossier`` group, else its first group, else
the whole match). The runner calls one push per file on a bounded pool of threads; each push
keeps its own journal connection, and the journal's atomic reservation is what makes a file
pushed twice in one batch (or by two batches) go to Loop once.
"""

from __future__ import annotations

import concurrent.futures
import csv
import io
import re
import tomllib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TypeVar

import attrs

from ..errors import ConfigError
from ..i18n import N_

MAX_JOBS = 16  # Loop publishes no rate limit; more workers would only meet its 429s sooner
Result = TypeVar("Result")


@attrs.frozen
class Job:
    file: Path
    dossier: str


def plan(
    files: Sequence[Path],
    *,
    dossier: str | None = None,
    manifest: Path | None = None,
    dossier_from: str | None = None,
) -> list[Job]:
    """The (file, dossier) pairs of a batch, in order; a ConfigError names every problem."""
    given = [name for name, value in (("--dossier", dossier), ("--manifest", manifest),
             ("--dossier-from", dossier_from)) if value]  # fmt: skip
    if len(given) != 1:
        raise ConfigError("push", N_("give exactly one of --dossier, --manifest, --dossier-from"))
    if manifest is not None:
        jobs = read_manifest(manifest)
        if files:
            message = N_("give files in the manifest or as arguments, not both")
            raise ConfigError(str(manifest), message)
    elif dossier_from is not None:
        jobs = _from_names(files, dossier_from)
    else:
        jobs = [Job(file, str(dossier)) for file in files]
    if not jobs:
        raise ConfigError("push", N_("no file to push"))
    return jobs


def read_manifest(path: Path) -> list[Job]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        message = N_("cannot read the manifest: {reason}", reason=str(exc))
        raise ConfigError(str(path), message) from None
    pairs = _toml_pairs(path, text) if path.suffix.lower() == ".toml" else _csv_pairs(path, text)
    problems, jobs = [], []
    for line, (name, code) in pairs:
        file = (path.parent / name) if not Path(name).is_absolute() else Path(name)
        if not code.strip():
            problems.append(f"{line}: {name}: no dossier")
        elif not file.is_file():
            problems.append(f"{line}: {name}: no such file")
        else:
            jobs.append(Job(file, code.strip()))
    if problems:
        raise ConfigError(str(path), "; ".join(problems))
    return jobs


def _csv_pairs(path: Path, text: str) -> list[tuple[str, tuple[str, str]]]:
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = max(";,\t", key=first.count)
    rows = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    fields = {(f or "").strip().lower(): f for f in rows.fieldnames or []}
    if "file" not in fields or "dossier" not in fields:
        message = N_("a CSV manifest needs a header with 'file' and 'dossier'")
        raise ConfigError(str(path), message)
    return [
        (f"line {n}", ((row[fields["file"]] or "").strip(), row[fields["dossier"]] or ""))
        for n, row in enumerate(rows, start=2)
    ]


def _toml_pairs(path: Path, text: str) -> list[tuple[str, tuple[str, str]]]:
    try:
        table = tomllib.loads(text).get("files")
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), N_("not TOML: {reason}", reason=str(exc))) from None
    if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
        raise ConfigError(str(path), N_('expected a [files] table of "path" = "DOSSIER"'))
    return [(f"[files] {name!r}", (name, code)) for name, code in table.items()]


def _from_names(files: Sequence[Path], pattern: str) -> list[Job]:
    try:
        regex = re.compile(pattern)
    except re.error as exc:
        message = N_("not a regular expression: {reason}", reason=str(exc))
        raise ConfigError("--dossier-from", message) from None
    jobs, unmatched = [], []
    for file in files:
        match = regex.search(file.name)
        code = _dossier_of(match) if match else ""
        if code:
            jobs.append(Job(file, code))
        else:
            unmatched.append(file.name)
    if unmatched:
        message = N_(
            "{pattern!r} names no dossier in: {files}", pattern=pattern, files=", ".join(unmatched)
        )
        raise ConfigError("--dossier-from", message)
    return jobs


def _dossier_of(match: re.Match[str]) -> str:
    if "dossier" in match.re.groupindex:
        return match.group("dossier") or ""
    return (match.group(1) if match.re.groups else match.group(0)) or ""


def run(
    jobs: Iterable[Job],
    push_one: Callable[[Job], Result],
    *,
    workers: int,
    on_done: Callable[[Job, Result], None] = lambda job, result: None,
) -> list[Result]:
    """Push every job on at most `workers` threads; results in the jobs' order. `on_done`
    runs in the calling thread as each push ends (progress display)."""
    jobs = list(jobs)
    workers = max(1, min(workers, MAX_JOBS, len(jobs) or 1))
    results: dict[int, Result] = {}
    with concurrent.futures.ThreadPoolExecutor(workers, thread_name_prefix="push") as pool:
        futures = {pool.submit(push_one, job): index for index, job in enumerate(jobs)}
        for future in concurrent.futures.as_completed(futures):
            index = futures[future]
            results[index] = future.result()
            on_done(jobs[index], results[index])
    return [results[i] for i in range(len(jobs))]
