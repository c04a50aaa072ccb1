"""Atomic output: write beside the target, then rename over it, so a crash or an error never
leaves a half-written file where a complete one is expected."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Literal, overload


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


Keep = Callable[[], bool]


def _always() -> bool:
    return True


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
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # mkstemp creates 0600 files; give the output the permissions a plain open() would.
        os.chmod(tmp_name, 0o666 & ~_umask())
        kwargs = {"encoding": "utf-8", "newline": ""} if "b" not in mode else {}
        with os.fdopen(fd, mode, **kwargs) as tmp:  # type: ignore[call-overload]
            yield tmp
            tmp.flush()
            os.fsync(tmp.fileno())
        if keep():
            os.replace(tmp_name, path)
        else:
            Path(tmp_name).unlink()
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """True when both paths exist and name the same file (also through links)."""
    return os.path.exists(a) and os.path.exists(b) and os.path.samefile(a, b)
