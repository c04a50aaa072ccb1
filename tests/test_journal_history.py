"""The submission journal over histories of many rows: its exactly-once check against a plain
model (a list of rows; the key's newest row decides), driven by hypothesis through every
operation, with the journal closed and reopened on the way."""

from __future__ import annotations

import datetime as dt
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
)

from tratool.errors import DuplicateSubmission, UnreadableInput
from tratool.submission.journal import SubmissionJournal, default_path

# Written from the journal's contract (docs/push.md): what a new push of the same key meets.
BLOCKING = {"reserved", "submitting", "submitted", "succeeded", "failed", "unknown"}
NOT_BLOCKING = {"uploaded", "rejected", "abandoned"}
KEYS = ("file-a|D1|importTra", "file-b|D1|importTra", "file-a|D2|importTra")


@attrs.define
class Row:
    id: int
    key: str
    dossier: str
    state: str = "uploaded"
    request_id: str | None = None
    forced: bool = False
    blob_url: str | None = None


def facts(key: str) -> dict[str, Any]:
    """What a push knows of its file before it asks the journal: file|dossier|endpoint."""
    sha, dossier, endpoint = key.split("|")
    return {
        "key": key,
        "sha256": sha.ljust(64, "0"),
        "dossier": dossier,
        "endpoint": endpoint,
        "file": "f.tra",
        "size": 10,
    }


def upload(journal: SubmissionJournal, key: str, *, forced: bool = False) -> int:
    return journal.record_upload(**facts(key), blob_url=f"https://blob/{key}", forced=forced)


def reserve(journal: SubmissionJournal, key: str, *, forced: bool = False) -> int:
    return journal.reserve(**facts(key), forced=forced)


@pytest.fixture
def journal(tmp_path: Path) -> SubmissionJournal:
    return SubmissionJournal(tmp_path / "journal.sqlite")


def push(journal: SubmissionJournal, key: str, *states: str, force: bool = False) -> int:
    """What push does: check, record the upload, then move through the states."""
    journal.check(key, force=force)
    row = upload(journal, key, forced=force)
    for state in states:
        journal.set_state(row, state)
    return row


def test_rejected_then_succeeded_then_refused(journal: SubmissionJournal) -> None:
    key = KEYS[0]
    push(journal, key, "submitting", "rejected")
    push(journal, key, "submitting", "submitted", "succeeded")
    with pytest.raises(DuplicateSubmission) as refused:
        journal.check(key, force=False)
    assert refused.value.existing.state == "succeeded"  # the newest row, not the oldest
    assert [s.state for s in journal.history()] == ["succeeded", "rejected"]


def test_failed_then_forced_then_refused_then_forced_again(journal: SubmissionJournal) -> None:
    key = KEYS[0]
    push(journal, key, "submitting", "submitted", "failed")
    with pytest.raises(DuplicateSubmission):
        journal.check(key, force=False)  # a failed import needs a look before a new one
    push(journal, key, "submitting", "submitted", "succeeded", force=True)
    with pytest.raises(DuplicateSubmission):
        journal.check(key, force=False)
    push(journal, key, "submitting", "rejected", force=True)
    journal.check(key, force=False)  # Loop refused the newest: nothing of it was imported
    assert [(s.state, s.forced) for s in journal.history()] == [
        ("rejected", True),
        ("succeeded", True),
        ("failed", False),
    ]


def test_an_upload_never_sent_does_not_block(journal: SubmissionJournal) -> None:
    push(journal, KEYS[0], "submitting", "succeeded")
    push(journal, KEYS[1])  # another file of the same dossier, only uploaded
    journal.check(KEYS[1], force=False)
    push(journal, KEYS[1], "submitting", "submitted")
    with pytest.raises(DuplicateSubmission):
        journal.check(KEYS[1], force=False)
    journal.check(KEYS[2], force=False)  # the same file, another dossier


def test_request_ids_history_filters_and_unknown_rows(journal: SubmissionJournal) -> None:
    first = push(journal, KEYS[0])
    journal.set_state(first, "submitted", request_id="r-1", status_code=202, message="sent")
    journal.set_state(first, "succeeded")  # keeps what it does not say
    row = journal.get(first)
    assert (row.state, row.request_id, row.status_code, row.message) == (
        "succeeded",
        "r-1",
        202,
        "sent",
    )
    second = push(journal, KEYS[2])
    journal.set_state(second, "submitted", request_id="r-1")
    found = journal.by_request("r-1")
    assert found is not None
    assert found.id == second  # the newest row with that id
    assert journal.by_request("r-2") is None
    assert [s.id for s in journal.history("D2")] == [second]
    assert [s.id for s in journal.history(limit=1)] == [second]
    assert [s.id for s in journal.history()] == [second, first]
    assert journal.latest(KEYS[1]) is None
    with pytest.raises(KeyError):
        journal.get(second + 1)
    with pytest.raises(ValueError, match="unknown state 'done'"):
        journal.set_state(first, "done")
    assert journal.get(first).state == "succeeded"


def holder(journal: SubmissionJournal, row: int, pid: int, host: str) -> None:
    """Make a reservation look held by another process: the journal cannot be made to hold
    one for a dead process or another machine otherwise, so its row is edited directly."""
    other = sqlite3.connect(journal.path)
    try:
        other.execute("UPDATE submissions SET pid = ?, host = ? WHERE id = ?", (pid, host, row))
        other.commit()
    finally:
        other.close()


def a_dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_live_reservation_blocks_even_a_forced_push(journal: SubmissionJournal) -> None:
    row = reserve(journal, KEYS[0])
    got = journal.get(row)
    assert (got.state, got.pid, got.host) == ("reserved", os.getpid(), socket.gethostname())
    for forced in (False, True):
        with pytest.raises(DuplicateSubmission) as refused:
            reserve(journal, KEYS[0], forced=forced)
        assert refused.value.existing.id == row
    reserve(journal, KEYS[1])  # another key is free


def test_a_dead_holders_reservation_is_abandoned(journal: SubmissionJournal) -> None:
    row = reserve(journal, KEYS[0])
    holder(journal, row, a_dead_pid(), socket.gethostname())
    new = reserve(journal, KEYS[0])
    old = journal.get(row)
    assert old.state == "abandoned"
    assert old.message is not None
    assert "ended before sending the import" in old.message
    assert journal.get(new).state == "reserved"


def test_another_hosts_reservation_needs_force(journal: SubmissionJournal) -> None:
    row = reserve(journal, KEYS[0])
    holder(journal, row, 1, "another-machine")
    with pytest.raises(DuplicateSubmission):
        reserve(journal, KEYS[0])
    assert journal.get(row).state == "reserved"
    new = reserve(journal, KEYS[0], forced=True)
    assert journal.get(row).state == "abandoned"
    assert "taken over with --force" in (journal.get(row).message or "")
    assert journal.get(new).forced


def test_reserve_reads_the_newest_state(journal: SubmissionJournal) -> None:
    first = reserve(journal, KEYS[0])
    journal.set_state(first, "rejected")
    second = reserve(journal, KEYS[0])  # Loop refused the last one: a new attempt may go
    journal.set_state(second, "succeeded")
    with pytest.raises(DuplicateSubmission) as refused:
        reserve(journal, KEYS[0])
    assert refused.value.existing.id == second


def test_a_reservation_without_a_holder_is_abandoned(journal: SubmissionJournal) -> None:
    """A journal written before reservations kept no pid: such a row holds nothing."""
    row = reserve(journal, KEYS[0])
    other = sqlite3.connect(journal.path)
    try:
        other.execute("UPDATE submissions SET pid = NULL WHERE id = ?", (row,))
        other.commit()
    finally:
        other.close()
    reserve(journal, KEYS[0])
    old = journal.get(row)
    assert (old.state, old.message) == ("abandoned", "a reservation without a holder")


def test_release_forgets_or_keeps_the_upload(journal: SubmissionJournal) -> None:
    bare = reserve(journal, KEYS[0])
    journal.release(bare, "validation failed")
    assert journal.latest(KEYS[0]) is None  # nothing was uploaded: forgotten
    kept = reserve(journal, KEYS[0])
    journal.attach_upload(kept, None, storage="loop", uri="142ae28e/f")
    journal.release(kept, "stopped before the import")
    got = journal.get(kept)
    assert (got.state, got.storage, got.uri, got.message) == (
        "uploaded",
        "loop",
        "142ae28e/f",
        "stopped before the import",
    )
    journal.set_state(kept, "submitting")
    journal.release(kept)  # past the import request: nothing to give back
    assert journal.get(kept).state == "submitting"


def test_what_an_upload_records(journal: SubmissionJournal) -> None:
    row = journal.record_upload(
        key="k",
        sha256="ab" * 32,
        dossier="D9",
        endpoint="importTra",
        file="ventes.tra",
        size=1234,
        blob_url="https://blob/x",
        forced=True,
        storage="loop",
        uri="142ae28e/f",
    )
    got = journal.get(row)
    assert (got.key, got.sha256, got.dossier, got.endpoint, got.file, got.size) == (
        "k",
        "ab" * 32,
        "D9",
        "importTra",
        "ventes.tra",
        1234,
    )
    assert (got.state, got.blob_url, got.forced, got.storage, got.uri) == (
        "uploaded",
        "https://blob/x",
        True,
        "loop",
        "142ae28e/f",
    )
    assert (got.request_id, got.status_code, got.message) == (None, None, None)
    # UTC, to the second: 2026-12-01T19:38:19+00:00
    for stamp in (got.created_at, got.updated_at):
        parsed = dt.datetime.fromisoformat(stamp)
        assert parsed.utcoffset() == dt.timedelta(0)
        assert parsed.microsecond == 0
        assert len(stamp) == 25


def test_the_journal_file_is_durable_and_shared(tmp_path: Path) -> None:
    path = tmp_path / "state" / "tratool" / "journal.sqlite"  # folders made as needed
    with SubmissionJournal(path) as journal:
        row = push(journal, KEYS[0], "submitting")
        # per connection, so only the journal's own can tell
        synchronous = journal._db.execute("PRAGMA synchronous").fetchone()[0]
        assert synchronous == 2  # FULL: a committed state survives a power cut
    with pytest.raises(sqlite3.ProgrammingError):  # the with block closed it
        journal.latest(KEYS[0])
    other = sqlite3.connect(path)
    try:
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert other.execute("SELECT state FROM submissions").fetchall() == [("submitting",)]
    finally:
        other.close()
    with SubmissionJournal(path) as again:  # reopening keeps the rows and adds no table
        assert again.get(row).state == "submitting"


def test_history_keeps_the_newest_hundred_by_default(journal: SubmissionJournal) -> None:
    rows = [upload(journal, KEYS[n % 3]) for n in range(101)]
    assert [s.id for s in journal.history()] == rows[::-1][:100]
    assert [s.id for s in journal.history("D2", limit=2)] == [rows[98], rows[95]]
    assert [s.id for s in journal.history("", limit=1)] == [rows[100]]  # "" means every dossier


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"TRATOOL_JOURNAL": "/srv/j.sqlite", "XDG_STATE_HOME": "/s"}, "/srv/j.sqlite"),
        ({"TRATOOL_JOURNAL": "", "XDG_STATE_HOME": "/s"}, "/s/tratool/journal.sqlite"),
        ({}, str(Path.home() / ".local" / "state" / "tratool" / "journal.sqlite")),
    ],
)
def test_where_the_journal_lives(env: dict[str, str], expected: str) -> None:
    assert default_path(env) == Path(expected)


def test_the_environment_is_read_when_none_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRATOOL_JOURNAL", str(tmp_path / "j.sqlite"))
    assert default_path() == tmp_path / "j.sqlite"


def test_a_path_that_cannot_be_a_journal(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(UnreadableInput) as cannot:
        SubmissionJournal(blocker / "journal.sqlite")
    assert cannot.value.path == str(blocker / "journal.sqlite")
    assert str(cannot.value.reason).startswith("cannot open the journal: ")
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"this is no database, just bytes" * 200)
    with pytest.raises(UnreadableInput) as not_one:
        SubmissionJournal(garbage)
    assert not_one.value.path == str(garbage)
    assert str(not_one.value.reason).startswith(
        "not a tratool submission journal (an SQLite file): "
    )


def test_an_older_journal_gains_the_storage_columns(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    old = sqlite3.connect(path)
    old.execute(
        "CREATE TABLE submissions (id INTEGER PRIMARY KEY, key TEXT NOT NULL, sha256 TEXT NOT "
        "NULL, dossier TEXT NOT NULL, endpoint TEXT NOT NULL, file TEXT NOT NULL, size INTEGER "
        "NOT NULL, state TEXT NOT NULL, blob_url TEXT, request_id TEXT, status_code INTEGER, "
        "message TEXT, forced INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL, "
        "updated_at TEXT NOT NULL)"
    )
    old.execute(
        "INSERT INTO submissions (key, sha256, dossier, endpoint, file, size, state, created_at, "
        "updated_at) VALUES ('k', 's', 'D1', 'importTra', 'f.tra', 1, 'succeeded', 't', 't')"
    )
    old.commit()
    old.close()
    with SubmissionJournal(path) as journal:
        [row] = journal.history()
        assert (row.state, row.storage, row.uri) == ("succeeded", "azure", None)
        fresh = upload(journal, KEYS[0])  # the storage default of a new row is azure too
        assert journal.get(fresh).storage == "azure"
        assert journal.path == path
        with pytest.raises(KeyError) as unknown:
            journal.get(fresh + 7)
        assert unknown.value.args == (fresh + 7,)


class JournalHistories(RuleBasedStateMachine):
    rows = Bundle("rows")

    @initialize()
    def open(self) -> None:
        self.folder = tempfile.TemporaryDirectory()
        self.path = Path(self.folder.name) / "journal.sqlite"
        self.journal = SubmissionJournal(self.path)
        self.model: list[Row] = []
        self.next_request = 1

    def teardown(self) -> None:
        if hasattr(self, "journal"):
            self.journal.close()
            self.folder.cleanup()

    def newest(self, key: str) -> Row | None:
        return next((r for r in reversed(self.model) if r.key == key), None)

    @rule(target=rows, key=st.sampled_from(KEYS), force=st.booleans())
    def push(self, key: str, force: bool) -> object:
        newest = self.newest(key)
        if newest is not None and newest.state in BLOCKING and not force:
            with pytest.raises(DuplicateSubmission) as refused:
                self.journal.check(key, force=force)
            assert refused.value.existing.id == newest.id
            return multiple()
        self.journal.check(key, force=force)
        row_id = upload(self.journal, key, forced=force)
        assert row_id not in {r.id for r in self.model}
        self.model.append(
            Row(row_id, key, key.split("|")[1], forced=force, blob_url=f"https://blob/{key}")
        )
        return row_id

    @rule(target=rows, key=st.sampled_from(KEYS), force=st.booleans())
    def reserve(self, key: str, force: bool) -> object:
        """This process holds every reservation it made: even --force respects them."""
        newest = self.newest(key)
        held = newest is not None and newest.state == "reserved"
        if newest is not None and (held or (newest.state in BLOCKING and not force)):
            with pytest.raises(DuplicateSubmission) as refused:
                reserve(self.journal, key, forced=force)
            assert refused.value.existing.id == newest.id
            return multiple()
        row_id = reserve(self.journal, key, forced=force)
        self.model.append(Row(row_id, key, key.split("|")[1], "reserved", forced=force))
        return row_id

    @rule(row=rows)
    def attach(self, row: int) -> None:
        self.journal.attach_upload(row, f"https://blob/{row}", storage="azure", uri=None)
        for model in self.model:
            if model.id == row:
                model.blob_url = f"https://blob/{row}"

    @rule(row=rows)
    def release(self, row: int) -> None:
        """Gives a reservation back: forgotten when nothing was uploaded, else uploaded."""
        self.journal.release(row)
        model = next((r for r in self.model if r.id == row), None)
        if model is None or model.state != "reserved":
            return
        if model.blob_url is None:
            self.model.remove(model)
        else:
            model.state = "uploaded"

    @rule(row=rows, state=st.sampled_from(sorted(BLOCKING | NOT_BLOCKING)), ask=st.booleans())
    def move(self, row: int, state: str, ask: bool) -> None:
        request_id = None
        if ask:
            request_id = f"r-{self.next_request}"
            self.next_request += 1
        self.journal.set_state(row, state, request_id=request_id)
        model = next((r for r in self.model if r.id == row), None)
        if model is not None:  # a released reservation is gone: the update touches nothing
            model.state = state
            model.request_id = request_id or model.request_id

    @rule(row=consumes(rows))
    def forget_handle(self, row: int) -> None:
        """Rows stay in the journal; the machine just stops moving this one."""

    @rule()
    def reopen(self) -> None:
        self.journal.close()
        self.journal = SubmissionJournal(self.path)

    @precondition(lambda self: self.next_request > 1)
    @rule(data=st.data())
    def by_request(self, data: st.DataObject) -> None:
        number = data.draw(st.integers(1, self.next_request))
        request_id = f"r-{number}"
        expected = next((r for r in reversed(self.model) if r.request_id == request_id), None)
        found = self.journal.by_request(request_id)
        assert (found.id if found else None) == (expected.id if expected else None)

    @invariant()
    def newest_rows_agree(self) -> None:
        if not hasattr(self, "journal"):
            return
        for key in KEYS:
            expected = self.newest(key)
            found = self.journal.latest(key)
            got = (found.id, found.state) if found else None
            assert got == ((expected.id, expected.state) if expected else None)

    @invariant()
    def history_agrees(self) -> None:
        if not hasattr(self, "journal"):
            return
        rows = [
            (s.id, s.key, s.state, s.request_id, s.forced, s.blob_url)
            for s in self.journal.history()
        ]
        model = [
            (r.id, r.key, r.state, r.request_id, r.forced, r.blob_url) for r in reversed(self.model)
        ]
        assert rows == model[:100]
        for dossier in ("D1", "D2"):
            ids = [s.id for s in self.journal.history(dossier, limit=3)]
            assert ids == [r.id for r in reversed(self.model) if r.dossier == dossier][:3]


JournalHistories.TestCase.settings = settings(
    max_examples=20, stateful_step_count=20, deadline=None
)
test_journal_histories = JournalHistories.TestCase
