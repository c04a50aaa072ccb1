"""Physical lines (tratool.tra.lines): splitting, decoding, the not-a-text-file check, line
kinds and the field at a column, each against facts written here (tra-format.md §1, §3, §5,
§9), not against the splitter or the classifier themselves."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

import tratool
from tests.conftest import VECTORS
from tratool.tra.lines import (
    DecodedLines,
    LineDecoder,
    LineKind,
    PhysicalLine,
    classify,
    field_at,
    is_header,
    not_text,
    open_source,
    split_lines,
)

TIERS, EXPENSE, ANALYTIC, VAT = VECTORS["TV-E2"]  # STD lines of 222 characters


def test_lines_are_split_on_lf_and_keep_their_ending() -> None:
    assert list(split_lines(io.BytesIO(b"a\r\nb\n\nc"))) == [
        PhysicalLine(1, b"a", b"\r\n"),
        PhysicalLine(2, b"b", b"\n"),
        PhysicalLine(3, b"", b"\n"),
        PhysicalLine(4, b"c", b""),
    ]
    assert list(split_lines(io.BytesIO(b""))) == []


def test_a_head_already_read_is_split_first_and_its_tail_completed() -> None:
    stream = io.BytesIO(b"cd\r\nef\n")
    assert list(split_lines(stream, b"a\r\nb")) == [
        PhysicalLine(1, b"a", b"\r\n"),
        PhysicalLine(2, b"bcd", b"\r\n"),
        PhysicalLine(3, b"ef", b"\n"),
    ]
    assert list(split_lines(io.BytesIO(b"z"), b"x\ny\n")) == [
        PhysicalLine(1, b"x", b"\n"),
        PhysicalLine(2, b"y", b"\n"),
        PhysicalLine(3, b"z", b""),
    ]


def test_a_utf16_mark_on_line_1_is_fatal_and_elsewhere_is_bytes() -> None:
    decoder = LineDecoder()
    text, problems = decoder.decode(1, b"\xff\xfe*\x00")
    assert text == ""
    assert [(p.column, p.fatal) for p in problems] == [(1, True)]
    assert str(problems[0].message) == "the file is UTF-16 encoded"
    assert str(problems[0].hint) == "save it as ANSI (Windows-1252)"
    text, problems = decoder.decode(2, b"\xff\xfeAB")
    assert text == "ÿþAB"
    assert problems == []


def test_a_utf8_mark_on_line_1_is_reported_and_dropped() -> None:
    text, problems = LineDecoder().decode(1, b"\xef\xbb\xbf***S5")
    assert text == "***S5"
    assert [(p.column, p.fatal, p.value) for p in problems] == [(1, False, None)]
    assert str(problems[0].message) == "the file starts with a UTF-8 byte order mark"
    text, problems = LineDecoder().decode(2, b"\xef\xbb\xbfX")
    assert text == "ï»¿X"  # the same bytes inside a file are three cp1252 characters
    assert problems == []


def test_a_line_saved_as_utf8_is_read_by_characters_once_reported() -> None:
    data = "VTE Libellé n° 1".encode()  # é and ° take 2 bytes each
    text, problems = LineDecoder().decode(3, data)
    assert text == "VTE Libellé n° 1"
    assert [(p.column, p.value, p.fatal) for p in problems] == [(11, "é", False)]
    assert str(problems[0].message) == (
        "the line looks UTF-8 encoded: 'é' takes 2 bytes, which shifts every later field by "
        "2 column(s) in total"
    )


def test_cp1252_text_that_is_valid_utf8_by_accident_stays_cp1252() -> None:
    data = "É’".encode("cp1252")  # C9 92: the UTF-8 of 'ɒ', which no export holds
    assert LineDecoder().decode(2, data) == ("É’", [])


def test_an_undefined_byte_is_located() -> None:
    text, problems = LineDecoder().decode(2, b"AB\x81C")
    assert text == "AB\ufffdC"
    assert [(p.column, str(p.message)) for p in problems] == [
        (3, "byte 0x81 is not a character in cp1252")
    ]


@pytest.mark.parametrize(
    ("encoding", "single_byte"),
    [("cp1252", True), ("latin-1", True), ("iso8859-15", True), ("utf-8", False)],
)
def test_single_byte_encodings_look_for_utf8_text(encoding: str, single_byte: bool) -> None:
    decoder = LineDecoder(encoding)
    assert decoder.single_byte is single_byte
    _, problems = decoder.decode(2, "é".encode())
    assert len(problems) == (1 if single_byte else 0)


def test_a_misspelt_encoding_fails_at_once() -> None:
    with pytest.raises(LookupError):
        LineDecoder("cp-1252-x")


def test_a_nul_byte_is_located_on_its_line() -> None:
    problem = not_text(b"abc\nxy\x00z", "cp1252")
    assert problem is not None
    assert (problem.column, problem.fatal) == (3, True)
    assert str(problem.message).startswith("NUL byte: this is not a text file")
    problem = not_text(b"\x00", "cp1252")
    assert problem is not None
    assert problem.column == 1


def test_more_than_a_tenth_of_control_characters_is_not_text() -> None:
    assert not_text(b"\x01" * 10 + b"a" * 90, "cp1252") is None  # exactly a tenth
    problem = not_text(b"\x01" * 11 + b"a" * 89, "cp1252")
    assert problem is not None
    assert (problem.column, problem.fatal) == (1, True)
    assert str(problem.message).startswith("11 of the first 100 characters are control characters")
    assert not_text(b"\x81" * 11 + b"a" * 89, "cp1252") is not None  # undecodable bytes
    assert not_text(b"\t\r\n\x0c\x1a" * 20, "cp1252") is None  # controls a text file holds
    assert not_text(b"", "cp1252") is None
    assert not_text(b"\xff\xfe" + b"\x00\x01" * 20, "cp1252") is None  # line 1 says UTF-16


def test_decoded_lines_count_endings_bytes_and_lines() -> None:
    lines = DecodedLines(io.BytesIO(b"ab\r\ncd\nef"), LineDecoder())
    assert [(d.number, d.text, d.problems) for d in lines] == [
        (1, "ab", ()),
        (2, "cd", ()),
        (3, "ef", ()),
    ]
    assert dict(lines.endings) == {"CRLF": 1, "LF": 1, "none": 1}
    assert (lines.count, lines.size, lines.stopped) == (3, 9, False)


def test_decoded_lines_stop_after_a_fatal_problem() -> None:
    lines = DecodedLines(io.BytesIO(b"\xff\xfeab\nmore\n"), LineDecoder())
    decoded = list(lines)
    assert [d.number for d in decoded] == [1]
    assert lines.stopped
    assert [(p.line, p.column, p.fatal) for p in decoded[0].problems] == [(1, 1, True)]


def test_a_file_that_is_not_text_is_one_problem_on_the_line_of_its_nul() -> None:
    lines = DecodedLines(io.BytesIO(b"a\nb\nxy\x00z\nz\x00\nz" + b"z" * 50), LineDecoder())
    decoded = list(lines)
    assert [(d.number, d.text) for d in decoded] == [(3, "")]
    assert [(p.line, p.column, p.field, p.fatal) for p in decoded[0].problems] == [
        (3, 3, None, True)
    ]
    assert (lines.count, lines.size, lines.stopped) == (1, 63, True)


@pytest.mark.parametrize(
    ("head", "line"),
    [
        (b"\n\x00", 2),  # the line break before the NUL is counted from the first byte
        (b"\x00\n\n", 1),
        (b"\n" + b"\x01" * 50, 1),  # no NUL: too many control characters, said on line 1
    ],
)
def test_the_line_of_a_file_that_is_not_text(head: bytes, line: int) -> None:
    [decoded] = list(DecodedLines(io.BytesIO(head), LineDecoder()))
    assert decoded.number == line
    assert [p.line for p in decoded.problems] == [line]


def test_no_line_read_is_no_line_counted() -> None:
    lines = DecodedLines(io.BytesIO(b""), LineDecoder())
    assert list(lines) == []
    assert (lines.count, lines.size, dict(lines.endings)) == (0, 0, {})


class ReadOnly:
    """A binary stream with read, readline and iteration but no read1 (e.g. a socket file)."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def read(self, size: int = -1) -> bytes:
        return self._data.read(size)

    def readline(self) -> bytes:
        return self._data.readline()

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._data)


def test_a_stream_without_read1_is_read() -> None:
    lines = DecodedLines(ReadOnly(b"ab\r\ncd"), LineDecoder())  # type: ignore[arg-type]
    assert [d.text for d in lines] == ["ab", "cd"]


def test_more_decodes_lines_after_those_read_and_counted_adds_clean_ones() -> None:
    lines = DecodedLines(io.BytesIO(b"ab\r\n"), LineDecoder())
    assert [d.number for d in lines] == [1]
    lines.counted(3, 300, b"\r\n")
    assert (lines.count, lines.size) == (4, 304)
    more = list(lines.more(b"x\r\ny\x81\nz"))
    assert [(d.number, d.text) for d in more] == [(5, "x"), (6, "y\ufffd"), (7, "z")]
    assert [(p.line, p.column) for p in more[1].problems] == [(6, 2)]
    assert dict(lines.endings) == {"CRLF": 5, "LF": 1, "none": 1}
    assert (lines.count, lines.size) == (7, 304 + 7)
    assert list(lines.more(b"w\n")) == [(8, "w", ())]


def test_a_problem_in_the_ete_part_is_named_by_its_field() -> None:
    general = (VAT + " " * 77).encode("ascii") + b"\x81"  # 300: exchange_rate_date (§5.1)
    analytic = (ANALYTIC + " " * 208).encode("ascii") + b"\x81"  # 431: sub_section_axis1 (§5.2)
    for extended, names in (
        (True, ("exchange_rate_date", "sub_section_axis1")),
        (None, (None,) * 2),
    ):
        lines = DecodedLines(io.BytesIO(general + b"\r\n" + analytic + b"\r\n"), LineDecoder())
        lines.extended = extended
        found = [(p.column, p.field) for d in lines for p in d.problems]
        assert found == [(300, names[0]), (431, names[1])]


@pytest.mark.parametrize(
    ("text", "column", "extended", "name"),
    [
        (VECTORS["TV-H1"][0], 54, None, "user"),  # 54:35 (§2)
        (VECTORS["TV-H1"][0], 145, True, "sub_version"),
        (VAT, 84, None, "label"),
        (VAT, 222, True, "due_number"),
        (VAT, 223, None, None),
        (VAT, 223, False, None),
        (VAT, 223, True, "external_reference"),
        (VAT, 430, True, "reconciliation_reference"),  # 430:17 on general lines
        (ANALYTIC, 430, True, "analytic_flag"),  # 430:1 on A lines
        (ANALYTIC, 2000, True, None),
    ],
)
def test_field_at(text: str, column: int, extended: bool | None, name: str | None) -> None:
    found = field_at(text, column, extended)
    assert (found.name if found else None) == name


@pytest.mark.parametrize(
    ("number", "text", "kind"),
    [
        (1, "", LineKind.BLANK),
        (2, " \t ", LineKind.BLANK),
        (1, VECTORS["TV-H1"][0], LineKind.HEADER),
        (2, VECTORS["TV-H1"][0], LineKind.PARAMETER),  # *** on a later line
        (1, "***CAE" + " " * 30, LineKind.ENTRY),  # not a header, and line 1
        (2, "***CAE", LineKind.PARAMETER),
        (2, "###CAE", LineKind.PARAMETER),
        (2, "¥¥¥CAE", LineKind.PARAMETER),
        (2, "##CAE", LineKind.ENTRY),
        (2, VAT, LineKind.ENTRY),
        (2, VAT[:30] + "G" + VAT[31:], LineKind.SPECIAL),
        (2, VAT[:30] + "P" + VAT[31:], LineKind.SPECIAL),
        (2, VAT[:30] + "B" + VAT[31:], LineKind.SPECIAL),
        (1, VAT[:30] + "B" + VAT[31:], LineKind.SPECIAL),
        (2, VAT[:30] + "A" + VAT[31:], LineKind.ENTRY),
    ],
)
def test_classify(number: int, text: str, kind: LineKind) -> None:
    assert classify(number, text) is kind


@pytest.mark.parametrize(
    ("text", "header"),
    [
        ("***S5CLIJRLETE", True),
        ("***S1", True),
        ("***CF", True),
        ("***SX", False),
        ("***s5", False),
        ("**S5CLI", False),
        ("###S5CLI", False),
    ],
)
def test_is_header(text: str, header: bool) -> None:
    assert is_header(text) is header


def test_open_source_names_what_it_opens(tmp_path: Path) -> None:
    path = tmp_path / "a.tra"
    path.write_bytes(b"x")
    name, stream, owned = open_source(path)
    with stream:
        assert (name, stream.read(), owned) == (str(path), b"x", True)
    given = io.BytesIO(b"y")
    assert open_source(given) == ("<stream>", given, False)
    given.name = "named.tra"
    assert open_source(given) == ("named.tra", given, False)
    with pytest.raises(tratool.UnreadableInput, match=r"missing\.tra"):
        open_source(tmp_path / "missing.tra")


def test_the_reason_a_file_cannot_be_opened_is_the_system_s(tmp_path: Path) -> None:
    with pytest.raises(tratool.UnreadableInput) as refused:
        open_source(tmp_path / "missing.tra")
    assert str(refused.value.reason) == "No such file or directory"  # a Text, said in French too


def test_an_undefined_byte_leaves_the_rest_of_the_line_in_the_file_s_encoding() -> None:
    text, problems = LineDecoder().decode(2, b"caf\xe9\x81")
    assert text == "café\ufffd"
    assert [p.column for p in problems] == [5]


@pytest.mark.parametrize(
    ("head", "column"),
    [
        (b"ab\x00c\x00", 3),  # the first NUL
        (b"ab\x00\ncd", 3),  # a line break after the NUL does not count
        (b"\nab\x00", 3),  # a line break at the very start does
        (b"x\nab\x00", 3),
    ],
)
def test_the_column_of_the_first_nul(head: bytes, column: int) -> None:
    problem = not_text(head, "cp1252")
    assert problem is not None
    assert problem.column == column
    assert str(problem.message).startswith("NUL byte")


def test_a_nul_first_is_a_nul_not_a_control_character() -> None:
    problem = not_text(b"\x00", "cp1252")
    assert problem is not None
    assert str(problem.message).startswith("NUL byte")


def test_the_share_of_bad_characters_is_counted_in_the_file_s_encoding() -> None:
    accented = "é".encode("cp1252") * 20 + b"a" * 80  # invalid as UTF-8, plain cp1252
    assert not_text(accented, "cp1252") is None
    assert not_text(accented, "utf-8") is not None


@pytest.mark.parametrize("text", ["\x0c", "\x0b", "\r", "XXX", "\x1c"])
def test_only_blanks_and_tabs_make_a_blank_line(text: str) -> None:
    assert classify(2, text) is LineKind.ENTRY
