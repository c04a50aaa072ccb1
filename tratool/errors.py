"""The exceptions tratool raises, in one hierarchy: catch `TraError` to catch them all."""

from __future__ import annotations

from typing import Literal

import attrs

Severity = Literal["error", "warning"]


class TraError(Exception):
    """Base class of every error tratool raises on purpose."""


@attrs.define(auto_exc=True, kw_only=True)
class ParseError(TraError):
    """A problem found while reading, located as precisely as the reader can.

    The reader collects these instead of raising them, so one bad line never hides the next;
    `severity` says whether the data read may be wrong (``error``) or only looks unusual.
    """

    message: str
    path: str | None = None
    line: int | None = None
    column: int | None = None
    field: str | None = None
    value: str | None = None
    hint: str | None = None
    severity: Severity = "error"

    @property
    def location(self) -> str:
        parts = [self.path or "<stream>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        where = f" {self.field}" if self.field else ""
        return f"{self.location}: {self.severity}{where}: {self.message}"


@attrs.define(auto_exc=True)
class UnreadableInput(TraError):
    """The input cannot be read at all (missing file, permission, not a file)."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: cannot read: {self.reason}"


@attrs.frozen(kw_only=True)
class WriteProblem:
    """Why one field of one record cannot be written."""

    record: int  # 1-based position of the record in the output, i.e. its line number
    field: str | None
    column: int | None
    message: str

    def __str__(self) -> str:
        where = f" column {self.column}" if self.column else ""
        name = f" {self.field}" if self.field else ""
        return f"line {self.record}{where}{name}: {self.message}"


@attrs.define(auto_exc=True)
class WriteError(TraError):
    """Records that cannot be written as a valid TRA file. Nothing was written."""

    path: str
    problems: list[WriteProblem]

    def __str__(self) -> str:
        shown = "\n  ".join(str(p) for p in self.problems[:20])
        more = len(self.problems) - 20
        tail = f"\n  … and {more} more" if more > 0 else ""
        return f"{self.path}: nothing written, {len(self.problems)} problem(s):\n  {shown}{tail}"
