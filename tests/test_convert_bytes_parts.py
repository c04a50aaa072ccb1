"""gridbytes.py's array helpers, bytes in and the expected bytes, flags and sums written in
each test: amounts read byte by byte as the builder reads them (is_plain_amount) and written
as the writer writes them (a comma, two decimals, no leading zero), cells gathered, justified
and placed in fields, numbers turned into digits."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from tratool.conversion import gridbytes
from tratool.conversion.gridbytes import Amounts
from tratool.tra import layout

WIDTH = 17  # gridbytes.WIDTHS["debit"]
PIECE, LABEL, AMOUNT = (layout.ENTRY.field(n) for n in ("piece_number", "label", "amount"))


def amounts(*texts: str) -> Amounts:
    cells = np.array([list(t.encode("ascii").ljust(WIDTH, b"\0")) for t in texts], np.uint8)
    return Amounts(cells, np.array([len(t) for t in texts], dtype=np.intp))


def rows_of(grid: npt.NDArray[np.uint8]) -> list[bytes]:
    return [bytes(row) for row in grid]


# (text, plain, not zero, written as the writer writes it, the writer's text)
AMOUNTS = [
    ("12,50", True, True, True, "12,50"),
    ("0,05", True, True, True, "0,05"),
    ("12.5", True, True, False, "12,50"),
    ("007,1", True, True, False, "7,10"),
    ("100", True, True, False, "100,00"),
    ("0", True, False, False, "0,00"),
    ("000", True, False, False, "0,00"),
    ("0,00", True, False, True, "0,00"),
    ("", True, False, False, None),
    ("1,234", False, True, False, None),
    (",5", False, True, False, None),
    ("1,", False, True, False, None),
    ("1,2,3", False, True, False, None),
    ("1.2,3", False, True, False, None),
    ("12a", False, True, False, None),
    ("-5", False, True, False, None),
    ("12345678901234,56", True, True, True, "12345678901234,56"),
    ("12345678901234567", True, True, False, "12345678901234567,00"),  # the widest
    ("00000000000000123", True, True, False, "123,00"),
]


@pytest.mark.parametrize(("text", "plain", "nonzero", "written", "writer"), AMOUNTS)
def test_an_amount_read_byte_by_byte(
    text: str, plain: bool, nonzero: bool, written: bool, writer: str | None
) -> None:
    read = amounts("1,00", text)  # a row before it: each row read on its own
    assert (bool(read.plain[1]), bool(read.nonzero[1])) == (plain, nonzero)
    assert bool(read.written[1]) == written
    if writer is not None:
        texts, lengths = read.texts(np.array([1]))
        assert bytes(texts[0]) == writer.rjust(AMOUNT.width).encode("ascii")
        assert lengths.tolist() == [len(writer)]


@pytest.mark.parametrize(
    ("texts", "total"),
    [
        (["12,50", "0,05"], "12.55"),
        (["100", "7"], "107"),
        (["1.5", "2"], "3.5"),
        (["0,1", "0,02", "3"], "3.12"),
        (["12345678901234,5", "987654321,25"], "12346666555555.75"),
        (["007", "0,00"], "7.00"),
    ],
)
def test_totals_are_the_decimal_sums(texts: list[str], total: str) -> None:
    read = amounts("99,99", *texts, "55")  # rows around them, not summed
    picked = np.array([False, *[True] * len(texts), False])
    assert str(read.total(picked)) == total


def test_no_rows_total_zero() -> None:
    assert str(amounts("12,50").total(np.array([False]))) == "0"


def test_gather_keeps_each_cell_s_bytes_and_pads_after() -> None:
    buf = np.frombuffer(b"abcdef" + bytes(64), dtype=np.uint8)
    starts, lengths = np.array([0, 2, 5]), np.array([2, 9, 0])
    assert rows_of(gridbytes._gather(buf, starts, lengths, 4, 0)) == [b"ab\0\0", b"cdef", bytes(4)]
    padded = gridbytes._gather(buf, starts, lengths, 4, 32)
    assert rows_of(padded) == [b"ab  ", b"cdef", b"    "]


def test_kept_rows() -> None:
    assert gridbytes._kept(3).tolist() == [[0, 0, 0], [1, 0, 0], [1, 1, 0], [1, 1, 1]]


def test_cells_justified_as_the_layout_says() -> None:
    buf = np.frombuffer(b"12;345;Vente" + bytes(64), dtype=np.uint8)
    right = gridbytes._justified(buf, np.array([0, 3]), np.array([2, 3]), PIECE)
    assert rows_of(right) == [b"      12", b"     345"]
    left = gridbytes._justified(buf, np.array([7, 0]), np.array([5, 1]), LABEL)
    assert rows_of(left) == [b"Vente".ljust(35), b"1".ljust(35)]


def test_texts_placed_from_their_last_bytes() -> None:
    text = np.frombuffer(b"xxxxxx12" + b"xxxxx345", dtype=np.uint8).reshape(2, 8)
    assert rows_of(gridbytes._placed(text, np.array([2, 3]), PIECE)) == [b"      12", b"     345"]
    wide = np.frombuffer(b"x" * 32 + b"abc", dtype=np.uint8).reshape(1, 35)
    assert rows_of(gridbytes._placed(wide, np.array([3]), LABEL)) == [b"abc".ljust(35)]


def test_numbers_as_digits() -> None:
    digits, lengths = gridbytes._digits(np.array([7, 0, 123, 99_999_999, 10]), 8)
    assert rows_of(digits) == [b"00000007", b"00000000", b"00000123", b"99999999", b"00000010"]
    assert lengths.tolist() == [1, 1, 3, 8, 2]


def test_texts_as_a_table() -> None:
    journal = layout.ENTRY.field("journal")
    assert rows_of(gridbytes._table(["VTE", "HA"], journal)) == [b"VTE", b"HA "]
    assert rows_of(gridbytes._table(["7", "1234"], PIECE)) == [b"       7", b"    1234"]


def test_equal_cells_hash_alike_and_differing_cells_apart() -> None:
    cells = np.array(
        [list(t.ljust(12, b"\0")) for t in (b"VTE", b"VTE", b"HA", b"VTE" + b"\0" * 8 + b"1")],
        np.uint8,
    )
    hashes = gridbytes._hashes(cells).tolist()
    assert hashes[0] == hashes[1]
    assert len({hashes[0], hashes[2], hashes[3]}) == 3
