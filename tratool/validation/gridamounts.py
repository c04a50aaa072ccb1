"""The three amounts of a grid block read once, eight bytes at a time (numpy): which rows hold
plain amounts (the row proof's TRA-F11 / F17), and the amount in cents (the pièce proof's
balances).

A plain amount is leading blanks, then ASCII digits with at most one decimal comma that has a
digit before it and 1 to the currency's decimals after it; the amount is not zero, amounts 2
and 3 may be blank. Anything else (a sign, a decimal point, trailing blanks) is looked at line
by line. Each 20-column field is read as three little-endian words; per byte, bit 7 tells
digits, blanks and commas apart (the block is ASCII, so no byte has bit 7 set), gathered into
a 20-bit mask per class (bit i: column i of the field), and the digits are summed in the words
themselves, two, four, then eight at a time.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ..tra import layout
from .gridvalues import BlockWords, Mask, Words, byte_bits, digit_bytes, each_byte, equal_bytes

Ints = npt.NDArray[np.int64]
_WIDTH = layout.ENTRY_FIELDS["amount"].width  # every amount field: read as 8 + 8 + 4 bytes
assert all(layout.ENTRY_FIELDS[n].width == _WIDTH == 20 for n in ("amount2", "amount3"))
_FIELDS = {name: layout.ENTRY_FIELDS[name] for name in ("amount", "amount2", "amount3")}
_ALL = np.uint64((1 << _WIDTH) - 1)
_MAX_WHOLE = 10**12  # an amount's cents below 10**14: a block's sums stay far from 2**63


_NIBBLE = each_byte(0x0F)
_POWERS = np.array([10**k for k in range(20)], dtype=np.uint64)
_BITS = np.array([1 << k for k in range(_WIDTH)], dtype=np.uint64)
_SEVEN = np.uint64(7)
_EVERY_2ND = np.uint64(0x00FF00FF00FF00FF)
_EVERY_2ND_PAIR = np.uint64(0x0000FFFF0000FFFF)


def _number(words: Words, digits: Words) -> Words:
    """The 8 bytes read as an 8-digit number, byte 0 first; a byte that is not a digit
    counts as 0."""
    value = words & _NIBBLE & ((digits >> _SEVEN) * np.uint64(0xFF))
    value = ((value * np.uint64(10)) + (value >> np.uint64(8))) & _EVERY_2ND
    value = ((value * np.uint64(100)) + (value >> np.uint64(16))) & _EVERY_2ND_PAIR
    number: Words = ((value * np.uint64(10_000)) + (value >> np.uint64(32))) & np.uint64(0xFFFFFFFF)
    return number


class AmountField:
    """One amount field of the block: its columns' classes as 20-bit masks, and its digits
    (blanks and the comma as zeros) as one number, exact when the first column is blank."""

    def __init__(self, block: BlockWords, name: str) -> None:
        start = _FIELDS[name].start
        words = [block.word(start), block.word(start + 8), block.word(start + 16)]
        words[2] = words[2] << np.uint64(32)  # its 4 columns as the word's last 4 bytes
        self.digits = self.blanks = self.commas = np.zeros(block.rows, dtype=np.uint64)
        self.number = np.zeros(block.rows, dtype=np.uint64)
        for index, (word, shift) in enumerate(zip(words, (0, 8, 12), strict=True)):
            digits = digit_bytes(word)
            at = np.uint64(shift)
            self.digits = self.digits | (byte_bits(digits) << at)
            self.blanks = self.blanks | (byte_bits(equal_bytes(word, 0x20)) << at)
            self.commas = self.commas | (byte_bits(equal_bytes(word, 0x2C)) << at)
            scale = _POWERS[12 - 8 * index] if index < 2 else np.uint64(1)
            self.number += _number(word, digits) * scale
        self.digits &= _ALL
        self.blanks &= _ALL
        self.commas &= _ALL

    def plain(self, decimals: Ints, required: bool) -> Mask:
        """Rows holding a plain amount (see the module's docstring) with at most `decimals`
        decimals; blank ones too unless `required`."""
        digits, blanks, commas = self.digits, self.blanks, self.commas
        one = np.uint64(1)
        plain: Mask = (digits | blanks | commas) == _ALL
        plain &= (blanks & (blanks + one)) == 0  # blanks only before the first digit
        plain &= (commas & (commas - one)) == 0  # at most one comma
        lowest = _BITS[_WIDTH - 1 - np.clip(decimals, 0, _WIDTH - 1)]  # its comma's bit
        decimal = (commas < _BITS[_WIDTH - 1]) & (commas >= lowest)
        plain &= (commas == 0) | (decimal & ((commas >> one) & digits != 0))
        if required:
            plain &= self.number != 0  # some digit but 0 (a sum that wrapped: looked at)
        return plain

    def cents(self) -> tuple[Ints, Mask]:
        """The amount in cents as `line.cents` reads a plain amount (decimals past the second
        dropped), and whether that is exact and below 10**14."""
        one = np.uint64(1)
        comma = np.log2(np.maximum(self.commas, one).astype(np.float64)).astype(np.int64)
        fraction = np.where(self.commas != 0, _WIDTH - 1 - comma, 0)  # digits after it
        places = np.where(self.commas != 0, np.minimum(fraction + 1, 19), 0)  # the comma: a 0
        whole = self.number // _POWERS[places]
        rest = self.number - whole * _POWERS[places]
        fits: Mask = ((self.blanks & one) == one) & (whole < _MAX_WHOLE) & (fraction <= 16)
        hundredths = rest * np.uint64(100) // _POWERS[np.clip(fraction, 0, 19)]
        cents: Ints = (whole * np.uint64(100) + hundredths).astype(np.int64)
        return cents, fits
