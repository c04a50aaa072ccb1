"""fingerprints.py's hashes with numpy: one value per row of a block's byte columns, the
same numbers the pure-Python functions give for the same bytes (a test pins both)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from .fingerprints import CONTENT_SPANS, FINAL, MULTIPLIER, SEED, content_length
from .gridvalues import BlockWords

Cells = npt.NDArray[np.uint8]
Words = npt.NDArray[np.uint64]
_MULTIPLIER, _FINAL = np.uint64(MULTIPLIER), np.uint64(FINAL)
_HALF, _LAST = np.uint64(32), np.uint64(31)


def fingerprints(parts: Sequence[Cells], seed: int = SEED) -> Words:
    """`fingerprints.fingerprint` of each row's bytes: the parts' rows joined."""
    rows, width = len(parts[0]), sum(part.shape[1] for part in parts)
    padded = np.zeros((rows, -(-width // 8) * 8), dtype=np.uint8)
    at = 0
    for part in parts:
        padded[:, at : at + part.shape[1]] = part
        at += part.shape[1]
    words = padded.view("<u8")
    return mix([words[:, column] for column in range(words.shape[1])], width, seed)


def mix(words: Sequence[Words], length: int, seed: int = SEED) -> Words:
    """`fingerprints.mix` of each row's words (one array per word), `length` mixed in last."""
    state = np.full(len(words[0]), seed, dtype=np.uint64)
    high = np.empty(len(state), dtype=np.uint64)
    for word in words:  # one pass per 8 bytes, over every row at once
        state ^= word
        state *= _MULTIPLIER
        state ^= np.right_shift(state, _HALF, out=high)
    state ^= np.uint64(length)
    state *= _FINAL
    result: Words = state ^ (state >> _LAST)
    return result


def contents(block: BlockWords, seed: int = SEED) -> Words:
    """`fingerprints.line_content` of each row of the block (its words read in place)."""
    words = []
    for start, end in CONTENT_SPANS:
        for at in range(start, end, 8):
            word = block.word(at)
            if end - at < 8:  # the part's last word, padded with zero bytes
                word = word & np.uint64((1 << 8 * (end - at)) - 1)
            words.append(word)
    return mix(words, content_length([end - start for start, end in CONTENT_SPANS]), seed)


def row_contents(rows: Cells) -> Words:
    """`fingerprints.line_content` of each of these grid rows (222 columns each)."""
    block = BlockWords()
    block.load(rows)
    return contents(block)


def piece_keys(journals: Words, dates: Words, numbers: Words, seed: int = SEED) -> Words:
    """`fingerprints.piece_key` of 3-byte journals (left-aligned), 8-digit dates and 8-byte
    numbers (right-aligned), one word each: the 19 bytes' three words."""
    first = journals | (dates << np.uint64(24))
    second = (dates >> np.uint64(40)) | (numbers << np.uint64(24))
    return mix([first, second, numbers >> np.uint64(40)], 19, seed)


def number_keys(journals: Words, numbers: npt.NDArray[np.int64], seed: int = SEED) -> Words:
    """`fingerprints.number_key` of 3-byte journals (left-aligned, one word each) and their
    numbers: the 11 bytes' two words."""
    number = numbers.astype(np.uint64)
    first = journals | (number << np.uint64(24))
    return mix([first, number >> np.uint64(40)], 11, seed)
