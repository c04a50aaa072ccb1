"""The 64-bit fingerprints the pièce rules keep in their traces (traces.py) instead of the
values themselves: a pièce's key, its content, a journal's number.

Each is a hash of one canonical byte string, the same function both engines compute: here in
pure Python, one value at a time (the reference engine, and the fast one for the lines it
feeds one by one), and in gridhashes.py with numpy, a whole block's column at once, from the
grid's raw bytes (which are the canonical bytes when its columns are aligned as the format
writes them). Python's own `hash` could not be computed in numpy.

The hash reads the bytes as little-endian 64-bit words (the last one padded with zero bytes)
and mixes each one in: xor, multiply by an odd constant, xor the high half into the low one,
all modulo 2**64; then the byte length, and a last multiply and xor-shift. The starting value
is drawn at random for each process (as Python's string hashes are), so that a file cannot be
made to collide on purpose; a test pins values for given starting values.
"""

from __future__ import annotations

import functools
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


def fingerprint(data: bytes, seed: int = SEED) -> int:
    """The hash of `data`, unsigned, below 2**64."""
    state, padded = seed, data + bytes(-len(data) & 7)
    for word in _words(len(padded)).unpack(padded):
        state = ((state ^ word) * MULTIPLIER) & MASK
        state ^= state >> 32
    state = ((state ^ len(data)) * FINAL) & MASK
    return state ^ (state >> 31)


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
    """A line's share of its pièce's content hash (summed modulo 2**64): the fingerprint of its
    fixed-width content text (`pieces.repeat_text`, after the pièce type)."""
    return fingerprint(text.encode("utf-8", "surrogatepass"), seed)


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
