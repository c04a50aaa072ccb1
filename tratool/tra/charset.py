"""Map characters Cegid would mangle to their closest Windows-1252 / ASCII neighbours.

Used only when the caller asks for it (``transliterate=True``, ``--transliterate``): a changed
label is a changed accounting record, so every change is reported, never silent.
"""

from __future__ import annotations

import functools
import unicodedata

import attrs

# Typographic characters that Windows-1252 can encode but that labels should not carry: they
# come from word processors and are shown or exported inconsistently downstream.
_TYPOGRAPHIC = {
    "\u2018": "'",  # ‘
    "\u2019": "'",  # ’
    "\u201a": "'",  # ‚
    "\u201b": "'",
    "\u2032": "'",  # ′
    # Typographic double quotes become single ones: Cegid strips a plain double quote from a
    # label (the validator warns about it, TRA-F06), so '"' would be no better.
    "\u201c": "'",  # “
    "\u201d": "'",  # ”
    "\u201e": "'",  # „
    "\u2033": "'",  # ″
    "\u2013": "-",  # –
    "\u2014": "-",  # —
    "\u2012": "-",
    "\u2015": "-",
    "\u2212": "-",  # minus sign
    "\u2026": "...",  # …
    "\u00a0": " ",  # no-break space
    "\u202f": " ",  # narrow no-break space (French typography before ; : ! ?)
    "\u2009": " ",  # thin space
    "\u2007": " ",
    "\u2002": " ",
    "\u2003": " ",
    "\u200b": "",  # zero-width space
    "\ufeff": "",  # stray BOM
}
# Letters NFKD does not decompose into a base letter + accent.
_LETTERS = {"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ı": "i", "ħ": "h"}


@attrs.frozen
class Change:
    """One transliterated value: where, and what it was and became."""

    line: int
    field: str
    before: str
    after: str

    def __str__(self) -> str:
        return f"line {self.line} {self.field}: {self.before!r} -> {self.after!r}"


@functools.lru_cache(maxsize=4096)
def encodable(char: str, encoding: str = "cp1252") -> bool:
    try:
        char.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def transliterate_char(char: str, encoding: str = "cp1252") -> str:
    """The replacement for one character; the character itself when there is none."""
    if char in _TYPOGRAPHIC:
        return _TYPOGRAPHIC[char]
    if char in _LETTERS:
        return _LETTERS[char]
    if encodable(char, encoding):
        return char
    decomposed = "".join(
        c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
    )
    if decomposed and all(encodable(c, encoding) for c in decomposed):
        return decomposed
    return char


def transliterate(text: str, encoding: str = "cp1252") -> str:
    if text.isascii():
        return text
    return "".join(transliterate_char(c, encoding) for c in text)
