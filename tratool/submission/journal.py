"""The submission journal: what was sent to Loop, so the same file is never imported twice.

Loop has no idempotency key, so tratool remembers. Each submission of a file (by SHA-256) to a
dossier through an import endpoint moves through

    uploaded -> submitting -> submitted(request id) -> succeeded | failed

and ``submitting`` is committed *before* the import request leaves: if the process dies
between the request and the answer, the journal still says a submission may be in Loop, and a
new push of the same file is refused until someone checks. ``rejected`` (Loop refused it) and
``uploaded`` (never sent) do not block a new attempt.

SQLite from the standard library, in WAL mode with full synchronisation: one transaction per
state change, durable when the process is killed at any point.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Iterator, Mapping
from pathlib import Path

import attrs

from ..errors import DuplicateSubmission, UnreadableInput

BLOCKING = frozenset({"submitting", "submitted", "succeeded", "failed", "unknown"})
STATES = BLOCKING | {"uploaded", "rejected"}

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
    uri TEXT
);
CREATE INDEX IF NOT EXISTS submissions_key ON submissions (key);
CREATE INDEX IF NOT EXISTS submissions_request ON submissions (request_id);
"""


def default_path(env: Mapping[str, str] | None = None) -> Path:
    """$TRATOOL_JOURNAL, else the user state directory (XDG) / tratool / journal.sqlite.

    The one place that reads TRATOOL_JOURNAL (profiles ask here when no flag or file says).
    """
    env = os.environ if env is None else env
    explicit = env.get("TRATOOL_JOURNAL")
    if explicit:
        return Path(explicit)
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


class SubmissionJournal:
    def __init__(self, path: Path) -> None:
        """Open (or create) the journal; UnreadableInput when `path` cannot be one."""
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, timeout=30, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise UnreadableInput(str(path), f"cannot open the journal: {exc}") from exc
        try:
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(_SCHEMA)
            self._add_columns()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise UnreadableInput(
                str(path), f"not a tratool submission journal (an SQLite file): {exc}"
            ) from exc

    def _add_columns(self) -> None:
        """A journal written before Loop storage existed gains its two columns."""
        present = {row["name"] for row in self._db.execute("PRAGMA table_info(submissions)")}
        for column, kind in (("storage", "TEXT NOT NULL DEFAULT 'azure'"), ("uri", "TEXT")):
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
        now = _now()
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            cursor = self._db.execute(
                "INSERT INTO submissions (key, sha256, dossier, endpoint, file, size, state, "
                "blob_url, forced, created_at, updated_at, storage, uri) VALUES (?, ?, ?, ?, ?, "
                "?, 'uploaded', ?, ?, ?, ?, ?, ?)",
                (
                    key,
                    sha256,
                    dossier,
                    endpoint,
                    file,
                    size,
                    blob_url,
                    int(forced),
                    now,
                    now,
                    storage,
                    uri,
                ),
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
