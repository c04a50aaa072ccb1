"""The reader's parameter records (tra-format.md §8: typed only after ``***``), read_text, the
lazy entry's own constructor and field decoders, and the layout builder, from values written
here. (The layout tables and the decoders are built when tratool is imported: calling the
builders again is what puts their code under test.)"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

import tratool
from tests.conftest import VECTORS
from tratool.tra import layout, lazy
from tratool.tra.lazy import LazyEntry
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
    assert lazy._decoder(layout.ENTRY.field(name))(VAT) == value


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
