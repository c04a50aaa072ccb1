"""The grid proofs' `unique`: np.unique's distinct values and inverse (in another order),
whatever the values' hashes do."""

from __future__ import annotations

import numpy as np
import pytest

from tratool.validation import gridrows

VALUES = [b"VTE", b"ACH", b"VTE", b"  1", b"", b"ACH", b"1  ", b"VTE"]


def check(values: list[bytes], width: int) -> None:
    array = np.array(values, dtype=f"S{width}")
    found, inverse = gridrows.unique(array)
    assert sorted(found.tolist()) == sorted(set(values))  # each value once
    assert [found[i] for i in inverse.tolist()] == values  # each row back to its value


@pytest.mark.parametrize("width", [3, 8, 9, 35, 300])
def test_distinct_values_and_each_rows_place(width: int) -> None:
    check(VALUES, width)


def test_values_that_share_a_hash_are_still_told_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every value hashed to 0: the byte-for-byte check finds the collision.
    monkeypatch.setattr(gridrows, "_MULTIPLIERS", np.zeros(32, dtype=np.uint64))
    check(VALUES, 3)


def test_no_rows() -> None:
    found, inverse = gridrows.unique(np.array([], dtype="S3"))
    assert found.tolist() == []
    assert inverse.tolist() == []
