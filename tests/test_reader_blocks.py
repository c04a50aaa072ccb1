"""The reader's block path: after its first read, a block of 222-column ASCII entry lines is
typed lazily (`LazyEntry`), and anything it cannot prove goes line by line.

The facts come from tra-format.md's vector TV-E2 (written out below); the property compares
the block path with the line-by-line reading of the same bytes, on files whose typed fields
are mutated to values that parse and values that do not."""

from __future__ import annotations

import copy
import datetime as dt
import io
import pickle
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tratool
from tests.conftest import VECTORS, tra_bytes
from tests.tra_lines import put
from tratool.tra.lazy import LazyEntry
from tratool.tra.lines import FIRST_BLOCK

# TV-E2's four lines as the document's table decodes them.
_SHARED: dict[str, Any] = {
    "journal": "HA",
    "date": dt.date(2024, 3, 15),
    "piece_type": "FF",
    "reference": "FA-2024-0042",
    "label": "Facture Dupont mars",
    "entry_type": "N",
    "piece_number": 42,
    "currency": "EUR",
    "exchange_rate": Decimal("1"),
    "amount_code": "E--",
    "establishment": "001",
}
TV_E2 = [
    tratool.Entry(
        **_SHARED,
        line_type="X",
        account="40100000",
        auxiliary="FDUPONT",
        payment_method="VIR",
        due_date=dt.date(2024, 4, 14),
        direction="C",
        amount=Decimal("1200.00"),
        due_number=1,
    ),
    tratool.Entry(**_SHARED, account="60610000", direction="D", amount=Decimal("1000.00")),
    tratool.Entry(
        **_SHARED,
        line_type="A",
        account="60610000",
        auxiliary="ATELIER",
        direction="D",
        amount=Decimal("1000.00"),
        axis="A1",
    ),
    tratool.Entry(**_SHARED, account="44566000", direction="D", amount=Decimal("200.00")),
]
PIECES = 30  # 120 lines of 224 bytes: several blocks after the first read


def read_in_blocks(data: bytes, first_read: int, block_lines: int) -> tratool.TraReader:
    reader = tratool.read(io.BytesIO(data))
    reader.first_read, reader.block_lines = first_read, block_lines
    return reader


def read_line_by_line(data: bytes) -> tratool.TraReader:
    reader = tratool.read(io.BytesIO(data))
    reader.first_read = len(data) + 1  # the first read never ends
    return reader


def test_lazy_entries_are_the_documented_values(std_header_line: str) -> None:
    data = tra_bytes(std_header_line, *VECTORS["TV-E2"] * PIECES)
    reader = read_in_blocks(data, FIRST_BLOCK, 7)
    items = list(reader)
    assert reader.errors == []
    assert (reader.lines, reader.line_endings["CRLF"]) == (1 + 4 * PIECES, 1 + 4 * PIECES)
    assert [number for number, _ in items] == list(range(1, 2 + 4 * PIECES))
    entries = [record for _, record in items[1:]]
    assert entries == TV_E2 * PIECES
    lazy = [e for e in entries if isinstance(e, LazyEntry)]
    # The first read (4096 bytes: the header and 18 lines) is typed eagerly; the rest lazily.
    assert len(lazy) == 4 * PIECES - 18
    assert all(type(e) is tratool.Entry for e in entries[:18])


def test_a_lazy_entry_behaves_as_the_eager_one(std_header_line: str) -> None:
    data = tra_bytes(std_header_line, *VECTORS["TV-E2"] * PIECES)
    records = [r for _, r in read_in_blocks(data, FIRST_BLOCK, 5)]
    tiers, expected = records[-4], TV_E2[0]
    assert isinstance(tiers, LazyEntry)
    assert isinstance(tiers, tratool.Entry)
    assert tiers == expected
    assert expected == tiers
    assert (tiers != expected, expected != tiers) == (False, False)
    assert tiers != TV_E2[1]
    assert TV_E2[1] != tiers
    assert hash(tiers) == hash(expected)
    assert repr(tiers) == repr(expected)
    assert (tiers.debit, tiers.credit, tiers.piece_key) == (
        Decimal(0),
        Decimal("1200.00"),
        ("HA", dt.date(2024, 3, 15), 42),
    )
    assert attrs.asdict(tiers) == attrs.asdict(expected)
    assert attrs.evolve(tiers, amount=Decimal("5.00")) == attrs.evolve(
        expected, amount=Decimal("5.00")
    )
    assert pickle.loads(pickle.dumps(tiers)) == expected
    assert copy.copy(tiers) == expected
    assert list(tratool.render_lines(records[-4:])) == VECTORS["TV-E2"]


def test_fields_are_typed_once(std_header_line: str) -> None:
    data = tra_bytes(std_header_line, *VECTORS["TV-E2"] * PIECES)
    last = [r for _, r in read_in_blocks(data, FIRST_BLOCK, 5)][-1]
    assert isinstance(last, LazyEntry)
    assert last.account == "44566000"
    assert last.amount is last.amount  # the Decimal made on first access is kept
    assert (last.extension, last.extra) == (None, "")
    with pytest.raises(AttributeError):
        last.no_such_field  # noqa: B018


# Raw values of the typed fields: ones that parse (some outside the block proof, which then
# asks the parser) and ones that do not, each diagnosed by the line-by-line reading.
TYPED_VALUES: dict[str, list[str]] = {
    "date": ["15032024", "31022024", "01011900", "", "2024315", "ab012024"],
    "due_date": ["14042024", "31042024", "", "1404202x"],
    "amount": ["1200,00", "  1200.5", "12,", ",5", "1,2,3", "-5,00", "+5", "1 2", "7  ", "x"],
    "piece_number": ["42", "42      ", "4 2", "-1", "0042", "", "A1"],
    "exchange_rate": ["1", "1,00000000", "1.5", "abc", " 1 "],
    "amount2": ["", "3,00", "x", "-1"],
    "amount3": ["", "0", "2.5", "1,"],
    "due_number": ["", "1", "x", " 1"],
}


def test_every_typed_value_in_a_grid_row_of_its_own(std_header_line: str) -> None:
    lines = list(VECTORS["TV-E2"] * 5)  # the first read
    for name, values in TYPED_VALUES.items():
        for value in values:
            lines += [put(line, name, value) for line in VECTORS["TV-E2"]]
    data = tra_bytes(std_header_line, *lines)
    expected_reader = read_line_by_line(data)
    expected = list(expected_reader)
    reader = read_in_blocks(data, FIRST_BLOCK, 64)
    records = list(reader)
    assert records == expected
    assert _described(reader.errors) == _described(expected_reader.errors)
    assert len(reader.errors) > 50  # the values that do not parse, each diagnosed
    assert sum(isinstance(r, LazyEntry) for _, r in records) > 100


def _described(errors: list[tratool.ParseError]) -> list[tuple[object, ...]]:
    """Exceptions compare by identity: their fields, then."""
    return [
        (e.message, e.path, e.line, e.column, e.field, e.value, e.hint, e.severity) for e in errors
    ]


@st.composite
def tra_file(draw: st.DrawFn) -> bytes:
    header = next(tratool.render_lines([tratool.Header(format="STD", generated_at=None)]))
    lines = list(VECTORS["TV-E2"] * draw(st.integers(5, 40)))
    for _ in range(draw(st.integers(0, 12))):
        index = draw(st.integers(0, len(lines) - 1))
        name = draw(st.sampled_from(sorted(TYPED_VALUES)))
        lines[index] = put(lines[index], name, draw(st.sampled_from(TYPED_VALUES[name])))
    for _ in range(draw(st.integers(0, 2))):  # a line that is not a grid row
        index = draw(st.integers(0, len(lines) - 1))
        lines[index] = draw(
            st.sampled_from([lines[index][:200], lines[index] + "X", "", lines[index][:-1] + "é"])
        )
    ending = draw(st.sampled_from(["\r\n", "\n"]))
    data = tra_bytes(header, *lines, ending=ending)
    return data[: -len(ending)] if draw(st.booleans()) else data


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    data=tra_file(),
    first_read=st.integers(FIRST_BLOCK, FIRST_BLOCK + 3 * 224),
    block_lines=st.integers(1, 12),
)
def test_reading_in_blocks_gives_what_reading_line_by_line_gives(
    data: bytes, first_read: int, block_lines: int
) -> None:
    expected_reader = read_line_by_line(data)
    expected = list(expected_reader)
    reader = read_in_blocks(data, first_read, block_lines)
    assert list(reader) == expected
    assert _described(reader.errors) == _described(expected_reader.errors)
    assert (reader.lines, reader.line_endings, reader.blank_lines) == (
        expected_reader.lines,
        expected_reader.line_endings,
        expected_reader.blank_lines,
    )
