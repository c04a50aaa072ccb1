"""The 64-bit fingerprints the pièce rules keep in their traces (traces.py) instead of the
values themselves: a pièce's key, its content, a journal's number.

Each is a hash of one canonical byte string, the same function both engines compute: here in
pure Python, one value at a time (the reference engine, and the fast one for the lines it
feeds one by one), and in gridhashes.py with numpy, a whole block's column at once, from the
grid's raw bytes (which are the canonical bytes when its columns are aligned as the format
writes them). Python's own `hash` could not be computed in numpy.

The hash reads the bytes as little-endian 64-bit words (the last one padded with zero bytes)
and mixes each one in: xor, multiply by an odd constant, xor the high half into the low one,
all modulo 2**64; then the byte length, and a last multiply and xor-shift. A line's content
is hashed in the fields' order on the line, in three parts each padded to whole words (its
fields that touch each other: journal to label, direction and amount, currency), with the
parts' lengths for the length: a grid block's rows are read as words in place. The starting value
is drawn at random for each process (as Python's string hashes are), so that a file cannot be
made to collide on purpose; a test pins values for given starting values.
"""

from __future__ import annotations

import functools
import operator
import os
import struct
from collections.abc import Callable

import attrs

from ..tra import layout

MASK = (1 << 64) - 1
MULTIPLIER = 0x9E3779B97F4A7C15  # odd; 2**64 / the golden ratio
FINAL = 0xBF58476D1CE4E5B9  # odd; splitmix64's first multiplier
SEED = int.from_bytes(os.urandom(8), "little")
# A pièce key's canonical text: the journal and the number at their fields' widths.
JOURNAL_WIDTH = layout.ENTRY_FIELDS["journal"].width
NUMBER_WIDTH = layout.ENTRY_FIELDS["piece_number"].width
# A line's content text as the pièce rules write it: the pièce type, then `pieces.
# repeat_text`'s fields (each at its width).
LINE_TEXT = (
    "piece_type", "journal", "date", "account", "auxiliary", "reference", "label", "currency",
    "amount", "direction", "line_type",
)  # fmt: skip


def _content_spans() -> tuple[tuple[int, int], ...]:
    """The columns of LINE_TEXT's fields on a line, those that touch joined: journal to
    label, direction and amount, currency."""
    fields = sorted((layout.ENTRY_FIELDS[name] for name in LINE_TEXT), key=lambda f: f.start)
    spans = [[fields[0].start, fields[0].end]]
    for field in fields[1:]:
        if field.start == spans[-1][1]:
            spans[-1][1] = field.end
        else:
            spans.append([field.start, field.end])
    return tuple((start, end) for start, end in spans)


CONTENT_SPANS = _content_spans()


def _text_slices() -> list[list[slice]]:
    """Per span, where its fields are in a LINE_TEXT text, in their order on the line."""
    at, where = 0, {}
    for name in LINE_TEXT:
        width = layout.ENTRY_FIELDS[name].width
        where[layout.ENTRY_FIELDS[name].start] = slice(at, at + width)
        at += width
    return [[where[c] for c in sorted(where) if start <= c < end] for start, end in CONTENT_SPANS]


_TEXT_SLICES = _text_slices()
_TEXT_WIDTH = sum(layout.ENTRY_FIELDS[name].width for name in LINE_TEXT)
# Per span, what cuts its fields out of a text (a str for a span of one field: joining its
# characters gives it back).
_TEXT_GETTERS: list[Callable[[str], str | tuple[str, ...]]] = [
    operator.itemgetter(*slices) for slices in _TEXT_SLICES
]


def _ascii_getter() -> Callable[[bytes], tuple[bytes, ...]]:
    """What cuts a full-width ASCII text's bytes, with zero bytes after them, into the parts
    and their padding: one join gives the padded bytes."""
    cuts, zeros = [], _TEXT_WIDTH
    for slices in _TEXT_SLICES:
        cuts += slices
        size = sum(s.stop - s.start for s in slices)
        cuts.append(slice(zeros, zeros + (-size & 7)))
    return operator.itemgetter(*cuts)


_ASCII_GETTER = _ascii_getter()


def fingerprint(data: bytes, seed: int = SEED) -> int:
    """The hash of `data`, unsigned, below 2**64."""
    return mix(data + bytes(-len(data) & 7), len(data), seed)


def mix(padded: bytes, length: int, seed: int = SEED) -> int:
    """The hash of whole words `padded`, `length` mixed in last."""
    state = seed
    for word in _words(len(padded)).unpack(padded):
        state = ((state ^ word) * MULTIPLIER) & MASK
        state ^= state >> 32
    state = ((state ^ length) * FINAL) & MASK
    return state ^ (state >> 31)


def content_length(parts: list[int]) -> int:
    """What a line's content hash mixes in as its length: its parts' lengths in bytes, 16
    bits each. (They fix its text: the parts partition it at fixed places, and each part's
    UTF-8 bytes give back its characters.)"""
    length = 0
    for index, size in enumerate(parts):
        length |= size << 16 * index
    return length


def signed(value: int) -> int:
    """An unsigned 64-bit value as the signed one of the same bits (the traces' keys, which
    SQLite stores as signed 64-bit integers)."""
    return value - (1 << 64) if value >> 63 else value


def piece_key(journal: str, date: str, number: str, seed: int = SEED) -> int:
    """A pièce key's trace key: the journal left-aligned on 3 characters, the date as it is (8
    digits unless the line was cut), the number right-aligned on 8, in UTF-8; its length tells
    the date's."""
    text = journal.ljust(JOURNAL_WIDTH) + date + number.rjust(NUMBER_WIDTH)
    return signed(fingerprint(text.encode("utf-8", "surrogatepass"), seed))


def number_key(journal: str, number: int, seed: int = SEED) -> int:
    """A journal's number's trace key: the journal left-aligned on 3 characters in UTF-8, then
    the number as 8 little-endian bytes (numbers are at most 8 digits)."""
    text = journal.ljust(JOURNAL_WIDTH).encode("utf-8", "surrogatepass")
    return signed(fingerprint(text + (number & MASK).to_bytes(8, "little"), seed))


def line_content(text: str, seed: int = SEED) -> int:
    """A line's share of its pièce's content hash (summed modulo 2**64): the hash of its
    fixed-width content text (LINE_TEXT: the pièce type, then `pieces.repeat_text`), its
    fields in their order on the line, in CONTENT_SPANS' parts each padded to whole words."""
    data = text.encode("utf-8", "surrogatepass")
    if len(data) == len(text) == _TEXT_WIDTH:  # ASCII, every field at its width: one cut
        return mix(b"".join(_ASCII_GETTER(data + bytes(8))), _ASCII_LENGTH, seed)
    padded, sizes = b"", []
    for getter in _TEXT_GETTERS:
        part = "".join(getter(text)).encode("utf-8", "surrogatepass")
        padded += part + bytes(-len(part) & 7)
        sizes.append(len(part))
    return mix(padded, content_length(sizes), seed)


_ASCII_LENGTH = content_length([end - start for start, end in CONTENT_SPANS])


@functools.cache
def _words(size: int) -> struct.Struct:
    return struct.Struct(f"<{size // 8}Q")


@attrs.frozen
class TraceKeys:
    """How the pièce rules make their traces' keys: a pièce key's, a journal's number's, a
    line's share of its pièce's content (summed modulo 2**64) and that sum's."""

    piece: Callable[[str, str, str], int]
    number: Callable[[str, int], int]
    line: Callable[[str], int]
    content: Callable[[int], int]


FINGERPRINTS = TraceKeys(piece=piece_key, number=number_key, line=line_content, content=signed)
