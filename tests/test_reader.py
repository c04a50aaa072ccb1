"""Reader diagnostics: every problem is collected with its line, column and field."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import tratool
from tests.conftest import VECTORS, read_all, tra_bytes

ENTRY = VECTORS["TV-E2"][1]  # a plain general line, 222 characters


def with_label(label: str) -> str:
    return ENTRY[:83] + label.ljust(35) + ENTRY[118:]


def test_utf8_file_is_reported_with_line_and_column(std_header_line: str) -> None:
    line = with_label("Facture Société")
    data = tra_bytes(std_header_line, ENTRY, line, encoding="utf-8")
    reader, items = read_all(data)
    [error] = reader.errors  # one error, not a cascade in every shifted field
    assert error.line == 3
    assert error.column == 84 + len("Facture Soci")
    assert error.field == "label"
    assert error.value == "é"
    assert "UTF-8" in error.message
    assert "shifts" in error.message
    assert error.severity == "error"
    entry = items[2][1]
    assert isinstance(entry, tratool.Entry)  # still read, with the values the writer meant
    assert entry.label == "Facture Société"


def test_encoding_option_reads_utf8_by_characters(std_header_line: str) -> None:
    data = tra_bytes(std_header_line, with_label("Facture Société"), encoding="utf-8")
    reader, items = read_all(data, encoding="utf-8")
    assert reader.errors == []
    entry = items[1][1]
    assert isinstance(entry, tratool.Entry)
    assert entry.label == "Facture Société"
    assert entry.amount is not None


def test_utf8_bom_is_an_error_but_the_header_is_still_read(std_header_line: str) -> None:
    data = b"\xef\xbb\xbf" + tra_bytes(std_header_line, ENTRY)
    reader, items = read_all(data)
    assert [(e.line, e.column) for e in reader.errors] == [(1, 1)]
    assert "byte order mark" in reader.errors[0].message
    assert isinstance(items[0][1], tratool.Header)


def test_utf16_file_stops_with_one_error() -> None:
    reader, items = read_all("***S5CLIJRLSTD".encode("utf-16"))
    assert items == []
    assert "UTF-16" in reader.errors[0].message


def test_221_character_line_gives_precise_error(std_header_line: str) -> None:
    reader, items = read_all(tra_bytes(std_header_line, ENTRY[:221]))
    [error] = reader.errors
    # 221 columns stop inside the right-justified due_number (221-222): the line was cut.
    assert (error.line, error.column, error.field) == (2, 221, "due_number")
    assert error.severity == "error"
    assert "221 characters" in error.message
    assert isinstance(items[1][1], tratool.Entry)  # read as Cegid would: padded with blanks


def test_stripped_trailing_blanks_are_a_warning_not_an_error(std_header_line: str) -> None:
    line = ENTRY[:218]  # TV-E2 line 2 without its blank axis and due number (219-222)
    reader, items = read_all(tra_bytes(std_header_line, line))
    [problem] = reader.errors
    assert (problem.column, problem.field, problem.severity) == (219, "axis", "warning")
    assert not reader.has_errors
    assert isinstance(items[1][1], tratool.Entry)


def test_long_std_line_keeps_extra_characters(std_header_line: str) -> None:
    reader, items = read_all(tra_bytes(std_header_line, ENTRY + "XYZ"))
    entry = items[1][1]
    assert isinstance(entry, tratool.Entry)
    assert entry.extra == "XYZ"
    assert [e.severity for e in reader.errors] == ["warning"]
    assert list(tratool.render_lines([entry])) == [ENTRY + "XYZ"]


def test_bad_field_is_reported_and_next_line_still_read(std_header_line: str) -> None:
    bad_date = ENTRY[:3] + "31042024" + ENTRY[11:]
    bad_amount = ENTRY[:130] + "12,3,4".rjust(20) + ENTRY[150:]
    reader, items = read_all(tra_bytes(std_header_line, bad_date, bad_amount, ENTRY))
    assert [(e.line, e.column, e.field) for e in reader.errors] == [
        (2, 4, "date"),
        (3, 131, "amount"),
    ]
    assert "not a calendar date" in reader.errors[0].message
    assert reader.errors[1].value == "12,3,4".rjust(20)
    assert isinstance(items[1][1], tratool.RawLine)
    assert items[1][1].text == bad_date  # kept, not lost
    assert isinstance(items[2][1], tratool.RawLine)
    assert isinstance(items[3][1], tratool.Entry)


def test_line_endings_and_blank_lines_are_counted(std_header_line: str) -> None:
    data = (std_header_line + "\r\n" + ENTRY + "\n" + "   \r\n" + ENTRY).encode("cp1252")
    reader, items = read_all(data)
    assert dict(reader.line_endings) == {"CRLF": 2, "LF": 1, "none": 1}
    assert reader.blank_lines == 1
    assert [(e.line, e.severity) for e in reader.errors] == [(3, "warning")]
    assert len(items) == 3


def test_undefined_cp1252_byte_is_located(std_header_line: str) -> None:
    data = (
        tra_bytes(std_header_line) + ENTRY[:90].encode() + b"\x81" + ENTRY[91:].encode() + b"\r\n"
    )
    reader, items = read_all(data)
    [error] = reader.errors
    assert (error.line, error.column, error.field) == (2, 91, "label")
    assert "0x81" in error.message
    assert isinstance(items[1][1], tratool.Entry)


def test_missing_header_is_reported_and_line_one_is_not_lost() -> None:
    reader, items = read_all(tra_bytes(ENTRY, ENTRY))
    assert reader.errors[0].line == 1
    assert "not a TRA header" in reader.errors[0].message
    assert reader.header is None
    assert [type(r) for _, r in items] == [tratool.Entry, tratool.Entry]


def test_special_lines_are_kept_raw(std_header_line: str) -> None:
    ged = ENTRY[:30] + "G" + ENTRY[31:83] + "facture-42.pdf".ljust(255)
    reader, items = read_all(tra_bytes(std_header_line, ged))
    assert reader.errors == []
    assert items[1][1] == tratool.RawLine(ged)


def test_errors_are_capped_but_counted(std_header_line: str) -> None:
    bad = ENTRY[:3] + "99999999" + ENTRY[11:]
    reader, _ = read_all(tra_bytes(std_header_line, *[bad] * 50), max_errors=10)
    assert len(reader.errors) == 10
    assert reader.error_count == 50


def test_reader_is_lazy(std_header_line: str) -> None:
    """Only the lines asked for are read: a stream that breaks later is not touched."""

    class Exploding(io.RawIOBase):
        def __init__(self) -> None:
            self.pending = tra_bytes(std_header_line, ENTRY)

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
            if not self.pending:
                raise AssertionError("read past what was asked for")
            size = min(len(buffer), len(self.pending))
            buffer[:size] = self.pending[:size]
            self.pending = self.pending[size:]
            return size

    reader = tratool.read(io.BufferedReader(Exploding(), buffer_size=64))
    iterator = iter(reader)
    assert isinstance(next(iterator)[1], tratool.Header)
    assert isinstance(next(iterator)[1], tratool.Entry)


def test_unreadable_path() -> None:
    with pytest.raises(tratool.UnreadableInput, match="cannot read"):
        tratool.read("/nonexistent/file.tra")


def test_directory_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(tratool.UnreadableInput, match="Is a directory"):
        tratool.read(tmp_path)


def test_unknown_encoding_fails_early() -> None:
    with pytest.raises(LookupError):
        tratool.read(io.BytesIO(b""), encoding="klingon")


def test_parse_error_str_names_everything() -> None:
    error = tratool.ParseError(
        message="'31042024' is not a calendar date", path="a.tra", line=3, column=4, field="date"
    )
    assert str(error) == "a.tra:3:4: error date: '31042024' is not a calendar date"


def test_windows_1252_that_happens_to_be_valid_utf8_is_read_as_windows_1252(
    std_header_line: str,
) -> None:
    # "É’" is C9 92 in Windows-1252: valid UTF-8 too, for "ɒ", a letter no French export holds.
    reader, items = read_all(tra_bytes(std_header_line, with_label("CAFÉ’S")))
    assert reader.errors == []
    entry = items[1][1]
    assert isinstance(entry, tratool.Entry)
    assert entry.label == "CAFÉ’S"
