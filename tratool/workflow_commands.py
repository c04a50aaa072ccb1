"""GitHub Actions workflow commands (``::error file=…,line=…,title=…::message``), escaped.

The one place that writes them: the validator's GitHub format and ``push --format github``
both come here, so a message holding a newline, ``%``, ``:`` or ``,`` never breaks the
command or fakes another one.
"""

from __future__ import annotations

from typing import Literal

from .display import printable

Level = Literal["error", "warning", "notice"]


def escape_data(value: str) -> str:
    """The message part: ``%``, CR and LF are the characters GitHub decodes; other control
    characters (an ESC from the input) are shown as ``\\x1b``, as everywhere else."""
    return printable(value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(value: str) -> str:
    """A property value: also ``:`` and ``,``, which would end it."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def workflow_command(level: Level, message: str, **properties: str | int | None) -> str:
    """``::level name=value,…::message``; properties whose value is None or empty are left out."""
    props = ",".join(
        f"{name}={escape_property(str(value))}"
        for name, value in properties.items()
        if value is not None and value != ""
    )
    return f"::{level}{' ' + props if props else ''}::{escape_data(message)}"
