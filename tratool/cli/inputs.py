"""The files a command was given: paths, folders searched for TRA files, or ``-`` for stdin.

Each argument becomes one or more `Input`s; an argument that names nothing readable is an
`Input` carrying its problem, so the command reports it as its own error and goes on with the
others (the run's exit status is then the worst of all).
"""

from __future__ import annotations

import fnmatch
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import attrs
import click

from .common import STDIO, _

TRA_SUFFIX = ".tra"  # matched without case: Cegid writes .TRA, people write .tra


@attrs.frozen
class Input:
    name: str  # as shown in messages: the path as found, or "<stdin>"
    path: Path | None  # None for standard input
    problem: str | None = None  # why it cannot be read; then it is reported, not read

    @property
    def is_stdin(self) -> bool:
        return self.path is None and self.problem is None


def _excluded(relative: Path, patterns: tuple[str, ...]) -> bool:
    """A pattern matches the relative path, or any one of its parts (a folder name)."""
    text = relative.as_posix()
    return any(
        fnmatch.fnmatch(text, p) or any(fnmatch.fnmatch(part, p) for part in relative.parts)
        for p in patterns
    )


def _folder(folder: Path, exclude: tuple[str, ...]) -> list[Input]:
    found: list[Path] = []
    for directory, subfolders, files in os.walk(folder, onerror=None):
        here = Path(directory)
        subfolders[:] = sorted(
            d for d in subfolders if not _excluded((here / d).relative_to(folder), exclude)
        )
        found += (
            here / f
            for f in sorted(files)
            if f.lower().endswith(TRA_SUFFIX)
            and not _excluded((here / f).relative_to(folder), exclude)
        )
    if not found:
        problem = _("no {suffix} file in this folder").format(suffix=TRA_SUFFIX)
        return [Input(str(folder), folder, problem)]
    return [Input(str(p), p) for p in found]


def expand(arguments: Iterable[str], exclude: tuple[str, ...] = ()) -> list[Input]:
    """Inputs in the order given; folders searched recursively for *.tra / *.TRA files."""
    inputs: list[Input] = []
    for argument in arguments:
        if argument == STDIO:
            inputs.append(Input("<stdin>", None))
            continue
        path = Path(argument)
        if path.is_dir():
            inputs += _folder(path, exclude)
        elif not path.exists():
            inputs.append(Input(argument, path, _("no such file or folder")))
        else:
            inputs.append(Input(argument, path))
    stdin = [i for i in inputs if i.is_stdin]
    if len(stdin) > 1:
        raise click.UsageError(_("'-' (standard input) can be given only once"))
    return inputs


@contextmanager
def spooled(argument: str, *, suffix: str) -> Iterator[tuple[Path, str]]:
    """(path, name in messages): the file itself, or standard input copied to a temporary
    file, for the readers that go over their input more than once (CSV conversion, push)."""
    if argument != STDIO:
        yield Path(argument), argument
        return
    with tempfile.TemporaryDirectory(prefix="tratool-") as folder:
        copy = Path(folder) / f"stdin{suffix}"
        with copy.open("wb") as out:
            shutil.copyfileobj(sys.stdin.buffer, out)
        yield copy, "<stdin>"


STDIN_FILE_NAME = "stdin.tra"


def stdin_as_file(ctx: click.Context, param: click.Parameter, value: object) -> object:
    """Click callback: ``-`` among a command's files becomes standard input copied to a file.

    For the commands that need a file with a name (push keys its journal and names its blob
    from it, upload names its blob): the copy lives in a temporary folder removed when the
    command ends, whatever way it ends.
    """
    files = value if isinstance(value, tuple) else (value,)
    dash = Path(STDIO)
    if dash not in files:
        return value
    if files.count(dash) > 1:
        raise click.BadParameter(_("'-' (standard input) can be given only once"), param=param)
    folder = Path(tempfile.mkdtemp(prefix="tratool-"))
    ctx.call_on_close(lambda: shutil.rmtree(folder, ignore_errors=True))
    copy = folder / STDIN_FILE_NAME
    with copy.open("wb") as out:
        shutil.copyfileobj(sys.stdin.buffer, out)
    replaced = tuple(copy if f == dash else f for f in files)
    return replaced if isinstance(value, tuple) else replaced[0]
