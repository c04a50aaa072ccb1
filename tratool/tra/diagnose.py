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
from ..i18n import N_, Text
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
    message: Text
    hint: Text


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
        N_("a STD line ends at column {column}", column=longest)
        if not extended
        else N_(
            "this ETE line ends at column {column} (header version {version})",
            column=longest,
            version=version.strip() or "?",
        )
    )
    message = N_("the line is {width} characters long; {what}", width=width, what=what)
    if not text[longest:].strip(" "):
        blanks = N_("only blanks follow")
        return WidthProblem(Loss.BLANKS, width, longest + 1, None, message, blanks)
    hint = N_(
        "Cegid ignores the characters after column {column}; tratool keeps them as they are",
        column=longest,
    )
    return WidthProblem(Loss.IGNORED, width, longest + 1, None, message, hint)


def _short(width: int, extended: bool) -> WidthProblem:
    column = width + 1
    missing = layout.ENTRY.at(column)
    name = missing.name if missing else None
    message = (
        N_(
            "the line is {width} characters long; an entry line has at least {expected}",
            width=width,
            expected=layout.STD_WIDTH,
        )
        if extended
        else N_(
            "the line is {width} characters long; an entry line has {expected}",
            width=width,
            expected=layout.STD_WIDTH,
        )
    )
    if width < SHORTEST_READABLE:
        hint = N_("the line stops before its amount is complete: it was cut or a field is missing")
        return WidthProblem(Loss.CUT, width, column, name, message, hint)
    last = layout.ENTRY.at(width)
    if last is not None and last.just is layout.Just.RIGHT and last.end > width:
        hint = N_(
            "it stops inside the right-justified {field} ({first}-{last}), whose value always "
            "reaches the field's last column: the line was cut",
            field=last.name,
            first=last.pos,
            last=last.end,
        )
        return WidthProblem(Loss.CUT, width, last.pos, last.name, message, hint)
    hint = N_(
        "columns {first}-{last} are read as blanks, as Cegid does: trailing blanks were "
        "probably stripped, and nothing is lost",
        first=column,
        last=layout.STD_WIDTH,
    )
    return WidthProblem(Loss.STRIPPED, width, column, name, message, hint)


def not_a_header(text: str) -> tuple[Text, Text]:
    """(message, hint) for a line 1 that is not a TRA header."""
    if text.startswith("!"):
        message = N_("line 1 starts with '!': a legacy CCIMPEX file without TRA header")
    else:
        message = N_("line 1 is not a TRA header (it starts {start!r})", start=text[:14])
    hint = N_(
        "start the file with a header such as ***S5CLIJRLETE…: without it Cegid takes line 1 "
        "as a title and its entry is lost"
    )
    return message, hint
