"""The reader's parameter records (tra-format.md §8: typed only after ``***``), read_text, the
lazy entry's own constructor and field decoders, and the layout builder, from values written
here. (The layout tables and the decoders are built when tratool is imported: calling the
builders again is what puts their code under test.)"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

import tratool
from tests.conftest import VECTORS
from tratool.i18n import Text
from tratool.tra import layout
from tratool.tra import reader as reader_module
from tratool.tra.lazy import LazyEntry
from tratool.tra.reader import TraReader
from tratool.tra.records import amount_roles

VAT = VECTORS["TV-E2"][3]
EXO = "***EXO0010111201031102011OUV"  # TV-P1


def records(*lines: str, **options: str) -> tuple[tratool.TraReader, list[tratool.Record]]:
    reader = tratool.read_text("\r\n".join([VECTORS["TV-H3"][0], *lines]) + "\r\n", **options)
    return reader, [record for _, record in reader][1:]


def test_only_records_after_three_stars_are_typed() -> None:
    _, found = records(EXO, "###" + EXO[3:], "¥¥¥" + EXO[3:])
    assert found == [
        tratool.Exercise(
            code="001", start=dt.date(2010, 11, 1), end=dt.date(2011, 10, 31), state="OUV"
        ),
        tratool.ParameterRecord("###" + EXO[3:]),
        tratool.ParameterRecord("¥¥¥" + EXO[3:]),
    ]


def test_a_typed_record_keeps_what_follows_its_layout() -> None:
    _, [exercise] = records(EXO.ljust(69) + "20111231")  # 70:8, version 011 (§12.6)
    assert isinstance(exercise, tratool.Exercise)
    assert exercise.extra == "20111231"


def test_a_typed_record_that_does_not_parse_is_kept_raw_with_its_error() -> None:
    bad = EXO[:9] + "31112010" + EXO[17:]  # start: 31/11 is no date
    reader, found = records(bad)
    assert found == [tratool.RawLine(bad)]
    assert [(e.line, e.column, e.field) for e in reader.errors] == [(2, 10, "start")]


def test_read_text_encodes_and_reads_in_the_same_encoding() -> None:
    line = VAT[:83] + "Été".ljust(35) + VAT[118:]
    reader, [entry] = records(line, encoding="utf-8")
    assert isinstance(entry, tratool.Entry)
    assert entry.label == "Été"
    assert reader.errors == []
    assert reader.encoding == "utf-8"
    assert tratool.read_text("").encoding == "cp1252"


def test_the_layout_builder_keeps_each_row_s_values() -> None:
    built = layout._layout(
        "t", [(1, 3, layout.L, "a", layout.TEXT), (4, 8, layout.R, "b", layout.DATE)]
    )
    assert built == layout.Layout(
        "t",
        (
            layout.Field("a", 1, 3, layout.Just.LEFT, layout.Kind.TEXT),
            layout.Field("b", 4, 8, layout.Just.RIGHT, layout.Kind.DATE),
        ),
    )


@pytest.mark.parametrize(("version", "v010"), [("\t010", False), ("X010", False)])
def test_only_blanks_pad_a_version(version: str, v010: bool) -> None:
    assert layout.has_v010_fields(version) is v010


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("journal", "HA"),
        ("date", dt.date(2024, 3, 15)),
        ("account", "44566000"),
        ("amount", Decimal("200.00")),
        ("piece_number", 42),
        ("due_number", None),
    ],
)
def test_a_field_decoder_cuts_and_types_its_columns(name: str, value: object) -> None:
    assert getattr(LazyEntry.of(VAT), name) == value


def test_a_lazy_entry_of_a_line() -> None:
    entry = LazyEntry.of(VAT + "##")
    assert (entry.journal, entry.amount, entry.extension, entry.extra) == (
        "HA",
        Decimal("200.00"),
        None,
        "##",
    )
    assert type(entry.eager()) is tratool.Entry
    assert entry.eager().account == "44566000"
    with pytest.raises(AttributeError):
        entry.no_such_field  # noqa: B018 - the attribute access is the test


def test_a_lazy_entry_is_unequal_to_what_is_no_entry() -> None:
    entry = LazyEntry.of(VAT)
    assert entry != "HA"
    assert not (entry == "HA")  # noqa: SIM201 - == itself is under test


@pytest.mark.parametrize(("code", "roles"), [("DDE", (2, 0)), ("DED", (1, 0))])
def test_the_first_d_names_the_foreign_amount(code: str, roles: tuple[int, int | None]) -> None:
    assert amount_roles(code) == roles


def test_a_new_reader_reads_cp1252_keeps_1000_errors_and_has_read_nothing() -> None:
    reader = TraReader(io.BytesIO(b""))
    assert (reader.encoding, reader.max_errors, reader.lines) == ("cp1252", 1000, 0)
    assert reader.line_endings == Counter()
    opened = tratool.read(io.BytesIO(b""))
    assert (opened.encoding, opened.max_errors) == ("cp1252", 1000)


def test_blank_lines_are_counted_and_each_is_a_warning() -> None:
    reader, found = records(VAT, "", "   ", VAT)
    assert len(found) == 2
    assert reader.blank_lines == 2
    assert [(e.line, e.column, e.severity, e.message) for e in reader.errors] == [
        (3, None, "warning", "blank line (Cegid skips it)"),
        (4, None, "warning", "blank line (Cegid skips it)"),
    ]


def test_errors_past_the_default_cap_are_counted_only() -> None:
    reader = tratool.read(io.BytesIO(b"\r\n" * 1002))
    assert list(reader) == []
    assert (len(reader.errors), reader.error_count) == (1000, 1002)


def test_an_error_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "a.tra"
    path.write_bytes(b"\r\n")
    with tratool.read(path) as reader:
        list(reader)
    assert [e.path for e in reader.errors] == [str(path)]


def test_a_header_that_does_not_parse_is_kept_raw_with_its_errors_on_line_1() -> None:
    header = VECTORS["TV-H3"][0]
    bad = header[:17] + "99999999" + header[25:]  # switchover_date, 18:8 (§2)
    reader = tratool.read_text(bad + "\r\n" + VAT + "\r\n")
    assert next(r for _, r in reader) == tratool.RawLine(bad)
    error = reader.errors[0]
    assert (error.line, error.column, error.field) == (1, 18, "switchover_date")


def test_what_follows_column_149_of_a_header_is_its_trailer() -> None:
    header = VECTORS["TV-H3"][0].ljust(149) + "ABC"
    reader = tratool.read_text(header + "\r\n")
    header_read = next(r for _, r in reader)
    assert isinstance(header_read, tratool.Header)
    assert header_read.trailer == "ABC"
    assert header_read.user == "CEG"


def test_a_line_1_that_is_no_header_is_quoted_on_14_characters() -> None:
    reader = tratool.read_text("***CAECDUPONT 12345\r\n")
    list(reader)
    assert (reader.errors[0].line, reader.errors[0].column, reader.errors[0].value) == (
        1,
        1,
        "***CAECDUPONT ",
    )


def test_an_ete_field_error_is_on_its_line() -> None:
    ete = VECTORS["TV-H3"][0]  # ETE, version 007
    line = VAT + " " * 35 + "31022024"  # external_reference_date, 258:8 (§5.1)
    reader = tratool.read_text(ete + "\r\n" + line + "\r\n")
    list(reader)
    assert [(e.line, e.column, e.field) for e in reader.errors] == [
        (2, 258, "external_reference_date")
    ]


def test_a_long_line_of_a_headerless_file_says_its_version_is_unknown() -> None:
    reader = tratool.read_text(VAT.ljust(1281, "Z") + "\r\n")
    list(reader)
    widths = [e.message for e in reader.errors if e.column == 1281]
    assert widths == [
        "the line is 1281 characters long; this ETE line ends at column 1280 (header version ?)"
    ]


def test_the_layout_cuts_are_rebuilt_when_forgotten() -> None:
    reader_module._CUTS.clear()  # as in a fresh process
    reader = tratool.read_text(VECTORS["TV-H3"][0] + "\r\n" + VAT + "\r\n")
    assert [type(r).__name__ for _, r in reader] == ["Header", "Entry"]
    assert reader.errors == []


def test_the_first_read_may_end_exactly_where_a_line_ends() -> None:
    header = next(tratool.render_lines([tratool.Header(format="STD", generated_at=None)]))
    data = (header + "\r\n" + (VAT + "\r\n") * 30).encode("ascii")
    reader = tratool.read(io.BytesIO(data))
    reader.first_read, reader.block_lines = len(header) + 2 + 224 * 19, 5  # 19 lines
    found = [r for _, r in reader]
    assert len(found) == 31
    assert [type(r) is LazyEntry for r in found[18:22]] == [False, False, True, True]
    assert found[1:] == [found[1]] * 30


def test_an_unknown_field_of_a_lazy_entry_is_named() -> None:
    with pytest.raises(AttributeError, match=r"^no_such_field$"):
        LazyEntry.of(VAT).no_such_field  # noqa: B018 - the attribute access is the test


def test_an_error_keeps_its_translatable_text_beside_the_english() -> None:
    bad_date = VAT[:3] + "31042024" + VAT[11:]
    reader, _ = records(bad_date, "", VAT[:100])
    date, blank, width = reader.errors
    assert isinstance(date.message_text, Text)
    assert (
        str(date.message_text) == date.message == "'31042024' is not a calendar date (31/04/2024)"
    )
    assert (date.hint, date.hint_text) == (None, None)
    assert (blank.message_text, blank.hint_text) == (None, None)  # a plain message
    assert isinstance(width.message_text, Text)
    assert isinstance(width.hint_text, Text)
    assert str(width.hint_text) == width.hint
