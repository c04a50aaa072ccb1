"""The grid proofs' amounts (gridamounts.py): which 20-column amounts are plain, and their
cents, read eight bytes at a time, against values written here and a rule spelt out here."""

from __future__ import annotations

import re
from decimal import Decimal

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tratool.validation.gridamounts import AmountField
from tratool.validation.gridvalues import BlockWords

AMOUNT = 130  # the amount's first column (0-based): Cegid's table puts it at column 131


def field(values: list[str], name: str = "amount") -> AmountField:
    at = {"amount": AMOUNT, "amount2": 175, "amount3": 195}[name]
    rows = []
    for value in values:
        row = list("7" * 222)  # digits all around: a field must not read past itself
        row[at : at + 20] = value.rjust(20) if len(value) < 20 else value
        rows.append("".join(row))
    grid = np.frombuffer("".join(rows).encode("ascii"), dtype=np.uint8)
    block = BlockWords()
    block.load(grid.reshape(len(rows), 222))
    return AmountField(block, name)


def decimals(count: int, value: int) -> npt.NDArray[np.int64]:
    return np.full(count, value, dtype=np.int64)


# (amount, plain with 2 decimals as the required amount, its cents)
WRITTEN = [
    ("12,34", True, 1234),
    ("5,1", True, 510),
    ("7", True, 700),
    ("0,01", True, 1),
    ("1234567890", True, 123456789000),
    ("999999999999,99", True, 99999999999999),
    ("0", False, 0),
    ("0,00", False, 0),
    ("", False, 0),
    ("12,345", False, None),  # three decimals, two allowed
    ("12,", False, None),
    (",5", False, None),
    ("1,2,3", False, None),
    ("12.50", False, None),
    ("-5,00", False, None),
    ("+5", False, None),
    ("1 234,56", False, None),
    ("1,5 ".rjust(20), False, None),  # a trailing blank
    ("12,34".ljust(20), False, None),
    ("1" * 20, True, None),  # twenty digits: plain, but not read in cents
]


@pytest.mark.parametrize(("raw", "plain", "cents"), WRITTEN)
def test_written_amounts(raw: str, plain: bool, cents: int | None) -> None:
    amount = field([raw])
    assert amount.plain(decimals(1, 2), required=True).tolist() == [plain]
    read, fits = amount.cents()
    if cents is not None and plain:
        assert (read.tolist(), fits.tolist()) == ([cents], [True])


def test_more_decimals_by_currency() -> None:
    amount = field(["12,345", "12,345", "12,3456", "12"])
    assert amount.plain(np.array([2, 3, 3, 0]), required=True).tolist() == [
        False,
        True,
        False,
        True,
    ]
    assert field(["12,3"]).plain(decimals(1, 0), required=True).tolist() == [False]
    read, _ = amount.cents()
    assert read.tolist()[:3] == [1234, 1234, 1234]  # decimals past the second dropped


def test_blank_amounts_2_and_3_are_plain_only_when_not_required() -> None:
    for name in ("amount2", "amount3"):
        blank = field(["", "3,00", "0"], name)
        assert blank.plain(decimals(3, 2), required=False).tolist() == [True, True, True]
        assert blank.plain(decimals(3, 2), required=True).tolist() == [False, True, False]


def test_amounts_too_big_to_sum_are_not_read_in_cents() -> None:
    read, fits = field(["1000000000000", "999999999999", "1" * 19 + ",", "1" * 20]).cents()
    assert fits.tolist() == [False, True, False, False]
    assert read.tolist()[1] == 99999999999900


PLAIN = re.compile(r" *(?P<units>[0-9]+)(,(?P<fraction>[0-9]+))?")


def oracle(raw: str, places: int, required: bool) -> bool:
    """The plain amount as the module's docstring defines it, spelt out with a regex."""
    if not raw.strip():
        return not required
    match = PLAIN.fullmatch(raw)
    if match is None or len(match["fraction"] or "") > places:
        return False
    return not required or bool(re.search("[1-9]", raw))


amounts = st.one_of(
    st.text(alphabet="0123456789 ,.-+", max_size=20),
    st.builds(
        lambda units, fraction: f"{units},{fraction}" if fraction is not None else str(units),
        st.integers(0, 10**15),
        st.none() | st.text(alphabet="0123456789", min_size=1, max_size=4),
    ),
)


@given(st.lists(amounts.map(lambda a: a[:20].rjust(20)), min_size=1, max_size=40))
def test_any_amount_against_the_rule_spelt_out(values: list[str]) -> None:
    amount = field(values)
    for places in (0, 2, 3):
        for required in (True, False):
            plain = amount.plain(decimals(len(values), places), required).tolist()
            assert plain == [oracle(v, places, required) for v in values]
    read, fits = amount.cents()
    for value, cents, exact, plain in zip(
        values,
        read.tolist(),
        fits.tolist(),
        amount.plain(decimals(len(values), 19), True).tolist(),
        strict=True,
    ):
        units, _, fraction = value.strip().partition(",")
        if plain:
            assert exact == (value[0] == " " and int(units) < 10**12 and len(fraction) <= 16)
        if plain and exact:
            assert cents == int(Decimal(value.replace(",", ".")) * 100)  # truncated
