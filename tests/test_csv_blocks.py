"""csvbytes.py piece by piece, bytes in and the expected cells' bounds, rows and line numbers
written in each test: which blocks are read as bytes (`parse`), which go to the csv module,
and the line numbers either way."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tratool.conversion import csvbytes
from tratool.conversion.csvbytes import ByteRows
from tratool.conversion.tabular import TabularFile
from tratool.errors import UnreadableInput

Found = list[tuple[int, list[str]]]


def table(delimiter: str = ";", columns: int = 3, encoding: str = "cp1252") -> TabularFile:
    names = tuple("abcdefghi"[:columns])
    return TabularFile(Path("unused.csv"), encoding, delimiter, names, "x.csv")


def parsed(block: bytes, delimiter: str = ";") -> ByteRows:
    rows = csvbytes.parse(block, 2, table(delimiter))
    assert rows is not None
    return rows


def test_a_block_s_cells_are_bounded_line_by_line() -> None:
    rows = parsed(b"1;22;333\r\nx;;y\n")
    assert rows.size == 2
    assert rows.starts.tolist() == [[0, 2, 5], [10, 12, 13]]
    assert rows.ends.tolist() == [[1, 4, 8], [11, 12, 14]]  # the CR before LF left out
    assert rows.numbers.tolist() == [2, 3]
    assert [rows.cells(0), rows.cells(1)] == [["1", "22", "333"], ["x", "", "y"]]
    assert bytes(rows.buf) == b"1;22;333\r\nx;;y\n" + bytes(64)  # zeros after the bytes


def test_a_last_line_without_a_break_and_tabs_as_delimiter() -> None:
    rows = parsed(b"1;2;3")
    assert (rows.starts.tolist(), rows.ends.tolist()) == ([[0, 2, 4]], [[1, 3, 5]])
    tabbed = parsed(b"a\tb\tc\r\n", "\t")
    assert (tabbed.starts.tolist(), tabbed.ends.tolist()) == ([[0, 2, 4]], [[1, 3, 5]])
    assert tabbed.cells(0) == ["a", "b", "c"]


@pytest.mark.parametrize(
    "block",
    [
        b"\xe9;b;c\n",  # not ASCII
        b"a;\x7f;c\n",  # DEL
        b"a;\x01;c\n",  # another control byte
        b"a\tb;c;d\n",  # a tab, the delimiter being ;
        b"a;b\n",  # too few cells
        b"a;b;c;d\nx;y\n",  # 4 and 2 cells: as many delimiters as 3 and 3
        b"a;b;c\n ; ;\n",  # blanks only: the csv path skips the row
        b"a;b;c\n;;\n",
        b"a;b;" + b"c" * 99_997 + b"\n",  # 100,001 bytes: left to the csv module's limit
    ],
    ids=["latin", "del", "control", "tab", "ragged", "compensated", "blanks", "empty", "long"],
)
def test_blocks_the_csv_module_reads(block: bytes) -> None:
    assert csvbytes.parse(block, 2, table()) is None


def test_a_line_of_the_longest_length_is_read_as_bytes() -> None:
    rows = parsed(b"a;b;" + b"c" * 99_996 + b"\n")
    assert rows.ends.tolist() == [[1, 3, 100_000]]


@pytest.mark.parametrize(
    ("block", "free"),
    [
        (b"a;b\r\nc;d\n", True),
        (b"", True),
        (b'a;"b"\n', False),
        (b"a;\0\n", False),
        (b"a;b\rc;d\n", False),  # a lone CR ends a line for the csv module
    ],
)
def test_quote_free(block: bytes, free: bool) -> None:
    assert csvbytes.quote_free(block) is free


@pytest.mark.parametrize(
    ("delimiter", "columns", "encoding", "read"),
    [
        (";", 3, "cp1252", True),
        ("|", 2, "UTF-8", True),
        ("\t", 2, "latin-1", True),
        (",", 2, "utf_8_sig", True),
        (":", 3, "cp1252", False),
        (";", 1, "cp1252", False),
        (";", 3, "utf-16", False),
        (";", 3, "no-such-encoding", False),
    ],
)
def test_readable(delimiter: str, columns: int, encoding: str, read: bool) -> None:
    assert csvbytes.readable(table(delimiter, columns, encoding)) is read


def read_all(path: Path, data: bytes, encoding: str = "cp1252", rows: int = 100) -> list[object]:
    path.write_bytes(data)
    source = TabularFile(path, encoding, ";", ("a", "b", "c"), "x.csv")
    return list(csvbytes.blocks(source, rows))


def as_rows(found: list[object]) -> Found:
    """Every block's (line number, cells), whichever way it was read."""
    rows: Found = []
    for part in found:
        if isinstance(part, ByteRows):
            rows += [(int(part.numbers[i]), part.cells(i)) for i in range(part.size)]
        else:
            assert isinstance(part, list)
            rows += part
    return rows


def test_small_blocks_keep_whole_lines_and_count_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csvbytes, "BLOCK_BYTES", 8)
    found = read_all(tmp_path / "in.csv", b"a;b;c\r\n1;2;3\r\n44;5;6\r\n\r\n7;8;99\r\n")
    assert all(isinstance(part, ByteRows) for part in found)
    assert as_rows(found) == [(2, ["1", "2", "3"]), (3, ["44", "5", "6"]), (5, ["7", "8", "99"])]


def test_from_a_quote_on_the_csv_module_reads_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csvbytes, "BLOCK_BYTES", 12)
    data = b'a;b;c\n1;2;3\n4;5;6\n7;"8\n8";9\n10;11;12\n13;14;15\n'
    found = read_all(tmp_path / "in.csv", data, rows=2)
    assert [type(part) for part in found] == [ByteRows, list, list]  # 2 rows, then 2 and 1
    assert as_rows(found) == [
        (2, ["1", "2", "3"]),
        (3, ["4", "5", "6"]),
        (4, ["7", "8\n8", "9"]),
        (6, ["10", "11", "12"]),
        (7, ["13", "14", "15"]),
    ]


def test_a_header_with_a_quote_or_alone(tmp_path: Path) -> None:
    found = read_all(tmp_path / "quoted.csv", b'"a";b;c\n1;2;3\n4;5;6\n', rows=1)
    assert found == [[(2, ["1", "2", "3"])], [(3, ["4", "5", "6"])]]
    assert read_all(tmp_path / "alone.csv", b"a;b;c") == []
    assert read_all(tmp_path / "blank.csv", b"a;b;c\n;;\n \n") == []


def test_a_block_not_read_as_bytes_is_decoded(tmp_path: Path) -> None:
    # Windows-1252 é; then UTF-8 after a BOM, which the header's line holds.
    found = read_all(tmp_path / "in.csv", b"a;b;c\n1;\xe9;3\n\n4;5;6\n")
    assert found == [[(2, ["1", "é", "3"]), (4, ["4", "5", "6"])]]
    data = b"\xef\xbb\xbfa;b;c\n1;\xc3\xa9;3\n"
    assert read_all(tmp_path / "bom.csv", data, "utf-8-sig") == [[(2, ["1", "é", "3"])]]


def test_after_a_quote_a_bom_file_is_read_as_utf_8(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csvbytes, "BLOCK_BYTES", 8)
    data = b'\xef\xbb\xbfa;b;c\n1;2;3\n"\xc3\xa9";5;6\n'
    found = read_all(tmp_path / "bom.csv", data, "utf-8-sig")
    assert as_rows(found) == [(2, ["1", "2", "3"]), (3, ["é", "5", "6"])]


def test_blanks_and_other_printable_bytes_are_read_as_bytes() -> None:
    rows = parsed(b"1;2 2;!\n!;;\n")
    assert [rows.cells(0), rows.cells(1)] == [["1", "2 2", "!"], ["!", "", ""]]


def test_a_block_longer_than_the_longest_line_is_read_as_bytes() -> None:
    rows = parsed(b"1;2;3\n" * 20_000)  # 120,000 bytes, lines of 5
    assert rows.size == 20_000
    assert rows.ends[-1].tolist() == [119_995, 119_997, 119_999]


def test_a_bom_after_the_file_s_start_is_a_character(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The csv module's reading strips the file's BOM only: a row's is its first cell's.
    bom = b"\xef\xbb\xbf"
    decoded = read_all(tmp_path / "a.csv", bom + b"a;b;c\n" + bom + b"1;\xc3\xa9;3\n", "utf-8-sig")
    assert decoded == [[(2, ["\ufeff1", "é", "3"])]]
    monkeypatch.setattr(csvbytes, "BLOCK_BYTES", 8)
    data = bom + b"a;b;c\n1;2;3\n" + bom + b'"4";5;6\n'
    quoted = read_all(tmp_path / "b.csv", data, "utf-8-sig")
    assert as_rows(quoted) == [(2, ["1", "2", "3"]), (3, ['\ufeff"4"', "5", "6"])]


def test_after_a_quote_the_rest_is_read_in_the_file_s_encoding_and_line_breaks(
    tmp_path: Path,
) -> None:
    found = read_all(tmp_path / "in.csv", b'a;b;c\r\n"1";\xe9;3\r\n4;"x\r\ny";6\r\n')
    assert found == [[(2, ["1", "é", "3"]), (3, ["4", "x\r\ny", "6"])]]


def test_a_header_longer_than_the_longest_line(tmp_path: Path) -> None:
    # The header's line is not read whole: the csv module reads the file.
    data = b"a;b;" + b"c" * 70_000 + b"\n1;2;3\n"
    assert read_all(tmp_path / "in.csv", data) == [[(2, ["1", "2", "3"])]]


def test_a_line_as_long_as_the_longest_line_stays_with_the_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The first read ends 65,536 bytes into the long line: not past the longest line.
    monkeypatch.setattr(csvbytes, "BLOCK_BYTES", 6 + csvbytes.LONGEST_LEFTOVER)
    long = b"4;5;" + b"6" * (csvbytes.LONGEST_LEFTOVER + 96)
    found = read_all(tmp_path / "in.csv", b"a;b;c\n1;2;3\n" + long + b"\n")
    assert [type(part) for part in found] == [ByteRows, ByteRows]
    assert [number for number, _ in as_rows(found)] == [2, 3]


@pytest.mark.parametrize("read", ["rows", "blocks"])
def test_a_source_gone_before_it_is_read_again_is_unreadable_input(
    read: str, tmp_path: Path
) -> None:
    # The converter opens its source (the header, the encoding), then reads it again as it
    # writes: an OSError then is the source's, named as such, never the output's.
    source = tmp_path / "ventes.csv"
    source.write_text("a;b;c\n1;2;3\n", encoding="cp1252")
    opened = TabularFile.open(source, name="ventes.csv")
    source.unlink()
    again: Iterator[object] = opened.rows() if read == "rows" else csvbytes.blocks(opened, 10)
    with pytest.raises(UnreadableInput, match=r"^ventes\.csv: ") as raised:
        list(again)
    assert isinstance(raised.value.__cause__, FileNotFoundError)
