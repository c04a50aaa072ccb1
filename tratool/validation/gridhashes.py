"""fingerprints.py's hashes with numpy: one value per row of a block's byte columns, the
same numbers the pure-Python functions give for the same bytes (a test pins both)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .fingerprints import FINAL, MULTIPLIER, SEED

Cells = npt.NDArray[np.uint8]
Words = npt.NDArray[np.uint64]
_MULTIPLIER, _FINAL = np.uint64(MULTIPLIER), np.uint64(FINAL)
_HALF, _LAST = np.uint64(32), np.uint64(31)


def fingerprints(cells: Cells, seed: int = SEED) -> Words:
    """`fingerprints.fingerprint` of each row's bytes (rows of one width)."""
    rows, width = cells.shape
    padded = np.zeros((rows, -(-width // 8) * 8), dtype=np.uint8)
    padded[:, :width] = cells
    columns = np.ascontiguousarray(padded.view("<u8").astype(np.uint64, copy=False).T)
    state = np.full(rows, seed, dtype=np.uint64)
    for word in columns:  # one pass per 8 bytes, over every row at once
        state ^= word
        state *= _MULTIPLIER
        state ^= state >> _HALF
    state ^= np.uint64(width)
    state *= _FINAL
    result: Words = state ^ (state >> _LAST)
    return result


def number_keys(journals: Cells, numbers: npt.NDArray[np.int64], seed: int = SEED) -> Words:
    """`fingerprints.number_key` of 3-byte journals (left-aligned) and their numbers."""
    cells = np.zeros((len(numbers), 11), dtype=np.uint8)
    cells[:, :3] = journals
    cells[:, 3:] = numbers.astype("<u8").view(np.uint8).reshape(len(numbers), 8)
    return fingerprints(cells, seed)
