"""The grid proofs' values as words (gridvalues.py): keys that are the bytes themselves, and
answers remembered across blocks that only ever answer for the value they were asked of."""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tratool.validation import gridrows, gridvalues
from tratool.validation.gridvalues import BlockWords, KnownAnswers, Memory, Words

# Three 222-column rows: the values are written where the test reads them.
ROWS = [
    "VTE" + " " * 10 + "411000" + " " * 203,
    "VTE" + " " * 10 + "411001" + " " * 203,
    "ACH" + " " * 10 + "411000" + " " * 200 + "XYZ",
]


def grid(rows: list[str]) -> npt.NDArray[np.uint8]:
    return np.frombuffer("".join(rows).encode("ascii"), dtype=np.uint8).reshape(len(rows), 222)


def block(rows: list[str]) -> BlockWords:
    words = BlockWords()
    words.load(grid(rows))
    return words


def as_ints(key: list[Words]) -> list[tuple[int, ...]]:
    return list(zip(*(w.tolist() for w in key), strict=True))


def little(*values: bytes) -> list[int]:
    """Bytes as a little-endian word holds them: the first byte lowest."""
    return [int.from_bytes(value, "little") for value in values]


def test_a_key_is_the_bytes_of_its_columns() -> None:
    words = block(ROWS)
    assert words.key([(0, 3)])[0].tolist() == little(b"VTE", b"VTE", b"ACH")
    # 17 columns: two whole words and one byte; the bytes after the span never count.
    key = words.key([(13, 30)])
    assert len(key) == 3
    assert key[0].tolist()[0] == little(b"411000  ")[0]
    assert key[2].tolist() == [32, 32, 32]


def test_rows_share_a_key_exactly_when_they_share_the_bytes() -> None:
    words = block(ROWS)
    assert as_ints(words.key([(0, 3)]))[:2] == [as_ints(words.key([(0, 3)]))[0]] * 2
    accounts = as_ints(words.key([(13, 30)]))
    assert accounts[0] == accounts[2] != accounts[1]
    both = as_ints(words.key([(0, 3), (13, 30)]))
    assert len(set(both)) == 3


def test_the_last_columns_of_a_line_are_read_without_their_neighbours() -> None:
    words = block(ROWS)
    assert words.key([(219, 222)])[0].tolist() == little(b"   ", b"   ", b"XYZ")


def test_blank_or_not_flags() -> None:
    words = block(ROWS)
    assert words.blank(3, 13).tolist() == [True, True, True]
    assert words.blank(219, 222).tolist() == [True, True, False]
    assert words.blank(13, 19).tolist() == [False, False, False]
    # The journal's 3 bytes, then the flags' byte: bit 1, the second span is not blank.
    key = words.key([(0, 3)], [(3, 13), (219, 222)])
    assert len(key) == 1
    assert key[0].tolist() == little(b"VTE\0", b"VTE\0", b"ACH\2")


def test_a_blank_span_of_several_words_reads_each_of_them_whole() -> None:
    rows = [" " * 222, " " * 60 + "x" + " " * 161, " " * 82 + "x" + " " * 139]
    assert block(rows).blank(48, 83).tolist() == [True, False, False]
    assert block(rows).blank(48, 82).tolist() == [True, False, True]
    assert block(rows).blank(61, 82).tolist() == [True, True, True]


def test_spans_are_packed_one_after_the_other_eight_bytes_a_word() -> None:
    # Journal (3), account (17), due number (2), then a flags byte: 23 bytes in 3 words.
    words = block(ROWS)
    key = words.key([(0, 3), (13, 30), (220, 222)], [(219, 222)])
    stream = [
        b"VTE" + b"411000".ljust(17) + b"  " + b"\0",
        b"VTE" + b"411001".ljust(17) + b"  " + b"\0",
        b"ACH" + b"411000".ljust(17) + b"YZ" + b"\1",
    ]
    assert as_ints(key) == [
        tuple(little(text[at : at + 8])[0] for at in range(0, 24, 8)) for text in stream
    ]


def test_a_block_of_fewer_rows_after_a_bigger_one() -> None:
    words = block(ROWS)
    words.load(grid(ROWS[2:]))
    assert words.key([(0, 3)])[0].tolist() == little(b"ACH")


def keys(*values: int) -> list[Words]:
    return [np.array(values, dtype=np.uint64)]


def test_an_answer_is_found_for_its_value_only() -> None:
    table = KnownAnswers(1, bits=4)
    key = keys(7, 8)
    table.remember(key, table.spread(key), np.array([True, False]))
    asked = keys(7, 8, 9)
    found, answers = table.look_up(asked, table.spread(asked))
    assert found.tolist() == [True, True, False]
    assert answers.tolist() == [True, False, False]


def test_values_of_one_slot_take_it_over_and_never_answer_for_each_other() -> None:
    table = KnownAnswers(1, bits=1)  # two slots: values share them
    for value in range(1, 40):
        key = keys(value)
        table.remember(key, table.spread(key), np.array([True]))
    asked = keys(*range(1, 80))
    found, answers = table.look_up(asked, table.spread(asked))
    assert not found[39:].any()  # never remembered
    assert answers.tolist() == found.tolist()
    assert 1 <= found.sum() <= 2


def test_values_alike_in_their_first_word_are_told_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    # "CDUPONTS" and "CDUPONTSLONGNAME" as auxiliaries: the same first word, not the same
    # value; every key hashed to 0, so that both want the same slot.
    monkeypatch.setattr(gridvalues, "_SPREAD", np.zeros(16, dtype=np.uint64))
    words = block(
        [row[:31] + "CDUPONTS".ljust(17) + row[48:] for row in ROWS[:1]]
        + [row[:31] + "CDUPONTSLONGNAME".ljust(17) + row[48:] for row in ROWS[1:2]]
    )
    key = words.key([(31, 48)])
    assert key[0].tolist()[0] == key[0].tolist()[1]
    table = KnownAnswers(len(key), bits=4)
    first = [w[:1] for w in key]
    table.remember(first, table.spread(first), np.array([True]))
    found, answers = table.look_up(key, table.spread(key))
    assert (found.tolist(), answers.tolist()) == ([True, False], [True, False])


def test_an_empty_slot_answers_false() -> None:
    table = KnownAnswers(2, bits=3)
    zero = [np.zeros(1, dtype=np.uint64)] * 2
    found, answers = table.look_up(zero, table.spread(zero))
    assert (found.tolist(), answers.tolist()) == ([True], [False])  # the row is looked at


def test_a_key_too_long_is_refused() -> None:
    with pytest.raises(ValueError, match="17 words"):
        KnownAnswers(17)


def test_the_memory_asks_each_value_once_across_blocks() -> None:
    memory = Memory()
    asked: list[list[str]] = []
    rows = grid(ROWS)

    def ask(at: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
        journals = [bytes(rows[i, :3]).decode() for i in at.tolist()]
        asked.append(journals)
        return np.array([j == "VTE" for j in journals], dtype=np.bool_)

    for _ in range(3):
        memory.block.load(rows)
        answers = memory.answers("journal", memory.block.key([(0, 3)]), ask)
        assert answers.tolist() == [True, True, False]
    assert asked == [["VTE", "VTE", "ACH"]]  # the first block only
    memory.forget("journal")
    memory.answers("journal", memory.block.key([(0, 3)]), ask)
    assert len(asked) == 2


def test_the_memory_answers_only_the_rows_given() -> None:
    memory = Memory()
    memory.block.load(grid(ROWS))
    seen: list[list[int]] = []

    def ask(at: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
        seen.append(at.tolist())
        return np.zeros(len(at), dtype=np.bool_)

    rows = np.array([False, True, False])
    answers = memory.answers("account", memory.block.key([(13, 30)]), ask, rows)
    assert seen == [[1]]
    assert answers.tolist() == [True, False, True]


def row_with(label: str, number: str) -> str:
    """A 222-column row of digits but the label (columns 84-118) and the piece number
    (columns 152-159), as Cegid's table places them."""
    row = list("1" * 222)
    row[83:118] = label.ljust(35)[:35]
    row[151:159] = number.rjust(8)[:8]
    return "".join(row)


def plain_label(label: str) -> bool:
    """TRA-F06's quiet labels, as the proof may take them: text, no double quote, not
    starting with a D."""
    text = label[:35].strip(" ")
    return bool(text) and '"' not in text and text[0] not in "Dd"


def plain_number(number: str) -> bool:
    """TRA-F13's quiet numbers, as the proof may take them: one run of digits, not all 0."""
    return re.fullmatch(r" *[0-9]*[1-9][0-9]* *", number.rjust(8)[:8]) is not None


def test_plain_labels_and_numbers_written() -> None:
    cases = [
        ("Piece VTE 1", "12", True, True),
        ("  indented", "00000101", True, True),
        ("Dupont", "0", False, False),
        ("  dupont", "000", False, False),
        ('say "hi"', "1 2", False, False),
        ("", "12 ", False, True),
        ("x" * 34 + '"', " 7 ", False, True),
        ("Avoir", "A1", True, False),
        ("Avoir", "7+", True, False),
    ]
    rows = [row_with(label, number) for label, number, _, _ in cases]
    words = block(rows)
    assert gridrows._plain_label(words, grid(rows)).tolist() == [c[2] for c in cases]
    assert gridrows._plain_number(words, grid(rows)).tolist() == [c[3] for c in cases]


@given(
    st.lists(
        st.tuples(st.text(alphabet=' "dDx1', max_size=36), st.text(alphabet=" 0123+A", max_size=8)),
        min_size=1,
        max_size=30,
    )
)
def test_plain_labels_and_numbers_against_their_rules(values: list[tuple[str, str]]) -> None:
    rows = [row_with(label, number) for label, number in values]
    words = block(rows)
    labels = gridrows._plain_label(words, grid(rows)).tolist()
    numbers = gridrows._plain_number(words, grid(rows)).tolist()
    assert labels == [plain_label(label) for label, _ in values]
    assert numbers == [plain_number(number) for _, number in values]


def test_bytes_are_told_apart_eight_at_a_time_whatever_their_neighbours() -> None:
    # Every ASCII byte at each of a word's 8 places, amid neighbours that are digits, blanks,
    # commas, tildes or zeros (a copy's padding): bit 7 of each byte says what that byte is.
    texts = [
        bytes([fill] * place + [byte] + [fill] * (7 - place))
        for byte in range(128)
        for place in range(8)
        for fill in b"0 ,~\0"
    ]
    words = np.array([int.from_bytes(text, "little") for text in texts], dtype=np.uint64)

    def high_bits(found: Words) -> list[list[int]]:
        return [[(w >> (8 * at + 7)) & 1 for at in range(8)] for w in found.tolist()]

    def where(test: Callable[[int], bool]) -> list[list[int]]:
        return [[int(test(b)) for b in text] for text in texts]

    high = int.from_bytes(b"\x80" * 8, "little")
    for found in (
        gridvalues.digit_bytes(words),
        gridvalues.equal_bytes(words, ord(" ")),
        gridvalues.equal_bytes(words, ord(",")),
    ):
        assert all(w & ~high == 0 for w in found.tolist())  # bit 7 of a byte, nothing else
    assert high_bits(gridvalues.digit_bytes(words)) == where(lambda b: 0x30 <= b <= 0x39)
    assert high_bits(gridvalues.equal_bytes(words, ord(" "))) == where(lambda b: b == 0x20)
    assert high_bits(gridvalues.equal_bytes(words, ord(","))) == where(lambda b: b == 0x2C)
    blanks = gridvalues.byte_bits(gridvalues.equal_bytes(words, ord(" "))).tolist()
    assert blanks == [sum(1 << at for at, b in enumerate(text) if b == 0x20) for text in texts]


@pytest.mark.parametrize("ending", [b"\r\n", b"\n"])
def test_words_are_read_in_place_from_a_block_and_never_past_a_row(ending: bytes) -> None:
    # The block as read from the file: the line endings between the rows, none after the
    # last. A word of the last columns holds those columns and zeros, never an ending.
    rows = ["".join(chr(33 + (7 * i + 3 * r) % 94) for i in range(222)) for r in range(3)]
    data = b"".join(row.encode("ascii") + ending for row in rows)
    stride = 222 + len(ending)
    words = BlockWords()
    words.load(np.frombuffer(data, dtype=np.uint8).reshape(3, stride)[:, :222])
    for column in (0, 13, 214, 215, 219, 221):
        expected = [
            int.from_bytes(row[column : column + 8].encode("ascii"), "little") for row in rows
        ]
        assert words.word(column).tolist() == expected, column
    assert words.key([(218, 222)])[0].tolist() == little(*(row[218:].encode() for row in rows))
    assert words.blank(215, 222).tolist() == [False] * 3


def test_a_double_quote_counts_in_the_label_only() -> None:
    clean = row_with("Facture 12", "1")
    rows = [
        clean[:118] + '"""' + clean[121:],  # the payment method's columns, after the label
        clean[:82] + '"' + clean[83:],  # the reference's last column, before it
        clean[:117] + '"' + clean[118:],  # the label's last column
        clean[:83] + '"' + clean[84:],  # its first
        clean[:100] + '"' + clean[101:],
    ]
    assert gridrows._plain_label(block(rows), grid(rows)).tolist() == [
        True,
        True,
        False,
        False,
        False,
    ]


def random_rows(seed: int, count: int, width: int) -> list[bytes]:
    generator = np.random.default_rng(seed)
    return [bytes(generator.integers(32, 127, width, dtype=np.uint8)) for _ in range(count)]


def read_both(rows: list[bytes], ending: bytes) -> tuple[BlockWords, BlockWords]:
    """The rows' words from the transposed copy, and read in place."""
    width = len(rows[0])
    data = b"".join(row + ending for row in rows)
    loaded = np.frombuffer(data, dtype=np.uint8).reshape(len(rows), width + len(ending))
    transposed, in_place = BlockWords(), BlockWords()
    transposed.load(loaded[:, :width])
    in_place.load(loaded[:, :width])
    in_place._aligned = None  # (made again on each read otherwise)
    in_place._columns = lambda: None  # type: ignore[method-assign]
    assert transposed._columns() is not None
    return transposed, in_place


@pytest.mark.parametrize("width", [8, 13, 216, 222, 224])
@pytest.mark.parametrize("ending", [b"\r\n", b"\n", b""])
def test_the_transposed_words_are_the_words_read_in_place(width: int, ending: bytes) -> None:
    # More rows than are transposed at a time, and a last chunk of fewer.
    rows = random_rows(width, gridvalues._CHUNK + 37, width)
    transposed, in_place = read_both(rows, ending)
    for column in range(width):
        expected = [int.from_bytes(row[column : column + 8], "little") for row in rows]
        assert transposed.word(column).tolist() == expected, column
        assert in_place.word(column).tolist() == expected, column
        for count in range(1, 9):
            part = [value & ((1 << 8 * count) - 1) for value in expected]
            assert transposed.part(column, count).tolist() == part, (column, count)
            assert in_place.part(column, count).tolist() == part, (column, count)


@given(
    st.lists(st.sampled_from([b" ", b"x"]), min_size=222, max_size=222),
    st.lists(st.tuples(st.integers(0, 221), st.integers(1, 40)), min_size=1, max_size=4),
)
def test_blanks_and_keys_from_the_transposed_words_and_in_place(
    bytes_: list[bytes], spans: list[tuple[int, int]]
) -> None:
    row = b"".join(bytes_)
    rows = [row, b" " * 222, row[::-1], bytes(random_rows(len(spans), 1, 222)[0])]
    transposed, in_place = read_both(rows, b"\r\n")
    spans = [(start, min(start + length, 222)) for start, length in spans]
    for start, end in spans:
        expected = [set(r[start:end]) <= {32} for r in rows]
        assert transposed.blank(start, end).tolist() == expected
        assert in_place.blank(start, end).tolist() == expected
    key = as_ints(transposed.key(spans, spans[:3]))
    assert key == as_ints(in_place.key(spans, spans[:3]))


def test_a_grid_wider_than_the_transposed_ones_is_read_in_place() -> None:
    rows = random_rows(1, 5, gridvalues.TRANSPOSED + 9)
    words = BlockWords()
    words.load(np.frombuffer(b"".join(rows), dtype=np.uint8).reshape(5, -1))
    assert words._columns() is None
    for column in (0, 219, gridvalues.TRANSPOSED + 1):
        expected = [int.from_bytes(row[column : column + 8], "little") for row in rows]
        assert words.word(column).tolist() == expected


def test_the_transposed_words_cannot_be_written_through() -> None:
    # Keys and words may be views of the block's words, which other keys share.
    words = block(ROWS)
    with pytest.raises(ValueError, match="read-only"):
        words.word(8)[0] = 0
    date = words.key([(0, 8)])[0]
    with pytest.raises(ValueError, match="read-only"):
        date |= np.uint64(1)


def test_a_new_block_is_transposed_again() -> None:
    words = block(ROWS)
    assert words.key([(0, 3)])[0].tolist() == little(b"VTE", b"VTE", b"ACH")
    other = grid(ROWS[::-1])
    assert not words.holds(other)
    words.load(other)
    assert words.holds(other)
    assert words.key([(0, 3)])[0].tolist() == little(b"ACH", b"VTE", b"VTE")


@pytest.mark.parametrize("ending", [b"\r\n", b"\n"])
def test_byte_columns_and_rows_compared_by_their_words(ending: bytes) -> None:
    rows = random_rows(7, 40, 222)
    rows[5] = rows[3][:20] + rows[5][20:]  # rows that share some spans
    rows[9] = rows[3]
    transposed, in_place = read_both(rows, ending)
    for column in (0, 7, 8, 30, 129, 215, 221):
        expected = [row[column] for row in rows]
        assert transposed.byte(column).tolist() == expected
        assert in_place.byte(column).tolist() == expected
    with pytest.raises(ValueError, match="read-only"):
        transposed.byte(30)[0] = 0
    at, others = np.array([5, 9, 3, 1]), np.array([3, 3, 3, 0])
    for spans in ([(0, 20)], [(13, 30), (129, 130)], [(3, 11), (200, 222)], [(19, 21)]):
        expected = [
            all(rows[a][s:e] == rows[o][s:e] for s, e in spans)
            for a, o in zip(at.tolist(), others.tolist(), strict=True)
        ]
        assert transposed.same(spans, at, others).tolist() == expected, spans
        assert in_place.same(spans, at, others).tolist() == expected, spans
    assert transposed.same([(0, 20)], at, others).tolist() == [True, True, True, False]


@pytest.mark.parametrize("span", [(83, 118), (0, 3), (8, 16), (214, 222), (5, 6)])
def test_spans_filled_around_their_columns(span: tuple[int, int]) -> None:
    # Each column of the span in one of the words, in order, once; every other byte the fill
    # (a zero byte here, which no row holds).
    rows = random_rows(3, 20, 222)
    start, end = span
    for words in read_both(rows, b"\r\n"):
        filled = words.filled(start, end, 0)
        for at, row in enumerate(rows):
            found = b"".join(int(w[at]).to_bytes(8, "little") for w in filled)
            assert found.replace(b"\0", b"") == row[start:end]
