"""The three amounts of a grid block read once, eight bytes at a time (numpy): which rows hold
plain amounts (the row proof's TRA-F11 / F17), and the amount in cents (the pièce proof's
balances).

A plain amount is leading blanks, then ASCII digits with at most one decimal comma that has a
digit before it and 1 to the currency's decimals after it; the amount is not zero, amounts 2
and 3 may be blank. Anything else (a sign, a decimal point, trailing blanks) is looked at line
by line. Each 20-column field is read as three little-endian words; per byte, bit 7 tells
digits, blanks and commas apart (the block is ASCII, so no byte has bit 7 set); whether every
byte is one of them is told per word, the blanks and the commas are gathered into 20-bit masks
(bit i: column i of the field), and the digits are summed in the words themselves, two, four,
then eight at a time.
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
_EVERY_2ND = np.uint64(0x00FF00FF00FF00FF)
_EVERY_2ND_PAIR = np.uint64(0x0000FFFF0000FFFF)
# The bytes of the field in each of its three words (the third holds its 4 columns last).
_IN_FIELD = (each_byte(0x80), each_byte(0x80), each_byte(0x80) & np.uint64(0xFFFFFFFF << 32))
_EXPONENT, _BIAS = np.uint64(52), 1023  # a float64's exponent: where a power of 2 has its bit


def _number(words: Words, digits: Words) -> Words:
    """The 8 bytes read as an 8-digit number, byte 0 first; a byte that is not a digit
    counts as 0."""
    value = words & _NIBBLE & ((digits >> np.uint64(7)) * np.uint64(0xFF))
    value = ((value * np.uint64(10)) + (value >> np.uint64(8))) & _EVERY_2ND
    value = ((value * np.uint64(100)) + (value >> np.uint64(16))) & _EVERY_2ND_PAIR
    number: Words = ((value * np.uint64(10_000)) + (value >> np.uint64(32))) & np.uint64(0xFFFFFFFF)
    return number


class AmountField:
    """One amount field of the block: whether its bytes are all digits, blanks or commas; its
    blanks' and commas' columns as 20-bit masks (bit i: column i of the field); and its digits
    (blanks and the comma as zeros) as one number, exact when the first column is blank."""

    def __init__(self, block: BlockWords, name: str) -> None:
        start = _FIELDS[name].start
        # Each word read from the block's words once (contiguous arrays, some read-only).
        words = [block.word(at) for at in (start, start + 8, start + 16)]
        words[2] = words[2] << np.uint64(32)  # its 4 columns as the word's last 4 bytes
        self.blanks = self.commas = np.zeros(block.rows, dtype=np.uint64)
        self.number = np.zeros(block.rows, dtype=np.uint64)
        others = np.zeros(block.rows, dtype=np.uint64)  # bytes neither digit, blank nor comma
        for index, (word, shift) in enumerate(zip(words, (0, 8, 12), strict=True)):
            digits, blanks = digit_bytes(word), equal_bytes(word, 0x20)
            commas = equal_bytes(word, 0x2C)
            others |= (digits | blanks | commas) ^ _IN_FIELD[index]
            at = np.uint64(shift)
            self.blanks = self.blanks | (byte_bits(blanks) << at)
            self.commas = self.commas | (byte_bits(commas) << at)
            scale = _POWERS[12 - 8 * index] if index < 2 else np.uint64(1)
            self.number += _number(word, digits) * scale
        self.classes: Mask = others == 0  # digits, blanks and commas only
        self.blanks &= _ALL
        self.commas &= _ALL

    def plain(self, decimals: Ints, required: bool) -> Mask:
        """Rows holding a plain amount (see the module's docstring) with at most `decimals`
        decimals; blank ones too unless `required`."""
        blanks, commas = self.blanks, self.commas
        one = np.uint64(1)
        plain: Mask = self.classes & ((blanks & (blanks + one)) == 0)  # blanks lead, if any
        plain &= (commas & (commas - one)) == 0  # at most one comma
        lowest = _BITS[_WIDTH - 1 - np.clip(decimals, 0, _WIDTH - 1)]  # its comma's bit
        decimal = (commas < _BITS[_WIDTH - 1]) & (commas >= lowest)
        # A digit before the comma: of digits, blanks and one comma, the column before it
        # is a digit when there is one (not column 0) and it is not a blank.
        plain &= (commas == 0) | (decimal & ((commas & one) == 0) & ((commas >> one) & blanks == 0))
        if required:
            plain &= self.number != 0  # some digit but 0 (a sum that wrapped: looked at)
        return plain

    def cents(self) -> tuple[Ints, Mask]:
        """The amount in cents as `line.cents` reads a plain amount (decimals past the second
        dropped), and whether that is exact and below 10**14."""
        one = np.uint64(1)
        # The comma's column: the exponent of the float its single bit makes (exact).
        exponent = np.maximum(self.commas, one).astype(np.float64).view(np.uint64) >> _EXPONENT
        comma = exponent.astype(np.int64) - _BIAS
        fraction = np.where(self.commas != 0, _WIDTH - 1 - comma, 0)  # digits after it
        places = np.where(self.commas != 0, np.minimum(fraction + 1, 19), 0)  # the comma: a 0
        if len(places) and (places == places[0]).all():  # one form in the block: one divisor
            whole = self.number // _POWERS[places[0]]
            rest = self.number - whole * _POWERS[places[0]]
        else:
            whole = self.number // _POWERS[places]
            rest = self.number - whole * _POWERS[places]
        fits: Mask = ((self.blanks & one) == one) & (whole < _MAX_WHOLE) & (fraction <= 16)
        if len(fraction) and (fraction == 2).all():  # hundredths already
            hundredths = rest
        else:
            hundredths = rest * np.uint64(100) // _POWERS[np.clip(fraction, 0, 19)]
        cents: Ints = (whole * np.uint64(100) + hundredths).astype(np.int64)
        return cents, fits
