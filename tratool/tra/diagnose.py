"""Diagnostics the reader reports and the validator's rules judge, written once for both: what
an entry line's width loses (TRA-S09) and why line 1 is not a header (TRA-S02).

Cegid reads an entry line by position and reads missing columns as blanks (tra-format.md
§12.5), so a width is judged by what it loses, not by the number alone: a line whose trailing
blanks were stripped loses nothing; a line that stops inside a right-justified value was cut.
"""

from __future__ import annotations

import enum

import attrs

from ..errors import Severity
from . import layout

# A line shorter than this has not even its whole amount (131-150): fields are lost.
SHORTEST_READABLE = layout.ENTRY.field("amount").end


class Loss(enum.Enum):
    """What a width costs."""

    CUT = "cut"  # the line stops before its amount, or inside a right-justified value
    STRIPPED = "stripped"  # shorter, but only blanks can be missing: read as blanks
    IGNORED = "ignored"  # longer than the layout: Cegid ignores the extra characters
    BLANKS = "blanks"  # longer than the layout, but only with blanks

    @property
    def severity(self) -> Severity:
        """The catalogue's severity for it (validation-rules.md, TRA-S09)."""
        return _SEVERITY[self]


_SEVERITY: dict[Loss, Severity] = {
    Loss.CUT: "error",
    Loss.STRIPPED: "warning",
    Loss.IGNORED: "warning",
    Loss.BLANKS: "info",
}


@attrs.frozen
class WidthProblem:
    """An entry line's width and what it loses; `column` is the first column concerned."""

    loss: Loss
    width: int
    column: int
    field: str | None
    message: str
    hint: str


def entry_width(
    text: str, line_type: str, extended: bool, version: str, limit: int | None = None
) -> WidthProblem | None:
    """The width problem of an entry line, if any. `limit` overrides the longest ETE line
    the header version allows (`max_line_width`)."""
    width = len(text)
    if width < layout.STD_WIDTH:
        return _short(width, extended)
    longest = layout.longest_entry(line_type, extended, version)
    if extended and limit is not None:
        longest = limit
    if width <= longest:
        return None
    what = (
        f"a STD line ends at column {longest}"
        if not extended
        else f"this ETE line ends at column {longest} (header version {version.strip() or '?'})"
    )
    message = f"the line is {width} characters long; {what}"
    if not text[longest:].strip(" "):
        return WidthProblem(Loss.BLANKS, width, longest + 1, None, message, "only blanks follow")
    hint = f"Cegid ignores the characters after column {longest}; tratool keeps them as they are"
    return WidthProblem(Loss.IGNORED, width, longest + 1, None, message, hint)


def _short(width: int, extended: bool) -> WidthProblem:
    column = width + 1
    missing = layout.ENTRY.at(column)
    name = missing.name if missing else None
    expected = f"{'at least ' if extended else ''}{layout.STD_WIDTH}"
    message = f"the line is {width} characters long; an entry line has {expected}"
    if width < SHORTEST_READABLE:
        hint = "the line stops before its amount is complete: it was cut or a field is missing"
        return WidthProblem(Loss.CUT, width, column, name, message, hint)
    last = layout.ENTRY.at(width)
    if last is not None and last.just is layout.Just.RIGHT and last.end > width:
        hint = (
            f"it stops inside the right-justified {last.name} ({last.pos}-{last.end}), whose "
            "value always reaches the field's last column: the line was cut"
        )
        return WidthProblem(Loss.CUT, width, last.pos, last.name, message, hint)
    hint = (
        f"columns {column}-{layout.STD_WIDTH} are read as blanks, as Cegid does: trailing blanks "
        "were probably stripped, and nothing is lost"
    )
    return WidthProblem(Loss.STRIPPED, width, column, name, message, hint)


def not_a_header(text: str) -> tuple[str, str]:
    """(message, hint) for a line 1 that is not a TRA header."""
    if text.startswith("!"):
        message = "line 1 starts with '!': a legacy CCIMPEX file without TRA header"
    else:
        message = f"line 1 is not a TRA header (it starts {text[:14]!r})"
    hint = (
        "start the file with a header such as ***S5CLIJRLETE…: without it Cegid takes line 1 "
        "as a title and its entry is lost"
    )
    return message, hint
