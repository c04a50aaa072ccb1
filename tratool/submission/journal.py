"""The submission journal: what was sent to Loop, so the same file is never imported twice.

Loop has no idempotency key, so tratool remembers. Each submission of a file (by SHA-256) to a
dossier through an import endpoint moves through

    reserved -> submitting -> submitted(request id) -> succeeded | failed

A push *reserves* its (file, dossier, endpoint) key before it validates or uploads anything:
the check that nothing blocks and the insertion of the ``reserved`` row happen in one
``BEGIN IMMEDIATE`` transaction, so of two pushes of the same file started together (two CI
jobs, a retry button pressed twice, two threads) exactly one gets the reservation and the other
is refused at once, naming the holder (pid, host, since). A push that ends before sending the
import gives its reservation back: the row is deleted when nothing was uploaded, or becomes
``uploaded`` (the blob exists, nothing was sent). ``submitting`` is committed *before* the
import request leaves: if the process dies between the request and the answer, the journal
still says a submission may be in Loop, and a new push of the same file is refused until
someone checks. ``rejected`` (Loop refused it), ``uploaded`` (never sent) and ``abandoned``
(a dead holder's reservation) do not block a new attempt.

A holder that crashed (SIGKILL, power loss) before the import request leaves its row
``reserved``: the POST was never sent, since ``submitting`` would have been committed first, so
releasing it cannot duplicate an import. The next push releases it by itself when the holder
ran on the same host and its pid no longer exists (the row becomes ``abandoned``). A
reservation from another host cannot be checked from here: the push is refused, and
``--force`` takes the reservation over once you know that push is gone.

SQLite from the standard library, in WAL mode with full synchronisation: one transaction per
state change, durable when the process is killed at any point.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import sqlite3
from collections.abc import Iterator, Mapping
from pathlib import Path

import attrs

from ..errors import DuplicateSubmission, UnreadableInput
from ..i18n import N_

BLOCKING = frozenset({"reserved", "submitting", "submitted", "succeeded", "failed", "unknown"})
STATES = BLOCKING | {"uploaded", "rejected", "abandoned"}
HOST = socket.gethostname()

_SCHEMA = """
CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    dossier TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    file TEXT NOT NULL,
    size INTEGER NOT NULL,
    state TEXT NOT NULL,
    blob_url TEXT,
    request_id TEXT,
    status_code INTEGER,
    message TEXT,
    forced INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    storage TEXT NOT NULL DEFAULT 'azure',
    uri TEXT,
    pid INTEGER,
    host TEXT
);
CREATE INDEX IF NOT EXISTS submissions_key ON submissions (key);
CREATE INDEX IF NOT EXISTS submissions_request ON submissions (request_id);
"""


JOURNAL_VARIABLE = "TRATOOL_JOURNAL"


def journal_from_env(env: Mapping[str, str]) -> Path | None:
    """The journal TRATOOL_JOURNAL names, if it names one: the one place that reads it."""
    explicit = env.get(JOURNAL_VARIABLE)
    return Path(explicit) if explicit else None


def default_path(env: Mapping[str, str] | None = None) -> Path:
    """$TRATOOL_JOURNAL, else the user state directory (XDG) / tratool / journal.sqlite.
    Profiles ask here when no flag or file says."""
    env = os.environ if env is None else env
    explicit = journal_from_env(env)
    if explicit is not None:
        return explicit
    base = env.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "tratool" / "journal.sqlite"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@attrs.frozen
class Submission:
    id: int
    key: str
    sha256: str
    dossier: str
    endpoint: str
    file: str
    size: int
    state: str
    blob_url: str | None
    request_id: str | None
    status_code: int | None
    message: str | None
    forced: bool
    created_at: str
    updated_at: str
    storage: str = "azure"  # where the file was put: "azure" (blob_url) or "loop" (uri)
    uri: str | None = None  # the getFileUrlDeposit uri importTra was given
    pid: int | None = None  # the process that pushed it (that holds it, while reserved)
    host: str | None = None


class SubmissionJournal:
    def __init__(self, path: Path) -> None:
        """Open (or create) the journal; UnreadableInput when `path` cannot be one."""
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, timeout=30, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            reason = N_("cannot open the journal: {reason}", reason=str(exc))
            raise UnreadableInput(str(path), reason) from exc
        try:
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(_SCHEMA)
            self._add_columns()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            reason = N_(
                "not a tratool submission journal (an SQLite file): {reason}", reason=str(exc)
            )
            raise UnreadableInput(str(path), reason) from exc

    def _add_columns(self) -> None:
        """Journals written before Loop storage and reservations existed gain their columns."""
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")  # two processes opening an old journal at once
            present = {row["name"] for row in self._db.execute("PRAGMA table_info(submissions)")}
            for column, kind in (
                ("storage", "TEXT NOT NULL DEFAULT 'azure'"),
                ("uri", "TEXT"),
                ("pid", "INTEGER"),
                ("host", "TEXT"),
            ):
                if column not in present:
                    self._db.execute(f"ALTER TABLE submissions ADD COLUMN {column} {kind}")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> SubmissionJournal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _one(self, sql: str, *args: object) -> Submission | None:
        row = self._db.execute(sql, args).fetchone()
        return Submission(**dict(row)) if row else None

    def latest(self, key: str) -> Submission | None:
        return self._one("SELECT * FROM submissions WHERE key = ? ORDER BY id DESC LIMIT 1", key)

    def by_request(self, request_id: str) -> Submission | None:
        return self._one(
            "SELECT * FROM submissions WHERE request_id = ? ORDER BY id DESC LIMIT 1", request_id
        )

    def get(self, submission_id: int) -> Submission:
        found = self._one("SELECT * FROM submissions WHERE id = ?", submission_id)
        if found is None:
            raise KeyError(submission_id)
        return found

    def check(self, key: str, *, force: bool) -> None:
        """Raise DuplicateSubmission when the key's last submission blocks a new one."""
        latest = self.latest(key)
        if latest is not None and latest.state in BLOCKING and not force:
            raise DuplicateSubmission(latest)

    def reserve(
        self,
        *,
        key: str,
        sha256: str,
        dossier: str,
        endpoint: str,
        file: str,
        size: int,
        forced: bool,
    ) -> int:
        """Reserve `key` for this process, or raise DuplicateSubmission naming what blocks it.

        The check and the insertion are one transaction: see the module docstring. `forced`
        passes over an earlier submission, and over a reservation held on another host, never
        over one held by a live process of this host.
        """
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            latest = self.latest(key)
            if latest is not None and latest.state == "reserved":
                gone = _holder_gone(latest, forced)
                if gone is None:
                    raise DuplicateSubmission(latest)
                self._update(latest.id, "abandoned", message=gone)
            elif latest is not None and latest.state in BLOCKING and not forced:
                raise DuplicateSubmission(latest)
            row = {"key": key, "sha256": sha256, "dossier": dossier, "endpoint": endpoint}
            return self._insert("reserved", row | {"file": file, "size": size, "forced": forced})

    def attach_upload(
        self, submission_id: int, blob_url: str | None, *, storage: str, uri: str | None
    ) -> None:
        """Record where the reserved submission's file was put (an Azure blob, or Loop's
        storage under `uri`)."""
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute(
                "UPDATE submissions SET blob_url = ?, storage = ?, uri = ?, updated_at = ? "
                "WHERE id = ?",
                (blob_url, storage, uri, _now(), submission_id),
            )

    def release(self, submission_id: int, message: str | None = None) -> None:
        """End a reservation that never reached the import request (no-op past it): forget it
        when nothing was uploaded, else keep it as ``uploaded``."""
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute(
                "DELETE FROM submissions WHERE id = ? AND state = 'reserved' "
                "AND blob_url IS NULL AND uri IS NULL",
                (submission_id,),
            )
            self._db.execute(
                "UPDATE submissions SET state = 'uploaded', message = COALESCE(?, message), "
                "updated_at = ? WHERE id = ? AND state = 'reserved'",
                (message, _now(), submission_id),
            )

    def record_upload(
        self,
        *,
        key: str,
        sha256: str,
        dossier: str,
        endpoint: str,
        file: str,
        size: int,
        blob_url: str | None,
        forced: bool,
        storage: str = "azure",
        uri: str | None = None,
    ) -> int:
        """Record an upload made without a reservation (state ``uploaded``: not blocking)."""
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            row = {"blob_url": blob_url, "storage": storage, "uri": uri, "forced": forced}
            row |= {"key": key, "sha256": sha256, "dossier": dossier, "endpoint": endpoint}
            return self._insert("uploaded", row | {"file": file, "size": size})

    def _insert(self, state: str, row: Mapping[str, object]) -> int:
        """Insert a row in `state`, stamped with this process, inside the caller's transaction.
        `row` maps column names (written here, never from outside) to values."""
        now = _now()
        values = {
            **row,
            "state": state,
            "forced": int(bool(row["forced"])),
            "created_at": now,
            "updated_at": now,
            "pid": os.getpid(),
            "host": HOST,
        }
        cursor = self._db.execute(
            f"INSERT INTO submissions ({', '.join(values)}) "
            f"VALUES ({', '.join('?' * len(values))})",
            tuple(values.values()),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def set_state(
        self,
        submission_id: int,
        state: str,
        *,
        request_id: str | None = None,
        status_code: int | None = None,
        message: str | None = None,
    ) -> None:
        if state not in STATES:
            raise ValueError(f"unknown state {state!r}")
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._update(submission_id, state, request_id, status_code, message)

    def _update(
        self,
        submission_id: int,
        state: str,
        request_id: str | None = None,
        status_code: int | None = None,
        message: str | None = None,
    ) -> None:
        """Change a row's state, inside the caller's transaction."""
        self._db.execute(
            "UPDATE submissions SET state = ?, request_id = COALESCE(?, request_id), "
            "status_code = COALESCE(?, status_code), message = COALESCE(?, message), "
            "updated_at = ? WHERE id = ?",
            (state, request_id, status_code, message, _now(), submission_id),
        )

    def history(self, dossier: str | None = None, limit: int = 100) -> Iterator[Submission]:
        sql = "SELECT * FROM submissions"
        args: tuple[str, ...] = ()
        if dossier:
            sql, args = sql + " WHERE dossier = ?", (dossier,)
        for row in self._db.execute(sql + " ORDER BY id DESC LIMIT ?", (*args, limit)):
            yield Submission(**dict(row))


def _holder_gone(reserved: Submission, forced: bool) -> str | None:
    """Why a reservation may be released (its holder is gone, or `forced` across hosts), or
    None when it must be respected."""
    if reserved.pid is None or reserved.host is None:
        return "a reservation without a holder"
    if reserved.host != HOST:
        if forced:
            return f"taken over with --force from pid {reserved.pid} on host {reserved.host}"
        return None
    if _alive(reserved.pid):
        return None
    return f"its holder, pid {reserved.pid}, ended before sending the import"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    return True
