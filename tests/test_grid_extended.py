"""The ETE part's proof (gridextended.py): the columns it reads, and its answers remembered
from block to block by those columns' bytes."""

from __future__ import annotations

import numpy as np
import pytest

from tests.test_engines_differential import pieces
from tests.test_engines_extended_differential import converted, ete_change
from tratool.validation import ValidationConfig
from tratool.validation.gridextended import ExtendedProof, _spans

# The Cegid ETE general layout's fields the ETE rules read (1-based columns in the guide's
# table, 0-based here, end excluded), neighbours joined, after the line type (column 31).
SPANS_1023 = [
    (30, 31),
    (257, 276),  # external reference date, created on, company code
    (293, 304),  # exchange rate date, opening kind
    (385, 386),  # VAT on receipts
    (446, 470),  # reconciliation, reminder and value dates
    (924, 932),  # free date
    (997, 1018),  # lettering's latest and earliest date, lettering code
    (1020, 1023),  # lettering state
]


def test_the_columns_read_at_each_width() -> None:
    assert _spans(1023) == SPANS_1023
    assert _spans(1407) == [*SPANS_1023, (1177, 1201), (1399, 1407)]  # cut-off dates, validated
    assert _spans(1100) == SPANS_1023
    assert _spans(1022) is None  # the lettering state (TRA-F25's) cut short
    assert sum(end - start for start, end in _spans(1407) or []) <= 16 * 8  # a table's key


def grid_block(lines: list[str]) -> memoryview:
    return memoryview("".join(f"{line}\r\n" for line in lines).encode("ascii"))


def test_answers_are_asked_once_per_value_and_kept_across_blocks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    proof = ExtendedProof(ValidationConfig())
    asked: list[str] = []
    ask = proof._ask

    def counting(width: int, version: str, key: str) -> bool:
        asked.append(key)
        return ask(width, version, key)

    monkeypatch.setattr(proof, "_ask", counting)
    lines = [converted(line) for line in pieces(4) if line[30] != "A"]
    assert len({len(line) for line in lines}) == 1 == len({line[30] for line in lines}) - 1
    first = proof.clean_rows(grid_block(lines), 1025, 1023, "007")
    assert first.all()  # converted general lines: nothing to report
    assert len(asked) == 2  # one date, two line types (blank and X)
    again = proof.clean_rows(grid_block(lines[::-1]), 1025, 1023, "007")
    assert again.all()
    assert len(asked) == 2  # the same values: nothing asked
    changed = [ete_change(lines[1], "opening_kind", "H"), *lines[1:]]
    found = proof.clean_rows(grid_block(changed), 1025, 1023, "007")
    assert found.tolist() == [False] + [True] * (len(lines) - 1)  # H: left out of balances
    assert len(asked) == 3
    other = proof.clean_rows(grid_block(lines), 1025, 1023, "006")
    assert other.all()
    assert len(asked) == 5  # another version: asked again
    assert np.array_equal(proof.clean_rows(grid_block(lines), 1025, 1023, "007"), first)
