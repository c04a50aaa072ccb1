"""Atomic output files: replaced on success only, never half-written, never left behind."""

from __future__ import annotations

import errno
import io
import os
import threading
from pathlib import Path
from typing import IO, Any, cast

import pytest

from tratool._fsutil import PendingFile, WriteBehind, pending_output


def test_pending_output_replaces_the_target_when_the_block_ends(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pending_output(target, "w") as pending:
        pending.stream.write("new")
        assert target.read_text() == "old"  # nothing visible before the end of the block
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_a_discarded_output_leaves_the_target_as_it_was(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pending_output(target, "w") as pending:
        pending.stream.write("half")
        pending.discard()
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def _write_then_fail(target: Path) -> None:
    with pending_output(target, "wb", suffix=".tra") as pending:
        pending.stream.write(b"half")
        assert pending.path.name.endswith(".tra")
        assert pending.path.parent == target.parent
        raise RuntimeError("stop")


def test_an_exception_discards_the_output(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError):
        _write_then_fail(tmp_path / "out.tra")
    assert list(tmp_path.iterdir()) == []


# Writes behind the caller (WriteBehind) and the fsync started early (sync_ahead). The failures
# are real ones: /dev/full refuses every write with ENOSPC, and a pipe cannot be fsynced.


def test_write_behind_writes_every_byte_in_order(tmp_path: Path) -> None:
    parts = [b"header\r\n", bytes(range(256)) * 9000, b"", b"x" * (3 << 20), b"tail"]
    expected = b"".join(parts)
    with open(tmp_path / "out", "wb") as out:
        behind = WriteBehind(out)
        for part in parts:
            assert behind.write(part) == len(part)
        behind.close()
        assert not out.closed  # the stream is the caller's
    assert (tmp_path / "out").read_bytes() == expected
    assert len(expected) == 8 + 256 * 9000 + (3 << 20) + 4


def test_write_behind_copies_what_it_is_given(tmp_path: Path) -> None:
    """The caller may reuse its buffer as soon as `write` returns."""
    buffer = bytearray(b"A" * 1000)
    with open(tmp_path / "out", "wb") as out, WriteBehind(out) as behind:
        for letter in b"ABC":
            buffer[:] = bytes([letter]) * 1000
            behind.write(memoryview(buffer))
            buffer[:] = b"?" * 1000
    assert (tmp_path / "out").read_bytes() == b"A" * 1000 + b"B" * 1000 + b"C" * 1000


def test_write_behind_flush_waits_for_the_bytes(tmp_path: Path) -> None:
    with open(tmp_path / "out", "wb") as out, WriteBehind(out) as behind:
        behind.write(b"z" * 5000)
        behind.flush()
        assert (tmp_path / "out").read_bytes() == b"z" * 5000


def _fill(behind: WriteBehind) -> None:
    for _ in range(64):  # 64 MiB: more than every chunk in flight
        behind.write(bytes(1 << 20))
    behind.close()


def test_a_failed_write_behind_is_raised_by_the_next_call() -> None:
    full = Path("/dev/full")
    if not full.exists():
        pytest.skip("no /dev/full here")
    no_space = os.strerror(errno.ENOSPC)
    with open(full, "wb", buffering=0) as out:
        behind = WriteBehind(out)
        with pytest.raises(OSError, match=no_space):
            _fill(behind)
        with pytest.raises(OSError, match=no_space):
            behind.write(b"more")  # still refused
        with pytest.raises(OSError, match=no_space):
            behind.close()
        behind.close()  # (closed now: once)


def test_an_early_fsync_that_fails_is_raised_where_the_block_waits_for_it() -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)
    with os.fdopen(write_end, "wb") as stream:
        pending = PendingFile(stream, Path("pipe"), Path("target"))
        pending.sync_ahead()
        with pytest.raises(OSError, match=os.strerror(errno.EINVAL)):  # a pipe: no disk
            pending._synced()
        pending.sync_ahead()
        pending._synced(quiet=True)  # (on the way out of a failed block: its error wins)


def _sync_then_fail(target: Path) -> None:
    with pending_output(target, "wb") as pending:
        pending.stream.write(b"half")
        pending.sync_ahead()
        raise RuntimeError("stop")


def test_an_early_fsync_then_an_exception_discards_the_output(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="stop"):
        _sync_then_fail(tmp_path / "out.tra")
    assert list(tmp_path.iterdir()) == []


def test_an_early_fsync_keeps_the_output(tmp_path: Path) -> None:
    target = tmp_path / "out.tra"
    with pending_output(target, "wb") as pending:
        pending.stream.write(b"whole")
        pending.sync_ahead()
        assert pending.path.read_bytes() == b"whole"  # flushed: readable back at once
    assert target.read_bytes() == b"whole"


class _Sip(io.RawIOBase):
    """A raw stream that takes at most 1,000 bytes a write. (A fake: no real file gives
    short writes on demand; a pipe or an interrupted write can.)"""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        taken = bytes(memoryview(data)[:1000])
        self.data += taken
        return len(taken)


def test_write_behind_writes_what_a_raw_stream_takes_a_part_at_a_time() -> None:
    sip = _Sip()
    with WriteBehind(cast(IO[bytes], sip)) as behind:
        behind.write(bytes(range(256)) * 20)
    assert bytes(sip.data) == bytes(range(256)) * 20


def test_write_behind_refuses_a_write_once_closed(tmp_path: Path) -> None:
    with open(tmp_path / "out", "wb") as out:
        behind = WriteBehind(out)
        behind.write(b"a")
        behind.close()
        with pytest.raises(ValueError, match="closed"):
            behind.write(b"b")
    assert (tmp_path / "out").read_bytes() == b"a"


def _fail_while_writing(out: IO[bytes]) -> None:
    with WriteBehind(out) as behind:
        behind.write(bytes((1 << 20) + 10))  # a chunk handed over (and refused), 10 bytes kept
        raise RuntimeError("the converter's own error")


def test_an_error_inside_the_block_is_the_one_raised_and_the_rest_is_not_written() -> None:
    # On /dev/full the chunk handed over fails: the block's own error comes out, not ENOSPC.
    full = Path("/dev/full")
    if not full.exists():
        pytest.skip("no /dev/full here")
    with open(full, "wb", buffering=0) as out, pytest.raises(RuntimeError, match="own error"):
        _fail_while_writing(out)
    assert not [t for t in threading.enumerate() if t.name == "tratool-write"]


def test_the_early_fsync_has_a_descriptor_of_its_own(tmp_path: Path) -> None:
    # It syncs and closes a duplicate: the stream may close meanwhile, and no descriptor is
    # left open after.
    before = len(os.listdir("/proc/self/fd")) if Path("/proc/self/fd").exists() else None
    with pending_output(tmp_path / "out.tra", "wb") as pending:
        pending.stream.write(b"x" * 100_000)
        pending.sync_ahead()
        pending.sync_ahead()  # a second one waits for the first
    assert (tmp_path / "out.tra").read_bytes() == b"x" * 100_000
    assert not [t for t in threading.enumerate() if t.name == "tratool-fsync"]
    if before is not None:
        assert len(os.listdir("/proc/self/fd")) == before


def test_an_exception_after_the_early_fsync_waits_for_it(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="stop"):
        _sync_then_fail(tmp_path / "out.tra")
    assert not [t for t in threading.enumerate() if t.name == "tratool-fsync"]
