"""Untrusted text shown to people: control characters escaped, long lists capped.

A TRA file, a CSV or a label may hold any byte. Printed as is, an ESC or BEL drives the
terminal (an ``ESC]0;…BEL`` label retitles the window), and a file of random bytes names a
million "journals" on one summary line. Everything tratool prints from its input goes through
here first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
LIST_LIMIT = 20  # items of a summary list shown before "… and N more"


def printable(text: str) -> str:
    """Control characters (C0 but tab and line feed, DEL, C1) as ``\\x1b`` escapes."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def listing(items: Sequence[str], limit: int = LIST_LIMIT) -> str:
    """Items joined by commas, at most `limit` of them: ``A, B, … and 4,210 more``."""
    shown = ", ".join(printable(item) for item in items[:limit])
    rest = len(items) - limit
    return f"{shown}, … and {rest:,} more" if rest > 0 else shown
