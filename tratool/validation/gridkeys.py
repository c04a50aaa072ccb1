"""A grid block's pièce keys read as 64-bit words (numpy), for the pièce proof (gridpieces.py):
where the raw (journal, date, piece number) changes, and each pièce's journal, date and number
as the pièce rules read them. The number is one word (columns 152 - 159), the date another
(4 - 11), the journal the first 3 bytes of a third (the row proof's copy of the block,
gridvalues.BlockWords): comparing, stripping and reading digits are a few operations on whole
columns of words, not on the block's bytes."""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt

from .gridrows import FIELDS
from .gridvalues import BlockWords, byte_bits, digit_bytes, each_byte, equal_bytes

Words = npt.NDArray[np.uint64]
Ints = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]
_JOURNAL, _DATE, _NUMBER = (FIELDS[n].start for n in ("journal", "date", "piece_number"))
_JOURNAL_BYTES = np.uint64((1 << 8 * FIELDS["journal"].width) - 1)
_BLANKS, _ZEROS = each_byte(0x20), each_byte(0x30)
_FIRST_NIBBLES = each_byte(0x0F)
# By a word's 8 byte bits (byte 0 lowest): the place of its last set bit (-1: none), and of
# its first (8: none).
_LAST_SET = np.array([v.bit_length() - 1 for v in range(256)], dtype=np.int64)
_FIRST_SET = np.array([(v & -v).bit_length() - 1 if v else 8 for v in range(256)], np.uint64)
_PAIRS = np.uint64(0x00FF00FF00FF00FF)
_FOURS = np.uint64(0x0000FFFF0000FFFF)


@attrs.frozen(eq=False)
class Heads:
    """Each pièce's first row's journal (3 bytes), date and piece number, as words; the number
    right-aligned (`str.rjust(str.strip())`), whether it is one run of digits between blanks,
    and its value and the date's (0 unless digits)."""

    journals: Words
    dates: Words
    numbers: Words
    number_values: Ints
    date_values: Ints


def starts(block: BlockWords) -> Ints:
    """The first row of each pièce of the block: where the raw key changes."""
    change = np.zeros(max(block.rows - 1, 0), dtype=np.bool_)
    for column in (_JOURNAL, _DATE, _NUMBER):  # journal and date's start, date, number
        word = block.word(column)
        change |= word[1:] != word[:-1]
    result: Ints = np.concatenate(([0], np.flatnonzero(change) + 1)).astype(np.int64)
    return result


def heads(block: BlockWords, starts: Ints) -> Heads:
    """The key fields of the rows `starts`."""
    journals = block.word(_JOURNAL)[starts] & _JOURNAL_BYTES
    dates, raw = block.word(_DATE)[starts], block.word(_NUMBER)[starts]
    blank, digit = byte_bits(equal_bytes(raw, 0x20)), byte_bits(digit_bytes(raw))
    # Right-aligned: shifted by its trailing blanks (its high bytes), blanks shifted in.
    trailing = 7 - _LAST_SET[(blank ^ np.uint64(0xFF)).astype(np.int64)]  # 8: all blank
    shift = np.minimum(trailing, 7).astype(np.uint64) * np.uint64(8)
    shifted = (raw << shift) | (_BLANKS & ((np.uint64(1) << shift) - np.uint64(1)))
    numbers = np.where(trailing == 8, _BLANKS, shifted)
    digits = digit >> _FIRST_SET[digit.astype(np.int64)]  # the digits' bits from bit 0
    one_run = (digit != 0) & ((blank | digit) == 0xFF) & ((digits & (digits + 1)) == 0)
    all_digits = byte_bits(digit_bytes(dates)) == 0xFF
    return Heads(
        journals,
        dates,
        numbers,
        np.where(one_run, value(numbers ^ (equal_bytes(numbers, 0x20) >> np.uint64(3))), 0),
        np.where(all_digits, value(dates), 0),
    )


def value(words: Words) -> Ints:
    """8 ASCII digits (the first in the lowest byte) as an int: neighbouring digits joined
    into numbers of 2, then 4, then 8 digits, by multiplying and shifting whole words."""
    digits = words & _FIRST_NIBBLES
    pairs = ((digits * np.uint64(10 * 256 + 1)) >> np.uint64(8)) & _PAIRS
    fours = ((pairs * np.uint64(100 * 65536 + 1)) >> np.uint64(16)) & _FOURS
    result: Ints = ((fours * np.uint64(10_000 * (1 << 32) + 1)) >> np.uint64(32)).astype(np.int64)
    return result


def journal_indexes(journals: Words) -> tuple[Ints, list[str]]:
    """Each pièce's journal, stripped, as an index into the distinct stripped journals."""
    distinct, inverse = np.unique(journals, return_inverse=True)
    names = [int(v).to_bytes(8, "little")[:3].decode("ascii").strip() for v in distinct.tolist()]
    unique = sorted(set(names))
    places = np.array([unique.index(name) for name in names], dtype=np.int64)
    result: Ints = places[inverse.ravel()]
    return result, unique
