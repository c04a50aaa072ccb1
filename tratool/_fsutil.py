"""Atomic output: write beside the target, then rename over it, so a crash or an error never
leaves a half-written file where a complete one is expected. `pending_output` also lets the
writer look at the finished temporary file and decide to keep it or throw it away."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, AnyStr, Generic, Literal, overload


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

    def discard(self) -> None:
        """Throw the temporary file away at the end of the block; `target` stays as it was."""
        self.discarded = True


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
            yield pending
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
