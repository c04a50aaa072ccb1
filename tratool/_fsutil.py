"""Atomic output: write beside the target, then rename over it, so a crash or an error never
leaves a half-written file where a complete one is expected. `pending_output` also lets the
writer look at the finished temporary file and decide to keep it or throw it away.

Large outputs can be written behind the code producing them (`WriteBehind`) and put on disk
while it reads them back (`PendingFile.sync_ahead`): a write or an fsync waits on the kernel
without holding the GIL, so another thread's Python goes on meanwhile."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import queue
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, AnyStr, Generic, Literal, overload


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


Keep = Callable[[], bool]


def _always() -> bool:
    return True


class PendingFile(Generic[AnyStr]):
    """A temporary file beside `target`, renamed over it when the `pending_output` block ends
    normally, unless `discard()` was called; an exception always discards it."""

    def __init__(self, stream: IO[AnyStr], path: Path, target: Path) -> None:
        self.stream: IO[AnyStr] = stream
        self.path = path  # the temporary file, e.g. to validate it before it replaces `target`
        self.target = target
        self.discarded = False
        self._syncing: _Background | None = None

    def discard(self) -> None:
        """Throw the temporary file away at the end of the block; `target` stays as it was."""
        self.discarded = True

    def sync_ahead(self) -> None:
        """Flush, and start putting the file's data on disk in a thread while the caller goes
        on (reading the file back, say): the end of the block then waits only for the rest.
        An error of that fsync is raised there (a second fsync may not report it again)."""
        self._synced()  # (one at a time)
        self.stream.flush()
        # A descriptor of the thread's own: whatever interrupts the wait for it, the thread
        # never syncs a number the stream's closing has handed to another file.
        self._syncing = _Background(
            _fsync_and_close, os.dup(self.stream.fileno()), name="tratool-fsync"
        )

    def _synced(self, quiet: bool = False) -> None:
        """Wait for `sync_ahead`'s fsync, if any; raise its error unless `quiet`."""
        syncing, self._syncing = self._syncing, None
        if syncing is not None:
            syncing.result(quiet)


@overload
def pending_output(
    path: Path, mode: Literal["wb"], *, suffix: str = ".tmp"
) -> contextlib.AbstractContextManager[PendingFile[bytes]]: ...
@overload
def pending_output(
    path: Path, mode: Literal["w"], *, suffix: str = ".tmp"
) -> contextlib.AbstractContextManager[PendingFile[str]]: ...
def pending_output(
    path: Path, mode: str, *, suffix: str = ".tmp"
) -> (
    contextlib.AbstractContextManager[PendingFile[bytes]]
    | contextlib.AbstractContextManager[PendingFile[str]]
):
    """Context manager yielding a `PendingFile`: `path` is replaced on success only. Text mode
    writes UTF-8 with the line endings given. `suffix` ends the temporary file's name."""
    return _pending(path, mode, suffix)


@contextlib.contextmanager
def _pending(path: Path, mode: str, suffix: str) -> Iterator[PendingFile]:  # type: ignore[type-arg]
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=suffix)
    try:
        # mkstemp creates 0600 files; give the output the permissions a plain open() would.
        os.chmod(tmp_name, 0o666 & ~_umask())
        kwargs = {"encoding": "utf-8", "newline": ""} if "b" not in mode else {}
        with os.fdopen(fd, mode, **kwargs) as tmp:  # type: ignore[call-overload]
            pending = PendingFile(tmp, Path(tmp_name), path)
            try:
                yield pending
            except BaseException:
                pending._synced(quiet=True)  # (the descriptor is closed after, not during)
                raise
            pending._synced()
            tmp.flush()
            os.fsync(tmp.fileno())
        if pending.discarded:
            Path(tmp_name).unlink()
        else:
            os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


@overload
def atomic_output(
    path: Path, mode: Literal["wb"], *, keep: Keep = _always
) -> contextlib.AbstractContextManager[IO[bytes]]: ...
@overload
def atomic_output(
    path: Path, mode: Literal["w"], *, keep: Keep = _always
) -> contextlib.AbstractContextManager[IO[str]]: ...
def atomic_output(
    path: Path, mode: str, *, keep: Keep = _always
) -> contextlib.AbstractContextManager[IO[bytes]] | contextlib.AbstractContextManager[IO[str]]:
    """Context manager yielding a temporary file that replaces `path` on success only.

    `keep` is asked once the block ends without an exception: when it says False (the data
    written turned out to be unusable, e.g. the input had errors) the temporary file is thrown
    away and `path` is left as it was.
    """
    return _atomic(path, mode, keep)


@contextlib.contextmanager
def _atomic(path: Path, mode: str, keep: Keep) -> Iterator[IO]:  # type: ignore[type-arg]
    with _pending(path, mode, ".tmp") as pending:
        yield pending.stream
        if not keep():
            pending.discard()


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """True when both paths exist and name the same file (also through links)."""
    return os.path.exists(a) and os.path.exists(b) and os.path.samefile(a, b)


def _fsync_and_close(descriptor: int) -> None:
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class _Background:
    """`function(*args)` run in a thread of its own from now; `result()` waits for it and
    raises its error."""

    def __init__(self, function: Callable[..., object], *args: Any, name: str) -> None:
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._run, args=(function, args), name=name, daemon=True
        )
        self._thread.start()

    def _run(self, function: Callable[..., object], args: tuple[Any, ...]) -> None:
        try:
            function(*args)
        except BaseException as exc:  # (handed to the waiting thread, raised there)
            self._error = exc

    def result(self, quiet: bool = False) -> None:
        self._thread.join()
        if self._error is not None and not quiet:
            raise self._error


_CHUNK = 1 << 20  # bytes handed to the writing thread at a time
_CHUNKS = 8  # chunks at most in flight: the memory a WriteBehind takes


class WriteBehind(io.BufferedIOBase):
    """Writes to `stream` made by a thread of its own, in order, while the caller goes on:
    the bytes are copied into chunks (the caller may reuse its buffers at once), and a chunk
    is handed over when full; with every chunk in flight, `write` waits for one. The first
    error of a write is raised by the next `write`, `flush` or `close`, and nothing more is
    written. `close` writes the rest and waits; it does not close `stream`."""

    def __init__(self, stream: IO[bytes]) -> None:
        super().__init__()
        self._stream = stream
        self._free: queue.SimpleQueue[bytearray] = queue.SimpleQueue()
        for _ in range(_CHUNKS - 1):
            self._free.put(bytearray(_CHUNK))
        self._full: queue.Queue[tuple[bytearray, int] | None] = queue.Queue()
        self._chunk, self._filled = bytearray(_CHUNK), 0
        self._error: BaseException | None = None
        self._abandoned = False
        self._writer = threading.Thread(
            target=self._write_chunks, name="tratool-write", daemon=True
        )
        self._writer.start()

    @property
    def name(self) -> Any:
        return getattr(self._stream, "name", "<stream>")

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        if self.closed:
            raise ValueError("write to closed file")
        self._raise()
        view = memoryview(data).cast("B")
        written = len(view)
        while view:
            take = min(len(view), _CHUNK - self._filled)
            self._chunk[self._filled : self._filled + take] = view[:take]
            self._filled += take
            view = view[take:]
            if self._filled == _CHUNK:
                self._hand_over()
        return written

    def flush(self) -> None:
        """Wait until every byte written so far is written to `stream`, and flush it."""
        if self.closed or not self._writer.is_alive():  # (closing: the thread is gone)
            return
        if self._filled:
            self._hand_over()
        self._full.join()
        self._raise()
        self._stream.flush()

    def close(self) -> None:
        if self.closed:
            return
        try:
            self.flush()
        finally:
            self._stop()
            super().close()  # (which flushes: nothing is left)

    def __exit__(self, *exc_info: object) -> None:
        if exc_info[0] is None:
            self.close()
        else:  # the output is thrown away: nothing more written, no error of ours over its
            self._abandon()

    def _abandon(self) -> None:
        """Stop the writing thread without writing what waits, and raise nothing."""
        if not self.closed:
            self._abandoned = True
            self._stop()
            super().close()

    def _stop(self) -> None:
        """End the writing thread once it is through with what was handed over."""
        self._full.put(None)
        self._writer.join()

    def _hand_over(self) -> None:
        self._full.put((self._chunk, self._filled))
        # (Nothing left to hand over twice, should the wait below be interrupted.)
        self._chunk, self._filled = bytearray(), 0
        self._chunk = self._free.get()

    def _write_chunks(self) -> None:
        while (item := self._full.get()) is not None:
            chunk, filled = item
            try:
                if self._error is None and not self._abandoned:
                    _write_all(self._stream, memoryview(chunk)[:filled])
            except BaseException as exc:  # (raised by the caller's next call)
                self._error = exc
            finally:
                self._free.put(chunk)
                self._full.task_done()
        self._full.task_done()

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error


def _write_all(stream: IO[bytes], data: memoryview) -> None:
    """All of `data`: a raw stream may take part of it at a time."""
    while data:
        written = stream.write(data)
        if not written:  # (a file takes at least a byte; a stream that would block, none)
            raise OSError(errno.EAGAIN, "the output took none of the bytes written")
        data = data[written:]
