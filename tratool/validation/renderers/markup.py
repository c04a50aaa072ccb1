"""The one home of escaping for the markup formats (XML for JUnit, HTML for the report).

A TRA line may hold any byte Windows-1252 defines, control characters included, and a file
may hold markup on purpose: everything taken from the file goes through these functions.
"""

from __future__ import annotations

import re

from ...display import printable

# XML 1.0 cannot hold most C0 controls: they are written as display.printable writes them
# for a terminal (\x1b). In the HTML grid a control character must stay one cell wide, so
# there it becomes its Unicode picture (␛) instead.
_ANY_CONTROL = re.compile("[\x00-\x1f\x7f]")
_MARKUP = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"})


def control_picture(char: str) -> str:
    """The Unicode "control picture" of a C0 control or DEL (U+2400 block), one cell wide."""
    code = ord(char)
    return "\u2421" if code == 0x7F else chr(0x2400 + code) if code < 0x20 else char


def visible(text: str) -> str:
    """`text` with every control character (TAB, CR and LF included) replaced by its picture."""
    return _ANY_CONTROL.sub(lambda m: control_picture(m.group()), text)


def xml_text(text: str) -> str:
    """Text safe inside an XML element or a quoted attribute; illegal controls made visible."""
    return printable(text).translate(_MARKUP)


def html_text(text: str) -> str:
    """Text safe anywhere in HTML content or a quoted attribute, controls shown as pictures."""
    return visible(text).translate(_MARKUP)
