"""The block proof (tratool.tra.proof) cell by cell: which numbers it proves by itself (blanks,
then digits with at most one mark between two digits: tra-format.md §9's right-justified
numbers), and which rows of a grid parse, from values written here."""

from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import VECTORS
from tratool.tra import proof
from tratool.tra.proof import TypedProof

VAT = VECTORS["TV-E2"][3]  # amount "200,00" at 131:20, piece number 42 at 152:8


def cells(*values: str) -> proof.Grid:
    width = max(len(v) for v in values)
    data = "".join(v.ljust(width) for v in values).encode("ascii")
    return np.frombuffer(data, dtype=np.uint8).reshape(len(values), width)


@pytest.mark.parametrize(
    ("value", "plain"),
    [
        ("     1200,50", True),
        ("      1200.5", True),
        ("            ", True),  # blank: no value
        ("    00001200", True),
        ("1200,50     ", False),  # left-justified: left to the parser
        ("   12 00,50 ", False),
        ("        ,500", False),  # a mark after a blank
        ("       1200,", False),  # a mark last
        ("      1,2,30", False),  # two marks
        ("      1,,230", False),
        ("     -120,50", False),  # a sign: left to the parser
        ("     1200x50", False),
        ("1           ", False),
        ("12345678,901", True),
        ("1,5         ", False),
        (",00000000500", False),  # a mark first
    ],
)
def test_a_decimal_the_proof_takes_by_itself(value: str, plain: bool) -> None:
    assert proof._plain_number(cells(value), separator=True).tolist() == [plain]


@pytest.mark.parametrize(
    ("value", "plain"),
    [("      42", True), ("        ", True), ("     4,2", False), ("     4.2", False)],
)
def test_an_integer_has_no_mark(value: str, plain: bool) -> None:
    assert proof._plain_number(cells(value), separator=False).tolist() == [plain]


def test_several_rows_are_judged_each_on_its_own() -> None:
    found = proof._plain_number(cells("   1,5", "  1,,5", "   ,15", "   150"), separator=True)
    assert found.tolist() == [True, False, False, True]


def at(line: str, column: int, text: str) -> str:
    return line[: column - 1] + text + line[column - 1 + len(text) :]


def grid(*lines: str) -> proof.Grid:
    return cells(*lines)


@pytest.mark.parametrize(
    ("line", "parses"),
    [
        (VAT, True),
        (at(VAT, 131, "-200,00".rjust(20)), True),  # a sign: asked of the parser, which takes it
        (at(VAT, 131, "200,00".ljust(20)), True),  # left-justified: the parser trims it
        (at(VAT, 131, "1,2,3".rjust(20)), False),
        (at(VAT, 4, "31042024"), False),  # no such day
        (at(VAT, 4, "01011900"), True),  # "no date"
        (at(VAT, 122, "1504202X"), False),  # due date
        (at(VAT, 152, "4 2".rjust(8)), False),  # piece number
        (at(VAT, 152, "42".ljust(8)), True),
        (at(VAT, 163, "1;0".ljust(10)), False),  # exchange rate
        (at(VAT, 176, "x".rjust(20)), False),  # amount2
        (at(VAT, 196, "1.5".rjust(20)), True),  # amount3, with a point
        (at(VAT, 221, " x"), False),  # due number
        (at(VAT, 84, "label 1,2,3 ?!".ljust(35)), True),  # text fields are not typed
    ],
)
def test_a_row_parses_when_each_typed_field_does(line: str, parses: bool) -> None:
    assert TypedProof().parsed_rows(grid(VAT, line, VAT)).tolist() == [True, parses, True]


def test_an_answer_is_kept_for_its_field_and_value() -> None:
    checked = TypedProof()
    first = checked.parsed_rows(grid(at(VAT, 4, "31042024"), VAT))
    again = checked.parsed_rows(grid(VAT, at(VAT, 4, "31042024"), at(VAT, 122, "31042024")))
    assert (first.tolist(), again.tolist()) == ([False, True], [True, False, False])


def test_an_answer_is_kept_for_its_field_not_for_the_same_bytes_elsewhere() -> None:
    left = "0000120 "  # left to the parser: no date, but a piece number (§3: 4:8, 152:8)
    rows = TypedProof().parsed_rows(grid(at(VAT, 4, left), at(VAT, 152, left)))
    assert rows.tolist() == [False, True]
