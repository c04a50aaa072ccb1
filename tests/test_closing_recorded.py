"""The keys of proved pièces closed a run at a time (gridclosing.py's `Recorded`): a pièce the
rule code closes later in the same block, or blocks later past the memory tier, finds them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.test_engines_differential import (
    FIRST_BLOCK,
    fast,
    number_of,
    pieces,
    put,
    reference,
    summary,
    traces_kept,
)
from tests.tra_lines import std
from tratool.validation import ValidationConfig, gridclosing

# Pièces VTE 101 … 160 of 04/03/2024, three lines each (lines 2 … 181 after the header),
# then: 130 again, unbalanced (line 182); 140's lines numbered 300 (185); 150's on another
# day (188); 105 again, far from it (191).
EXPECTED = [
    ("TRA-X04", 182, "pièce VTE 130 of 04/03/2024 continues here after other lines"),
    ("TRA-X11", 182, "piece number 130 of journal VTE comes after 160"),
    ("TRA-D03", 185, "pièce VTE 300 repeats the pièce at line 119 line for line"),
    ("TRA-X11", 185, "pieces 131-299 of journal VTE are missing"),
    ("TRA-X02", 188, "piece number 150 of journal VTE is used on 04/03/2024 and on 05/03/2024"),
    ("TRA-X04", 191, "pièce VTE 105 of 04/03/2024 continues here after other lines"),
    ("TRA-D03", 191, "pièce VTE 105 repeats the pièce at line 14 line for line"),
    ("TRA-X01", 182, "pièce VTE 130 of 04/03/2024 does not balance: credit exceeds by 1,00"),
]


def data() -> bytes:
    lines = pieces(60)

    def of(number: int) -> list[str]:
        return [line for line in lines if number_of(line).strip() == str(number)]

    unbalanced = [*of(130)[:2], put(of(130)[2], "amount", "50,50")]
    renumbered = [put(line, "piece_number", "300") for line in of(140)]
    next_day = [put(line, "date", "05032024") for line in of(150)]
    lines += [*unbalanced, *renumbered, *next_day, *of(105)]
    return "".join(f"{line}\r\n" for line in [std()[0], *lines]).encode("cp1252")


def found(data: bytes, block_lines: int, proved: int = 30) -> Iterator[tuple[str, int | None, str]]:
    """The fast engine's findings (the reference's too); more than `proved` pièces proved."""
    report, run = fast(data, ValidationConfig(), block_lines, FIRST_BLOCK + 224, 100)
    assert run.proved_pieces > proved
    assert summary(report) == summary(reference(data, ValidationConfig(), 100))
    return ((f.rule, f.line, str(f.message)) for f in report.findings if f.line is not None)


@pytest.mark.parametrize("few_gets", [16, 0])
def test_pieces_closed_in_the_block_are_found_by_the_rule_code(
    monkeypatch: pytest.MonkeyPatch, few_gets: int
) -> None:
    # One block from line 20 on: the repeats close after the runs holding what they repeat.
    monkeypatch.setattr(gridclosing, "FEW_GETS", few_gets)
    assert sorted(found(data(), 400)) == sorted(EXPECTED)


def test_pieces_closed_blocks_before_are_found_past_the_memory_tier() -> None:
    # Blocks of 16 lines, keys moved out of the dicts every 2, to cold tiers from 2 keys, to
    # the database from 8.
    with traces_kept(2, 8):
        assert sorted(found(data(), 16)) == sorted(EXPECTED)


def test_lines_repeated_a_few_lines_apart_in_a_short_piece_are_reported() -> None:
    # Pièce VTE 120's three lines twice over (six lines, lines 59 - 64): each repeat is three
    # lines after its first, in a pièce short enough to be compared line by line, not sorted.
    lines = pieces(40)
    at = 3 * (120 - 101)
    lines[at + 3 : at + 3] = lines[at : at + 3]
    data = "".join(f"{line}\r\n" for line in [std()[0], *lines]).encode("cp1252")
    repeats = [(rule, line, message) for rule, line, message in found(data, 400, 30)]
    assert [r for r in repeats if r[0] == "TRA-D03"] == [
        ("TRA-D03", line, "this line repeats an earlier line of pièce VTE 120")
        for line in (62, 63, 64)
    ]
