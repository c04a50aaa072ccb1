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
    state, high = np.full(rows, seed, dtype=np.uint64), np.empty(rows, dtype=np.uint64)
    for column in range(words.shape[1]):  # one pass per 8 bytes, over every row at once
        state ^= words[:, column]
        state *= _MULTIPLIER
        state ^= np.right_shift(state, _HALF, out=high)
    state ^= np.uint64(width)
    state *= _FINAL
    result: Words = state ^ (state >> _LAST)
    return result


def contents(block: BlockWords, seed: int = SEED) -> Words:
    """`fingerprints.line_content` of each row of the block (its words read in place)."""
    state = np.full(block.rows, seed, dtype=np.uint64)
    high = np.empty(block.rows, dtype=np.uint64)
    for start, end in CONTENT_SPANS:
        for at in range(start, end, 8):
            word = block.word(at)
            if end - at < 8:  # the part's last word, padded with zero bytes
                word = word & np.uint64((1 << 8 * (end - at)) - 1)
            state ^= word
            state *= _MULTIPLIER
            state ^= np.right_shift(state, _HALF, out=high)
    state ^= np.uint64(content_length([end - start for start, end in CONTENT_SPANS]))
    state *= _FINAL
    result: Words = state ^ (state >> _LAST)
    return result


def row_contents(rows: Cells) -> Words:
    """`fingerprints.line_content` of each of these grid rows (222 columns each)."""
    block = BlockWords()
    block.load(rows)
    return contents(block)


def number_keys(journals: Cells, numbers: npt.NDArray[np.int64], seed: int = SEED) -> Words:
    """`fingerprints.number_key` of 3-byte journals (left-aligned) and their numbers."""
    number = numbers.astype("<u8").view(np.uint8).reshape(len(numbers), 8)
    return fingerprints((journals, number), seed)
