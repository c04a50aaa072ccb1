"""Writer: canonical output, clear refusals, atomic files."""

from __future__ import annotations

import datetime as dt
import io
import os
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

import tratool

HEADER = tratool.Header(format="STD", generated_at=dt.datetime(2024, 3, 1, 12, 0))
ENTRY = tratool.Entry(
    journal="VTE",
    date=dt.date(2024, 3, 1),
    piece_type="FC",
    account="70610000",
    label="Vente",
    direction="C",
    amount=Decimal("1200.5"),
    piece_number=7,
)


def test_canonical_form(tmp_path: Path) -> None:
    target = tmp_path / "out.tra"
    result = tratool.write([HEADER, ENTRY], target)
    data = target.read_bytes()
    assert data.count(b"\r\n") == 2
    header_line, entry_line = data.decode("cp1252").split("\r\n")[:2]
    assert header_line.startswith("***S5CLIJRLSTD")
    assert len(entry_line) == 222
    assert entry_line[130:150] == "1200,50".rjust(20)  # right-justified, 2 decimals, comma
    assert entry_line[151:159] == "7".rjust(8)
    assert entry_line[83:118] == "Vente".ljust(35)
    assert entry_line[121:129] == "01011900"  # no due date
    assert (result.lines, result.entries, result.changes) == (2, 1, ())


def test_refuses_unencodable_characters_with_their_places(tmp_path: Path) -> None:
    target = tmp_path / "out.tra"
    bad = attrs.evolve(ENTRY, label="Café ☕ łódź")
    with pytest.raises(tratool.WriteError) as caught:
        tratool.write([HEADER, ENTRY, bad], target)
    problems = caught.value.problems
    # "é" and "ó" are Windows-1252 characters; "☕", "ł" and "ź" are not.
    assert [(p.record, p.field, p.column) for p in problems] == [
        (3, "label", 84 + 5),
        (3, "label", 84 + 7),
        (3, "label", 84 + 10),
    ]
    assert "U+2615" in problems[0].message
    assert "--transliterate" in problems[0].message
    assert not target.exists()
    assert os.listdir(tmp_path) == []  # no temporary file left behind


def test_refuses_too_long_label_and_line_breaks(tmp_path: Path) -> None:
    long = attrs.evolve(ENTRY, label="x" * 36)
    broken = attrs.evolve(ENTRY, reference="A\nB")
    with pytest.raises(tratool.WriteError) as caught:
        tratool.write([HEADER, long, broken], tmp_path / "out.tra")
    messages = [(p.record, p.field, p.message) for p in caught.value.problems]
    assert messages[0][:2] == (2, "label")
    assert "36 characters long; label holds 35" in messages[0][2]
    assert messages[1][:2] == (3, "reference")
    assert "control character" in messages[1][2]


def test_transliterate_replaces_and_reports(tmp_path: Path) -> None:
    target = tmp_path / "out.tra"
    fancy = attrs.evolve(ENTRY, label="L’été « Łódź » – 2024…", reference="A\u00a0B")
    result = tratool.write([HEADER, fancy], target, transliterate=True)
    assert [str(c) for c in result.changes] == [
        "line 2 reference: 'A\\xa0B' -> 'A B'",
        "line 2 label: 'L’été « Łódź » – 2024…' -> \"L'été « Lódz » - 2024...\"",
    ]
    [_, entry] = [r for _, r in tratool.read(target)]
    assert isinstance(entry, tratool.Entry)
    assert entry.label == "L'été « Lódz » - 2024..."


def test_existing_output_is_replaced_only_on_success(tmp_path: Path) -> None:
    target = tmp_path / "out.tra"
    target.write_bytes(b"previous content")
    with pytest.raises(tratool.WriteError):
        tratool.write([HEADER, attrs.evolve(ENTRY, label="☕")], target)
    assert target.read_bytes() == b"previous content"
    tratool.write([HEADER, ENTRY], target)
    assert target.read_bytes().startswith(b"***S5")


def test_refuses_to_overwrite_the_file_being_read(tmp_path: Path) -> None:
    source = tmp_path / "in.tra"
    tratool.write([HEADER, ENTRY], source)
    before = source.read_bytes()
    with pytest.raises(tratool.TraError, match="refusing to overwrite"):
        tratool.write(tratool.read(source), source)
    assert source.read_bytes() == before


def test_copy_through_reader_is_identical(tmp_path: Path) -> None:
    source, copy = tmp_path / "in.tra", tmp_path / "copy.tra"
    tratool.write([HEADER, ENTRY, ENTRY], source)
    tratool.write(tratool.read(source), copy)
    assert copy.read_bytes() == source.read_bytes()


def test_output_file_permissions_follow_umask(tmp_path: Path) -> None:
    target = tmp_path / "out.tra"
    tratool.write([HEADER, ENTRY], target)
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask


def test_ete_fields_on_std_file_are_refused() -> None:
    entry = attrs.evolve(ENTRY, extension=tratool.GeneralExtension(vat_code="T1"))
    with pytest.raises(tratool.WriteError, match="ETE fields on an entry of a STD file"):
        list(tratool.render_lines([HEADER, entry]))


def test_extension_must_match_line_type() -> None:
    header = attrs.evolve(HEADER, format="ETE")
    entry = attrs.evolve(ENTRY, line_type="A", extension=tratool.GeneralExtension())
    with pytest.raises(tratool.WriteError, match="needs a AnalyticExtension"):
        list(tratool.render_lines([header, entry]))


def test_ete_line_stops_after_last_used_field() -> None:
    header = attrs.evolve(HEADER, format="ETE")
    empty = attrs.evolve(ENTRY, extension=tratool.GeneralExtension())
    dated = attrs.evolve(ENTRY, extension=tratool.GeneralExtension(value_date=dt.date(2024, 4, 1)))
    lines = list(tratool.render_lines([header, empty, dated]))
    assert len(lines[1]) == 222
    assert len(lines[2]) == 470  # value_date ends at column 470
    assert lines[2][446:470] == "01011900" + "01011900" + "01042024"


def test_an_extension_shared_by_lines_is_written_on_each_and_its_changes_reported() -> None:
    header = attrs.evolve(HEADER, format="ETE")
    shared = tratool.GeneralExtension(value_date=dt.date(2024, 4, 1), free_text_0="Łódź")
    entries = [attrs.evolve(ENTRY, extension=shared, piece_number=n) for n in (7, 8)]
    lines = list(tratool.render_lines([header, *entries], transliterate=True))
    assert [line[446:470] for line in lines[1:]] == ["010119000101190001042024"] * 2
    assert [line[532:562] for line in lines[1:]] == ["Lódz".ljust(30)] * 2  # free_text_0, 533
    result = tratool.write([header, *entries], io.BytesIO(), transliterate=True)
    assert [str(c) for c in result.changes] == [
        "line 2 free_text_0: 'Łódź' -> 'Lódz'",
        "line 3 free_text_0: 'Łódź' -> 'Lódz'",
    ]


def test_interleaved_shared_extensions_each_keep_their_own_fields() -> None:
    # A converter shares one extension per date and line type, and tiers and general lines
    # alternate: each line must still carry its own extension's value date (columns 463-470).
    header = attrs.evolve(HEADER, format="ETE")
    april = tratool.GeneralExtension(value_date=dt.date(2024, 4, 1))
    may = tratool.GeneralExtension(value_date=dt.date(2024, 5, 2))
    entries = [
        attrs.evolve(ENTRY, extension=ext, piece_number=n)
        for n, ext in enumerate((april, may, april, may, april), start=1)
    ]
    lines = list(tratool.render_lines([header, *entries]))
    assert [line[462:470] for line in lines[1:]] == [
        "01042024",
        "02052024",
        "01042024",
        "02052024",
        "01042024",
    ]
    assert {len(line) for line in lines[1:]} == {470}


def test_ascii_and_non_ascii_lines_are_encoded_in_the_encoding_asked() -> None:
    # ASCII lines take a faster codec: the bytes must still be the asked encoding's.
    accented = attrs.evolve(ENTRY, label="Café")
    plain = io.BytesIO()
    tratool.write([HEADER, ENTRY, accented], plain)
    lines = plain.getvalue().split(b"\r\n")
    assert lines[1][83:118] == b"Vente".ljust(35)
    assert lines[2][83:118] == b"Caf\xe9".ljust(35)  # é is 0xE9 in Windows-1252
    wide = io.BytesIO()
    tratool.write([HEADER, ENTRY, accented], wide, encoding="utf-16-le")
    text = wide.getvalue().decode("utf-16-le")
    assert text.split("\r\n")[1:3] == [line.decode("cp1252") for line in lines[1:3]]


def test_not_a_number_amount_is_refused() -> None:
    with pytest.raises(tratool.WriteError, match="not a finite number"):
        list(tratool.render_lines([attrs.evolve(ENTRY, amount=Decimal("NaN"))]))


def test_debit_and_credit_follow_the_amount_code() -> None:
    foreign = attrs.evolve(
        ENTRY, amount=Decimal("110.00"), amount2=Decimal("100.00"), amount_code="DE-"
    )
    assert (foreign.credit, foreign.debit) == (Decimal("100.00"), Decimal(0))
    assert ENTRY.credit == Decimal("1200.5")


def test_negative_amounts_are_refused() -> None:
    with pytest.raises(tratool.WriteError, match=r"negative: write 12\.00 with the opposite"):
        list(tratool.render_lines([attrs.evolve(ENTRY, amount=Decimal("-12.00"))]))
