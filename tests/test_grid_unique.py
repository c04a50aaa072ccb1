"""The grid proofs' `unique`: np.unique's distinct values and inverse (in another order),
whatever the values' hashes do."""

from __future__ import annotations

import numpy as np
import pytest

from tratool.validation import ValidationConfig, gridrows

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


def test_one_row_per_key_and_each_rows_place() -> None:
    key = [np.array(w, dtype=np.uint64) for w in ([7, 8, 7, 7, 9, 8], [1, 1, 1, 2, 1, 1])]
    first, inverse = gridrows._one_per_key(key, 2)
    assert first is not None
    assert inverse is not None
    pairs = list(zip(*(w.tolist() for w in key), strict=True))
    assert sorted(pairs[i] for i in first.tolist()) == sorted(set(pairs))
    assert [pairs[first[i]] for i in inverse.tolist()] == pairs
    assert gridrows._one_per_key(key, 1) == (None, None)  # one question sorts for itself


def test_a_groups_questions_asked_of_one_row_per_key_answer_every_row(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Rows that differ in the fields of a group of several questions, some of them reported:
    # the same rows proved as when every question sorts all the rows itself.
    from tests.test_engines_differential import TRIGGERS, pieces, put

    lines = pieces(40)
    fields = ("journal", "payment_method", "currency", "amount_code", "line_type", "auxiliary")
    for at, line in enumerate(lines):
        name = fields[at % len(fields)]
        lines[at] = put(line, name, TRIGGERS[name][at % len(TRIGGERS[name])])
    # Also blocks whose rows all have keys of their own (one row per key: all of them, in
    # another order) and a reported row first, last, alone.
    blocks = [lines, lines[:3], lines[2::-1], lines[1:3][::-1], lines[1:2]]
    grids = [
        np.frombuffer("".join(block).encode("ascii"), dtype=np.uint8).reshape(-1, 222)
        for block in blocks
    ]
    config = ValidationConfig()
    proved = [gridrows.RowProof(config).prove(grid, "STD") for grid in grids]
    monkeypatch.setattr(gridrows, "_one_per_key", lambda key, questions: (None, None))
    alone = [gridrows.RowProof(config).prove(grid, "STD") for grid in grids]
    for found, expected in zip(proved, alone, strict=True):
        assert found.clean.tolist() == expected.clean.tolist()
        assert found.families.tolist() == expected.families.tolist()
    assert 0 < proved[0].clean.sum() < len(lines)
    assert proved[2].clean.tolist() == proved[1].clean.tolist()[::-1]
