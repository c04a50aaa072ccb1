"""Transliteration (tratool.tra.charset) character by character, and the layout tables' own
consistency checks: expected values are the characters and positions written here."""

from __future__ import annotations

import pytest

from tratool.tra import layout
from tratool.tra.charset import Change, encodable, transliterate, transliterate_char


@pytest.mark.parametrize(
    ("char", "replacement"),
    [
        ("\u2019", "'"),  # typographic apostrophe, encodable in cp1252 but replaced
        ("\u201c", "'"),  # a double quote Cegid would strip becomes a single one
        ("\u2014", "-"),
        ("\u2026", "..."),
        ("\u00a0", " "),
        ("\u202f", " "),
        ("\u200b", ""),
        ("ł", "l"),  # no NFKD decomposition
        ("Ø", "O"),  # encodable in cp1252, replaced all the same
        ("ő", "o"),  # o + double acute: the accent dropped
        ("ﬁ", "fi"),  # a compatibility ligature
        ("é", "é"),  # cp1252 holds it
        ("€", "€"),
        ("中", "中"),  # nothing to replace it with: kept (the writer reports it)
        ("\u0301", "\u0301"),  # a combining accent alone decomposes to nothing
        ("ǅ", "Dz"),  # D + z + caron: the caron dropped
    ],
)
def test_one_character(char: str, replacement: str) -> None:
    assert transliterate_char(char) == replacement


def test_the_target_encoding_decides_what_is_kept() -> None:
    assert transliterate_char("é", "ascii") == "e"
    assert transliterate_char("€", "ascii") == "€"  # no decomposition: kept
    assert transliterate_char("ő", "iso8859-2") == "ő"  # Latin-2 holds it
    assert transliterate("Crème brûlée – 5 €", "ascii") == "Creme brulee - 5 €"
    assert transliterate("Łódź “Ośrodek”") == "Lódz 'Osrodek'"


def test_ascii_text_is_returned_as_is() -> None:
    text = "FACTURE 12"
    assert transliterate(text) is text


def test_encodable() -> None:
    assert encodable("é")
    assert not encodable("ő")
    assert encodable("ő", "iso8859-2")
    assert not encodable("é", "ascii")


def test_a_change_reads_as_line_field_before_and_after() -> None:
    assert str(Change(3, "label", "Łódź", "Lodz")) == "line 3 label: 'Łódź' -> 'Lodz'"


def field(name: str, pos: int, width: int) -> layout.Field:
    return layout.Field(name, pos, width, layout.Just.LEFT, layout.Kind.TEXT)


def test_a_layout_without_gap_or_overlap_is_accepted() -> None:
    lay = layout.Layout("t", (field("a", 1, 3), field("b", 4, 2), field("c", 6, 1)))
    assert (lay.start, lay.end, lay.names) == (1, 6, ("a", "b", "c"))
    assert [(c, f.name if f else None) for c in range(7) for f in [lay.at(c)]] == [
        (0, None),
        (1, "a"),
        (2, "a"),
        (3, "a"),
        (4, "b"),
        (5, "b"),
        (6, "c"),
    ]
    assert lay.at(7) is None


@pytest.mark.parametrize("second", [field("b", 5, 2), field("b", 3, 2), field("b", 1, 3)], ids=str)
def test_a_gap_or_an_overlap_is_refused(second: layout.Field) -> None:
    with pytest.raises(ValueError, match=r"^t: gap or overlap between a and b$"):
        layout.Layout("t", (field("a", 1, 3), second, field("c", 7, 1)))


def test_a_gap_after_the_second_field_is_refused_too() -> None:
    with pytest.raises(ValueError, match=r"^t: gap or overlap between b and c$"):
        layout.Layout("t", (field("a", 1, 3), field("b", 4, 2), field("c", 7, 1)))


def test_an_unknown_field_name() -> None:
    lay = layout.Layout("t", (field("a", 1, 3),))
    assert lay.field("a").width == 3
    with pytest.raises(KeyError, match="t has no field 'z'"):
        lay.field("z")


def test_a_decomposition_is_taken_only_when_the_target_encoding_holds_it() -> None:
    assert transliterate_char("℃") == "°C"  # degree Celsius: ° and C, both in cp1252
    assert transliterate_char("℃", "ascii") == "℃"  # ° is not ASCII: kept, and reported


@pytest.mark.parametrize(
    ("version", "v010"),
    [
        ("010", True),
        ("011", True),
        (" 010 ", True),  # blanks around are padding
        ("100", True),
        ("009", False),
        ("008", False),
        ("10", False),  # two characters: not a version
        ("0100", False),
        ("01O", False),
        ("٠١٠", False),  # Arabic-Indic digits are no version Cegid reads
        ("", False),
    ],
)
def test_which_header_versions_carry_the_version_010_fields(version: str, v010: bool) -> None:
    assert layout.has_v010_fields(version) is v010


@pytest.mark.parametrize(
    ("line_type", "table"),
    [("A", "ete-analytic"), (" O ", "ete-analytic"), ("", "ete-general"), ("H", "ete-general")],
)
def test_the_ete_table_of_a_line_type(line_type: str, table: str) -> None:
    assert layout.ete_layout(line_type).name == table
    assert [lay.name for lay in layout.entry_layouts(line_type, False)] == ["entry"]
    assert [lay.name for lay in layout.entry_layouts(line_type, True)] == ["entry", table]


@pytest.mark.parametrize(
    ("text", "code"),
    [("***EXO001", "EXO"), ("***TL1A", "TL"), ("***TLX", "TL"), ("***T", "T"), ("***", "")],
)
def test_record_code(text: str, code: str) -> None:
    assert layout.record_code(text) == code


def test_cut_reads_past_the_end_as_nothing() -> None:
    amount = layout.ENTRY.field("amount")
    assert layout.cut("x" * 140, amount) == "x" * 10
    assert layout.cut("x" * 100, amount) == ""
