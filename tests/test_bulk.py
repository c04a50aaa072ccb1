"""tratool.scan: the raw fields of entry lines, identical to cutting each line by hand."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import tratool
from tests.conftest import FIXTURES
from tratool.tra import layout, lines
from tratool.tra.scan import FIELD_NAMES, is_grid

CRLF_STRIDE = layout.STD_WIDTH + 2


def by_hand(data: bytes, fields: tuple[str, ...] = FIELD_NAMES) -> list[tuple[bytes, ...]]:
    """The oracle: the shared line splitter and classifier, then one slice per field."""
    chosen = [layout.ENTRY.field(name) for name in fields]
    rows = []
    for raw in lines.split_lines(io.BytesIO(data)):
        line = raw.data
        if raw.number == 1 and line.startswith(lines.UTF8_BOM):
            line = line[len(lines.UTF8_BOM) :]
        # latin-1 maps each byte to one character, so classify's columns are byte columns.
        if lines.classify(raw.number, line.decode("latin-1")) is lines.LineKind.ENTRY:
            padded = line[: layout.STD_WIDTH].ljust(layout.STD_WIDTH)
            rows.append(tuple(padded[f.start : f.end] for f in chosen))
    return rows


def entry(seed: int, line_type: str = " ", width: int = layout.STD_WIDTH) -> bytes:
    text = f"VTE{seed:08d}FC411{seed:014d}{line_type}CLIENT{seed:011d}Libellé n° {seed}"
    return text.encode("cp1252").ljust(width, b"X")[:width]


HEADER = b"***S5CLIJRLSTD   0101190001011900007     010420240930".ljust(148) + b"\r\n"

line_bytes = st.one_of(
    st.builds(entry, st.integers(0, 10**6)),
    st.builds(entry, st.integers(0, 10**6), st.sampled_from(["X", "A", "G", "P", "B", "H"])),
    st.builds(entry, st.integers(0, 99), st.just(" "), st.integers(0, 300)),  # short, ETE
    st.sampled_from([b"", b"   ", b"\t", b"***CGN411", b"###x", "¥¥¥".encode("cp1252"), b"x\ry"]),
    st.binary(max_size=260).map(lambda b: b.replace(b"\n", b"")),
    # full-width lines a grid block must not take for entry lines
    st.sampled_from([b" " * 222, b" " + entry(5)[1:], b"***CGN".ljust(222), entry(6, "P")]),
)


@given(
    first=st.sampled_from([HEADER, lines.UTF8_BOM + HEADER, b"", b"***CGN411\r\n"]),
    body=st.lists(st.tuples(line_bytes, st.sampled_from([b"\r\n", b"\n"])), max_size=40),
    last=line_bytes,
    buffer_size=st.sampled_from([1, 500, 1000, 4 << 20]),
)
def test_scan_cuts_every_entry_line_as_by_hand(
    first: bytes, body: list[tuple[bytes, bytes]], last: bytes, buffer_size: int
) -> None:
    data = first + b"".join(line + end for line, end in body) + last
    assert list(tratool.scan(io.BytesIO(data), buffer_size=buffer_size)) == by_hand(data)


@given(
    count=st.integers(1, 60),
    ending=st.sampled_from([b"\r\n", b"\n"]),
    odd=st.one_of(st.none(), st.tuples(st.integers(0, 59), line_bytes)),
    buffer_size=st.sampled_from([1000, 5000, 4 << 20]),
)
def test_grid_blocks_give_what_the_line_path_gives(
    count: int, ending: bytes, odd: tuple[int, bytes] | None, buffer_size: int
) -> None:
    body = [entry(i, "X" if i % 3 else " ") for i in range(count)]
    if odd is not None and odd[0] < count:
        body[odd[0]] = odd[1]  # one line that makes its block leave the grid path
    data = HEADER + b"".join(line + ending for line in body)
    assert list(tratool.scan(io.BytesIO(data), buffer_size=buffer_size)) == by_hand(data)


def test_a_uniform_block_is_a_grid_and_every_odd_line_breaks_it() -> None:
    rows = [entry(i) for i in range(5)]

    def block(*lines: bytes, ending: bytes = b"\r\n") -> bytes:
        return b"".join(line + ending for line in lines)

    assert is_grid(block(*rows), CRLF_STRIDE)
    assert is_grid(block(*rows, ending=b"\n"), CRLF_STRIDE - 1)
    split = rows[2][:100] + b"\n" + rows[2][101:]  # a line break inside a record
    odd_ones = [
        block(rows[0], split, rows[1]),
        block(rows[0], b"***CGN".ljust(layout.STD_WIDTH)),
        block(rows[0], b" " * layout.STD_WIDTH),
        block(rows[0], b" " + rows[1][1:]),  # may be blank, or not: decided line by line
        block(rows[0], entry(9, "G")),
        block(rows[0], rows[1][:-1]),
    ]
    for odd in odd_ones:
        assert not is_grid(odd, odd.find(b"\n") + 1)
    lf_with_cr = block(rows[0], rows[1][:-1] + b"\r", ending=b"\n")  # read as CRLF by lines
    assert not is_grid(lf_with_cr, CRLF_STRIDE - 1)


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.tra")), ids=lambda p: p.name)
def test_fixtures_scan_like_the_reader_reads(path: Path) -> None:
    """The reader's typed entries and scan's raw fields describe the same lines."""
    with tratool.read(path) as reader:
        entries = [entry for _, entry in reader if isinstance(entry, tratool.Entry)]
    rows = list(tratool.scan(path, ["account", "direction", "amount"]))
    assert len(rows) == len(entries) > 0
    for (account, direction, amount), typed in zip(rows, entries, strict=True):
        assert account.decode("cp1252").strip() == typed.account
        assert direction.decode("ascii") == typed.direction
        assert amount.decode("ascii").strip().replace(",", ".") == f"{typed.amount:.2f}"


def test_fields_come_back_in_the_order_asked_for() -> None:
    data = HEADER + entry(7) + b"\r\n" + entry(8) + b"\r\n"
    everything = list(tratool.scan(io.BytesIO(data)))
    index = {name: i for i, name in enumerate(FIELD_NAMES)}
    asked = ("label", "journal", "label")
    picked = list(tratool.scan(io.BytesIO(data), asked))
    assert picked == [tuple(row[index[n]] for n in asked) for row in everything]
    assert picked[0][1] == b"VTE"


def test_unknown_field_and_missing_file_fail_at_the_call(tmp_path: Path) -> None:
    with pytest.raises(KeyError, match="no field 'amont'"):
        tratool.scan(io.BytesIO(b""), ["amont"])
    with pytest.raises(tratool.UnreadableInput, match=r"absent\.tra"):
        tratool.scan(tmp_path / "absent.tra")


def test_a_stream_is_read_not_closed() -> None:
    stream = io.BytesIO(HEADER + entry(1) + b"\r\n")
    assert len(list(tratool.scan(stream))) == 1
    assert not stream.closed
