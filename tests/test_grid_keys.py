"""A grid block's pièce keys read as words (gridkeys.py): where pièces start, their numbers
stripped and right-aligned as the pièce rules strip them, numbers and dates as ints, journals."""

from __future__ import annotations

import numpy as np
import pytest

from tests.tra_lines import entry, put, std
from tratool.validation import gridkeys
from tratool.validation.gridrows import as_grid
from tratool.validation.gridvalues import BlockWords


def block_of(keys: list[tuple[str, str, str]]) -> BlockWords:
    """A block of one line per (journal, date, piece number), raw."""
    line = std(entry())[1]
    lines = [put(put(put(line, "journal", j), "date", d), "piece_number", n) for j, d, n in keys]
    block = BlockWords()
    block.load(as_grid("".join(f"{x}\r\n" for x in lines).encode("ascii"), len(line) + 2))
    return block


@pytest.mark.parametrize(
    ("raw", "aligned", "value"),
    [
        ("       7", "       7", 7),
        ("7       ", "       7", 7),  # left-aligned: stripped
        ("  12    ", "      12", 12),
        ("99999999", "99999999", 99_999_999),
        ("00000001", "00000001", 1),
        ("1 2     ", "     1 2", 0),  # two runs of digits
        ("        ", "        ", 0),
        ("0000000A", "0000000A", 0),
        ("   -5   ", "      -5", 0),
        ("12A     ", "     12A", 0),  # a letter keeps its case when shifted (0x41, not 0x61)
    ],
)
def test_a_piece_number_is_stripped_right_aligned_and_read(
    raw: str, aligned: str, value: int
) -> None:
    block = block_of([("VTE", "04032024", "       1"), ("VTE", "04032024", raw)])
    heads = gridkeys.heads(block, np.array([0, 1]))
    assert int(heads.numbers[1]).to_bytes(8, "little").decode("ascii") == aligned
    assert heads.number_values.tolist() == [1, value]


def test_dates_are_read_when_all_digits_and_pieces_start_where_the_raw_key_changes() -> None:
    keys = [
        ("VTE", "04032024", "       1"),
        ("VTE", "04032024", "       1"),
        ("VTE", "05032024", "       1"),  # the date only
        ("VT ", "05032024", "       1"),  # the journal only
        ("VT ", "05032024", "1       "),  # the number's blanks only
        ("VT ", "0503202 ", "1       "),
        ("VT ", "0503202 ", "1       "),
    ]
    block = block_of(keys)
    starts = gridkeys.starts(block)
    assert starts.tolist() == [0, 2, 3, 4, 5]
    heads = gridkeys.heads(block, starts)
    assert heads.date_values.tolist() == [4032024, 5032024, 5032024, 5032024, 0]
    assert heads.number_values.tolist() == [1, 1, 1, 1, 1]


def test_journals_are_indexed_stripped() -> None:
    block = block_of([("VTE", "04032024", "1"), (" VT", "04032024", "1"), ("VT ", "04032024", "2")])
    heads = gridkeys.heads(block, np.array([0, 1, 2]))
    indexes, names = gridkeys.journal_indexes(heads.journals)
    assert names == ["VT", "VTE"]
    assert indexes.tolist() == [1, 0, 0]


def test_no_pieces_give_no_journals_and_indexes_that_still_index() -> None:
    indexes, names = gridkeys.journal_indexes(np.array([], dtype=np.uint64))
    assert names == []
    assert np.array(["unused"])[indexes].tolist() == []  # float indexes would raise here
