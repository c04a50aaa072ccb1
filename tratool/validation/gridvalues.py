"""A grid block's field values as 64-bit words, and answers remembered across blocks by those
words (numpy), for the grid proofs (gridrows.py, gridpieces.py).

A question the proofs ask of the rule code ("does this account draw a finding?") has one
answer per distinct value, and a file repeats a few hundred values a million times. Asking
once per distinct value still means finding the block's distinct values, a sort per column
and block. Instead, each answer is kept in a table keyed by the value's own bytes, packed into
8-byte words (exactly: a key is the value, not a hash of it), so that a block's column is
checked by looking each row's words up; only the rows whose value is not in the table (new
values, or values that lost their slot) are sorted and asked of the rule code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from ..tra import layout

Words = npt.NDArray[np.uint64]
Mask = npt.NDArray[np.bool_]
Ints = npt.NDArray[np.int64]
Grid = npt.NDArray[np.uint8]
Column = npt.NDArray[np.uint8]
Span = tuple[int, int]  # columns start to end of a line, as in tra.layout
_WORD = np.dtype("<u8")  # little-endian whatever the machine: byte 0 is the low byte
_BLANKS = int.from_bytes(b" " * 8, "little")
# Odd multipliers spreading a key's words over a table's slots (any odd constants would do).
_SPREAD = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93]
    + [0xFF51AFD7ED558CCD + 2 * k for k in range(12)],
    dtype=np.uint64,
)
_SECOND = np.uint64(0xBF58476D1CE4E5B9)  # the second slot's hash, from the first's


def each_byte(byte: int) -> np.uint64:
    """`byte` in each of a word's 8 bytes."""
    return np.uint64(byte * 0x0101010101010101)


_HIGH = each_byte(0x80)
_DIGIT_FROM, _DIGIT_TO = each_byte(0x80 - 0x30), each_byte(0x80 + 0x39)
# Bit 7 of byte i to bit 56 + i: the eight bits land on eight distinct bits, so no sum carries.
_GATHER = np.uint64(0x0002040810204081)
_FIFTY_SIX = np.uint64(56)


# Bytes told apart eight at a time, in words of ASCII bytes (bit 7 clear; a grid block is
# ASCII, its copy is padded with zeros): the answers are bit 7 of each byte, and no sum or
# difference carries from one byte into the next (each byte's stays within 0 to 0xFF).
def equal_bytes(words: Words, byte: int) -> Words:
    """Bit 7 of each byte set where the byte is `byte` (ASCII): 0x80 - (byte ^ other) keeps
    bit 7 only where that is 0."""
    high: Words = (_HIGH - (words ^ each_byte(byte))) & _HIGH
    return high


def digit_bytes(words: Words) -> Words:
    """Bit 7 of each byte set where the byte is an ASCII digit: 0x30 or more (bit 7 of the
    byte + 0x50) and 0x39 or less (bit 7 of 0xB9 - the byte)."""
    high: Words = (words + _DIGIT_FROM) & (_DIGIT_TO - words) & _HIGH
    return high


def first_bytes(count: int) -> np.uint64:
    """Bit 7 of a word's first `count` bytes (all 8 from 8 on): what keeps a field's bytes."""
    return _HIGH & np.uint64((1 << 8 * min(count, 8)) - 1)


def byte_bits(high: Words) -> Words:
    """The bits 7 of a word's 8 bytes (nothing else set) as 8 bits, byte 0 lowest."""
    gathered: Words = (high * _GATHER) >> _FIFTY_SIX
    return gathered


class BlockWords:
    """A grid block's rows read as the 8-byte words that start at any of their columns. A word
    that would run past the rows' last column (222 for the STD grid) holds zeros for the bytes
    past it, so that every byte a word holds is one of the row's (ASCII, in a grid block) or
    zero.

    A grid up to `TRANSPOSED` columns wide (the STD grid) is read once, a few hundred rows at a
    time, into one contiguous array per aligned word (columns 0-7, 8-15, ...): its rows are
    hundreds of bytes apart, so that a column read from them in place brings a cache line per
    row, every time, and the proofs read some 75 words of each row. A word at other columns
    is two aligned ones shifted. A wider grid (the ETE part's) is read in place."""

    def __init__(self) -> None:
        self._grid: Grid = np.zeros((0, layout.STD_WIDTH), dtype=np.uint8)
        self.rows = 0
        self._blanks: dict[Span, Mask] = {}  # the block's blank columns, once asked
        self._aligned: Words | None = None  # the transposed copy, once a word is read
        self._bytes: dict[int, Column] = {}  # the block's byte columns, once asked

    def load(self, grid: Grid) -> None:
        """Read `grid`'s rows (each contiguous, 8 columns or more, any distance apart) from
        now."""
        if grid.ndim != 2 or grid.shape[1] < 8 or grid.strides[1] != 1:
            raise ValueError(f"a grid of shape {grid.shape}, strides {grid.strides}")
        self._grid, self.rows = grid, len(grid)
        self._blanks.clear()
        self._aligned = None
        self._bytes.clear()

    def holds(self, grid: Grid) -> bool:
        """Whether `grid` is the one loaded (the same array, so the same bytes: a block's
        proofs share its words)."""
        return grid is self._grid

    def _columns(self) -> Words | None:
        """The aligned words, row i of the array holding columns 8i to 8i + 8 of every row
        (None for a grid read in place)."""
        if self._aligned is None and self._grid.shape[1] <= TRANSPOSED:
            self._aligned = transposed(self._grid)
        return self._aligned

    def word(self, column: int) -> Words:
        """Each row's bytes `column` to `column + 8` as a little-endian integer (those past
        the row's last column zeros); read-only, a view of the block's words at times."""
        columns = self._columns()
        if columns is None:
            return self._in_place(column)
        index, place = divmod(column, 8)
        if not place:
            aligned: Words = columns[index]
            return aligned
        word: Words = columns[index] >> np.uint64(8 * place)
        if index + 1 < len(columns):
            word |= columns[index + 1] << np.uint64(64 - 8 * place)
        return word

    def byte(self, column: int) -> Column:
        """Each row's byte at `column` (remembered for the block; read-only): a contiguous
        array, not the column of the rows in place, which the proofs read several times."""
        found = self._bytes.get(column)
        if found is None:
            columns = self._columns()
            if columns is None:
                found = self._grid[:, column]
            else:
                index, place = divmod(column, 8)
                found = (columns[index] >> np.uint64(8 * place)).astype(np.uint8)  # its low byte
                found.flags.writeable = False
            self._bytes[column] = found
        return found

    def part(self, column: int, count: int) -> Words:
        """Each row's bytes `column` to `column + count` (8 at most) as the low bytes of a
        little-endian integer, its other bytes zeros."""
        columns = self._columns()
        index, place = divmod(column, 8)
        word: Words
        if columns is not None and place + count <= 8:  # within an aligned word
            word = columns[index] >> np.uint64(8 * place) if place else columns[index]
            return word if place + count == 8 else word & _low_bytes(count)
        word = self.word(column)
        return word if count == 8 else word & _low_bytes(count)

    def _in_place(self, column: int) -> Words:
        """`word`, read from the rows in place: a word past the last column is read from 8
        columns before it and shifted."""
        last = self._grid.shape[1] - 8
        if column > last:
            shifted: Words = self._in_place(last) >> np.uint64(8 * (column - last))
            return shifted
        word: Words = self._grid[:, column : column + 8].view(_WORD)[:, 0]
        return word

    def key(self, spans: Sequence[Span], blank_or_not: Sequence[Span] = ()) -> list[Words]:
        """Each row's key words: the bytes of `spans` one after the other, then (if any
        `blank_or_not`) one byte whose bit i says whether the i-th of them holds anything but
        blanks, packed 8 bytes to a word, the first byte lowest (the last word's bytes past
        them zeros). Every row's bytes sit at the same places of its words, so two rows have
        the same words exactly when they have the same bytes in `spans` and the same
        blankness in `blank_or_not`; packed, several narrow fields take one word, not one
        each (each word costs the look-ups a gather, a comparison and a multiplication).
        The words are read-only (views of the block's words at times)."""
        words: list[Words] = []
        used = 8  # bytes of the last word taken
        parts: list[tuple[int, int, Words | None]] = [(start, end, None) for start, end in spans]
        if blank_or_not:
            parts.append((0, 1, self._flags(blank_or_not)))
        for start, end, flags in parts:
            at = start
            while at < end:
                if used == 8:
                    used = 0
                take = min(end - at, 8 - used)
                part = self.part(at, take) if flags is None else flags
                if used:  # (into the shifted part, a new array: the word may be a view)
                    words[-1] = np.bitwise_or(part << np.uint64(8 * used), words[-1])
                else:
                    words.append(part)
                used += take
                at += take
        return words

    def _flags(self, spans: Sequence[Span]) -> Words:
        """Bit i of each row's byte: whether the i-th span holds anything but blanks."""
        flags = np.zeros(self.rows, dtype=np.uint64)
        for bit, (start, end) in enumerate(spans):
            flags |= (~self.blank(start, end)).astype(np.uint64) << np.uint64(bit)
        return flags

    def blank(self, start: int, end: int) -> Mask:
        """Rows whose columns `start` to `end` are all blanks (remembered for the block)."""
        found = self._blanks.get((start, end))
        if found is None:
            other = np.zeros(self.rows, dtype=np.uint64)  # bytes that are not blanks: not 0
            for word, keep in self._spanned(start, end):
                other |= _kept(word ^ np.uint64(_BLANKS), keep)
            found = self._blanks[(start, end)] = other == 0
        return found

    def same(self, spans: Sequence[Span], rows: Ints, others: Ints) -> Mask:
        """Whether each of `rows` holds the bytes in `spans` that the row of `others` in its
        place holds (only those rows' words compared, none made for the whole block)."""
        differ = np.zeros(len(rows), dtype=np.uint64)
        for start, end in spans:
            for word, keep in self._spanned(start, end):
                differ |= _kept(word[rows] ^ word[others], keep)
        same: Mask = differ == 0
        return same

    def filled(self, start: int, end: int, fill: int) -> list[Words]:
        """Words that hold columns `start` to `end`, each of them once, their other bytes
        `fill` (the aligned words the span touches, or words read from `start` on)."""
        return [
            word if keep is None else (word & keep) | (each_byte(fill) & ~keep)
            for word, keep in self._spanned(start, end)
        ]

    def _spanned(self, start: int, end: int) -> list[tuple[Words, np.uint64 | None]]:
        """Words that hold columns `start` to `end`, each with the mask of the bytes that are
        the span's (None: all 8): the aligned words the span touches, or words read from
        `start` on."""
        columns = self._columns()
        if columns is None:
            return [
                (self.word(at), None if end - at >= 8 else _low_bytes(end - at))
                for at in range(start, end, 8)
            ]
        spanned: list[tuple[Words, np.uint64 | None]] = []
        for index in range(start // 8, -(-end // 8)):
            low, high = max(start - 8 * index, 0), min(end - 8 * index, 8)
            keep = None if (low, high) == (0, 8) else _low_bytes(high) & ~_low_bytes(low)
            spanned.append((columns[index], keep))
        return spanned


TRANSPOSED = 224  # the widest grid whose words are read from a transposed copy
_CHUNK = 512  # rows transposed at a time (their words stay in the CPU's caches meanwhile)


def transposed(grid: Grid) -> Words:
    """The grid's aligned words (columns 8i to 8i + 8 of every row in row i of the array), the
    last one's bytes past the grid's last column zeros; read-only."""
    rows, width = grid.shape
    whole = width // 8
    columns = np.empty((-(-width // 8), rows), dtype=np.uint64)
    words = grid[:, : 8 * whole].view(_WORD)
    for at in range(0, rows, _CHUNK):
        columns[:whole, at : at + _CHUNK] = words[at : at + _CHUNK].T
    if whole < len(columns):  # the last columns: the row's last 8 bytes, shifted
        last = grid[:, width - 8 :].view(_WORD)[:, 0]
        columns[whole] = last >> np.uint64(8 * (8 - width % 8))
    columns.flags.writeable = False
    return columns


def _low_bytes(count: int) -> np.uint64:
    """The mask of a word's first `count` bytes (0 to 8)."""
    return _LOW_BYTES[count]


_LOW_BYTES = tuple(np.uint64((1 << 8 * count) - 1) for count in range(9))


def _kept(word: Words, keep: np.uint64 | None) -> Words:
    """`word`'s bytes that `keep` keeps (None: all), the others zeros."""
    return word if keep is None else word & keep


class KnownAnswers:
    """Answers to one question about values, remembered by their key words (`BlockWords.key`)
    in a table of 2**bits slots. A value may sit in either of two slots chosen by hashes of its
    words: the first if it is free, else the second, whose value it takes over. A slot holds
    the key whole, so a row is answered only by its own value; an empty slot (its key all
    zeros) answers False: the row is looked at, which is never wrong. Memory is fixed:
    (words + 1) × 8 × 2**bits bytes."""

    def __init__(self, words: int, bits: int = 14) -> None:
        if not 1 <= words <= len(_SPREAD):
            raise ValueError(f"a key of {words} words")
        self._shift = np.uint64(64 - bits)
        self._keys: Words = np.zeros((words, 1 << bits), dtype=np.uint64)
        self._answers: Mask = np.zeros(1 << bits, dtype=np.bool_)

    def spread(self, key: list[Words]) -> Words:
        """A 64-bit hash of each row's key words, from which its two slots are taken."""
        spread: Words = key[0] * _SPREAD[0]
        for index in range(1, len(key)):
            spread += key[index] * _SPREAD[index]
        return spread

    def _slots(self, spread: Words, choice: int) -> Ints:
        mixed = spread if choice == 0 else spread * _SECOND
        slots: Ints = (mixed >> self._shift).view(np.int64)  # below 2**bits
        return slots

    def _holds(self, key: list[Words], slots: Ints) -> Mask:
        holds: Mask = self._keys[0][slots] == key[0]
        for index in range(1, len(key)):
            holds &= self._keys[index][slots] == key[index]
        return holds

    def look_up(self, key: list[Words], spread: Words) -> tuple[Mask, Mask]:
        """Whether each row's value is in the table, and its answer (False where it is not)."""
        slots = self._slots(spread, 0)
        found = self._holds(key, slots)
        answers: Mask = found & self._answers[slots]
        if found.all():  # nearly every block once the values are known
            return found, answers
        rest = np.flatnonzero(~found)
        if len(rest):
            part = [words[rest] for words in key]
            slots = self._slots(spread[rest], 1)
            found[rest] = held = self._holds(part, slots)
            answers[rest] = held & self._answers[slots]
        return found, answers

    def remember(self, key: list[Words], spread: Words, answers: Mask) -> None:
        """Keep these rows' answers: each value in its first slot if free, else its second
        (one row per slot, the first, when several share one)."""
        _, first = np.unique(spread, return_index=True)
        slots = self._slots(spread[first], 0)
        taken = self._keys[:, slots].any(axis=0)
        slots[taken] = self._slots(spread[first][taken], 1)
        slots, once = np.unique(slots, return_index=True)
        rows = first[once]
        for index, words in enumerate(key):
            self._keys[index][slots] = words[rows]
        self._answers[slots] = answers[rows]


class Memory:
    """The tables of the questions one proof asks, by name, and the block they read."""

    def __init__(self, block: BlockWords | None = None) -> None:
        self.block = block or BlockWords()
        self._tables: dict[str, KnownAnswers] = {}

    def answers(
        self,
        question: str,
        key: list[Words],
        ask: Callable[[Ints], Mask],
        rows: Mask | None = None,
    ) -> Mask:
        """Each row's answer to `question`, looked up by `key`; the rows not found are given
        to `ask` (their indices, in order; it returns their answers), which are remembered.
        Only `rows` are answered (None: all); the others are True."""
        table = self._tables.get(question)
        if table is None:
            table = self._tables[question] = KnownAnswers(len(key))
        spread = table.spread(key)
        found, answers = table.look_up(key, spread)
        missing = ~found if rows is None else ~found & rows
        if missing.any():
            at = np.flatnonzero(missing)
            asked = ask(at)
            answers[at] = asked
            table.remember([words[at] for words in key], spread[at], asked)
        if rows is not None:
            answers |= ~rows
        return answers

    def forget(self, question: str) -> None:
        self._tables.pop(question, None)
