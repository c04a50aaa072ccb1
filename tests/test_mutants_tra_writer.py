"""The writer's lines column by column (tra-format.md §2, §3, §5, §8, §12): header widths,
parameter records, ETE parts, analytic due dates, and every refusal with its record, field
and column. Expected lines are written here or are the test vectors, never rendered."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

import tratool
from tests.conftest import VECTORS

STD = tratool.Header(format="STD", version="008", generated_at=None, user="")
ETE = attrs.evolve(STD, format="ETE")
SALE = tratool.Entry(
    journal="VTE",
    date=dt.date(2024, 3, 4),
    piece_type="FC",
    account="70610000",
    label="Vente",
    direction="C",
    amount=Decimal("100.00"),
    piece_number=101,
)
# The entry above, column by column (§3): 222 characters.
SALE_LINE = (
    "VTE04032024FC70610000"
    + " " * 27  # account to 30, line type 31, auxiliary 32-48
    + " " * 35  # reference 49-83
    + "Vente".ljust(35)
    + "   01011900C"  # payment method 119-121, due date 122-129, direction 130
    + "100,00".rjust(20)
    + "N"
    + "101".rjust(8)
    + "EUR1,00000000E--"
    + " " * 40  # amount2, amount3
    + " " * 7  # establishment, axis, due number
)
# A header of version 008 with the defaults above (§2): 147 characters.
STD_LINE = "***S5CLIJRLSTD   0101190001011900008     " + " " * 12 + " " * 70 + "-" + " " * 9
STD_LINE += "   01011900001"


def lines(*records: tratool.Record, **options: object) -> list[str]:
    return list(tratool.render_lines(records, **options))  # type: ignore[arg-type]


def problems(*records: tratool.Record) -> list[tuple[int, str | None, int | None]]:
    with pytest.raises(tratool.WriteError) as caught:
        lines(*records)
    return [(p.record, p.field, p.column) for p in caught.value.problems]


def test_a_std_file_column_by_column() -> None:
    assert (len(STD_LINE), len(SALE_LINE)) == (147, 222)
    assert lines(STD, SALE) == [STD_LINE, SALE_LINE]


def test_a_header_stops_at_147_unless_a_version_010_flag_or_a_trailer_is_set() -> None:
    assert lines(attrs.evolve(STD, guid_ready="X")) == [STD_LINE + " X"]
    assert lines(attrs.evolve(STD, new_analytics="-")) == [STD_LINE + "-"]
    assert lines(attrs.evolve(STD, trailer="--")) == [STD_LINE + "  --"]
    assert lines(tratool.Header(**{**attrs.asdict(STD), "sub_version": ""})) == [
        STD_LINE[:144] + "   "
    ]


def test_the_header_vectors_are_written_back_byte_exact() -> None:
    for name in ("TV-H3", "TV-E1"):
        header = next(r for _, r in tratool.read_text(VECTORS[name][0] + "\r\n"))
        assert lines(header) == VECTORS[name][:1]


def test_a_std_file_ignores_an_empty_extension_and_an_ete_file_writes_222() -> None:
    empty = attrs.evolve(SALE, extension=tratool.GeneralExtension())
    assert lines(STD, empty) == [STD_LINE, SALE_LINE]
    assert lines(ETE, SALE)[1] == SALE_LINE
    assert lines(ETE, empty)[1] == SALE_LINE


def test_records_before_any_header_are_extended() -> None:
    dated = attrs.evolve(SALE, extension=tratool.GeneralExtension(created_on=dt.date(2024, 3, 5)))
    assert lines(dated) == [SALE_LINE + " " * 35 + "01011900" + "05032024"]  # 223, 258, 266


def test_an_analytic_line_leaves_its_due_date_blank() -> None:
    analytic = attrs.evolve(SALE, line_type="A", auxiliary="ATELIER", axis="A1")
    expected = SALE_LINE[:30] + "A" + "ATELIER".ljust(17) + SALE_LINE[48:121] + " " * 8
    expected += SALE_LINE[129:218] + "A1" + "  "
    assert lines(STD, analytic)[1] == expected
    dated = attrs.evolve(analytic, due_date=dt.date(2024, 4, 30))
    assert lines(STD, dated)[1][121:129] == "30042024"
    general = attrs.evolve(SALE, line_type="H", auxiliary="ATELIER", axis="A1")
    assert lines(STD, general)[1][121:129] == "01011900"


def test_an_analytic_ete_line_uses_the_analytic_table() -> None:
    analytic = attrs.evolve(
        SALE,
        line_type="O",
        extension=tratool.AnalyticExtension(analytic_flag="X", sub_section_axis1="S1"),
    )
    line = lines(ETE, analytic)[1]
    assert line[429:447] == "X" + "S1".ljust(17)  # 430:1, 431:17 (§5.2)
    assert len(line) == 447


def test_an_entry_keeps_its_extra_characters_after_its_last_column() -> None:
    assert lines(STD, attrs.evolve(SALE, extra="##"))[1] == SALE_LINE + "##"
    ext = tratool.GeneralExtension(external_reference="R")
    # With extra characters every ETE field is written, to 1407 (§12.2), then the extra.
    line = lines(ETE, attrs.evolve(SALE, extension=ext, extra="#"))[1]
    assert line[:265] == SALE_LINE + "R".ljust(35) + "01011900"  # 223:35, 258:8
    assert (len(line), line[1399:]) == (1408, "01011900#")  # validated_on, 1400:8


def test_parameter_records_end_after_their_last_character_unless_they_carry_more() -> None:
    exercise = tratool.Exercise(
        code="001", start=dt.date(2010, 11, 1), end=dt.date(2011, 10, 31), state="OUV"
    )
    assert lines(exercise) == ["***EXO0010111201031102011OUV"]  # TV-P1
    assert lines(attrs.evolve(exercise, extra="!")) == [
        "***EXO0010111201031102011OUV" + " " * 41 + "!"
    ]
    assert lines(tratool.ParameterRecord("***PS2100100 60 50 50 50 50")) == [
        "***PS2100100 60 50 50 50 50"
    ]
    assert lines(tratool.RawLine("anything  ")) == ["anything  "]


def test_every_problem_of_every_record_is_reported_and_no_line_after_the_first() -> None:
    broken = attrs.evolve(SALE, label="x" * 36, reference="a\tb")
    rendered: list[str] = []
    with pytest.raises(tratool.WriteError) as caught:
        rendered.extend(tratool.render_lines([STD, SALE, broken, SALE, broken]))
    assert rendered == [STD_LINE, SALE_LINE, SALE_LINE]
    assert [(p.record, p.field, p.column) for p in caught.value.problems] == [
        (3, "label", 84),
        (3, "reference", 50),
        (5, "label", 84),
        (5, "reference", 50),
    ]
    assert caught.value.path == "<lines>"


@pytest.mark.parametrize(
    ("label", "column", "message"),
    [
        # a control character: no advice to transliterate
        ("a\x07", 85, "'\\x07' (U+0007) is a control character (tab or line break) inside a field"),
        (
            "ő",
            84,
            "'ő' (U+0151) is not representable in cp1252; use transliterate=True / "
            "--transliterate to replace it",
        ),
    ],
)
def test_a_character_the_file_cannot_hold_is_located_and_explained(
    label: str, column: int, message: str
) -> None:
    with pytest.raises(tratool.WriteError) as caught:
        lines(STD, attrs.evolve(SALE, label=label))
    [problem] = caught.value.problems
    assert (problem.record, problem.field, problem.column) == (2, "label", column)
    assert problem.message == message


def test_characters_are_located_in_the_header_the_ete_part_and_raw_records() -> None:
    ext = tratool.GeneralExtension(vat_regime="é\x01")
    assert problems(
        attrs.evolve(ETE, user="\x02"),
        attrs.evolve(SALE, extension=ext),
        tratool.RawLine("ab\x03"),
        tratool.ParameterRecord("***CAE\x04"),
        tratool.Exercise(code="\x05", start=None, end=None, state=""),
    ) == [
        (1, "user", 54),
        (2, "vat_regime", 388),  # 387:3 (§5.1)
        (3, None, 3),
        (4, None, 7),
        (5, "code", 7),
    ]


def test_another_encoding_holds_other_characters() -> None:
    assert lines(attrs.evolve(SALE, label="ő"), encoding="iso8859-2")[0][83:84] == "ő"
    assert lines(attrs.evolve(SALE, label="€"))[0][83:84] == "€"  # cp1252 holds it
    with pytest.raises(tratool.WriteError):
        lines(attrs.evolve(SALE, label="€"), encoding="iso8859-2")


def test_transliteration_is_done_only_when_asked_and_recorded() -> None:
    fancy = attrs.evolve(SALE, label="ő’")
    assert lines(fancy, transliterate=True)[0][83:85] == "o'"
    result = tratool.write([STD, fancy, SALE], io.BytesIO(), transliterate=True)
    assert [(c.line, c.field, c.before, c.after) for c in result.changes] == [
        (2, "label", "ő’", "o'")
    ]
    same = attrs.evolve(SALE, label="é")  # not ASCII, but nothing to replace
    assert tratool.write([same], io.BytesIO(), transliterate=True).changes == ()


def test_a_stream_receives_the_lines_and_the_counts() -> None:
    stream = io.BytesIO()
    result = tratool.write([STD, SALE, tratool.RawLine("x"), SALE], stream, line_ending="\n")
    assert stream.getvalue() == (
        STD_LINE + "\n" + SALE_LINE + "\n" + "x\n" + SALE_LINE + "\n"
    ).encode("cp1252")
    assert (result.path, result.lines, result.entries) == ("<stream>", 4, 2)


def test_a_failed_stream_write_stops_writing_at_the_first_problem() -> None:
    stream = io.BytesIO()
    with pytest.raises(tratool.WriteError) as caught:
        tratool.write([STD, attrs.evolve(SALE, label="☕"), SALE], stream)
    assert stream.getvalue() == (STD_LINE + "\r\n").encode("cp1252")
    assert caught.value.path == "<stream>"


def test_a_file_and_a_named_stream_are_named_in_the_result_and_the_error(tmp_path: Path) -> None:
    target = tmp_path / "out.tra"
    assert tratool.write([STD, SALE], target).path == str(target)
    with pytest.raises(tratool.WriteError) as caught:
        tratool.write([STD, attrs.evolve(SALE, label="ő")], target)
    assert caught.value.path == str(target)
    assert str(caught.value.problems[0].message).startswith(
        "'ő' (U+0151) is not representable in cp1252"
    )
    named = io.BytesIO()
    named.name = "named.tra"
    assert tratool.write([STD, SALE], named).path == "named.tra"


def test_an_extension_the_file_or_the_line_type_does_not_allow_is_placed() -> None:
    ete = attrs.evolve(SALE, extension=tratool.GeneralExtension(vat_code="T1"))
    wrong = attrs.evolve(SALE, line_type="A", extension=tratool.GeneralExtension())
    with pytest.raises(tratool.WriteError) as caught:
        lines(STD, SALE, ete, attrs.evolve(ETE, version="008"), wrong)
    assert [(p.record, p.field, p.column, p.message) for p in caught.value.problems] == [
        (3, None, None, "ETE fields on an entry of a STD file"),
        (5, "line_type", 31, "line type 'A' needs a AnalyticExtension, not a GeneralExtension"),
    ]


def test_problems_of_typed_fields_name_their_record() -> None:
    exercise = tratool.Exercise(code="0011", start=None, end=None, state="")
    ext = tratool.GeneralExtension(vat_regime="FRAN")
    assert problems(
        attrs.evolve(STD, user="x" * 36), exercise, ETE, attrs.evolve(SALE, extension=ext)
    ) == [
        (1, "user", 54),
        (2, "code", 7),
        (4, "vat_regime", 387),
    ]


def test_a_parameter_record_loses_only_its_trailing_blanks() -> None:
    exercise = tratool.Exercise(
        code="001",
        start=dt.date(2010, 11, 1),
        end=dt.date(2011, 10, 31),
        state="OUV",
        label="EXERCICE 2011 X",
    )
    assert lines(exercise) == ["***EXO0010111201031102011OUV   EXERCICE 2011 X"]
    assert problems(attrs.evolve(exercise, label="EX\t")) == [(1, "label", 34)]


def test_a_character_after_a_std_line_is_in_no_field() -> None:
    assert problems(STD, attrs.evolve(SALE, extra="ab\x01")) == [(2, None, 225)]


def test_transliteration_aims_at_the_target_encoding() -> None:
    [line] = lines(attrs.evolve(SALE, label="Été"), transliterate=True, encoding="ascii")
    assert line[83:86] == "Ete"


def test_an_extension_with_only_its_first_field_stops_after_it() -> None:
    ext = tratool.GeneralExtension(external_reference="R")
    assert lines(ETE, attrs.evolve(SALE, extension=ext))[1] == SALE_LINE + "R".ljust(35)


def test_one_extension_shared_by_lines_with_and_without_extra_characters() -> None:
    ext = tratool.GeneralExtension(external_reference="R")
    with_extra = attrs.evolve(SALE, extension=ext, extra="#")
    without = attrs.evolve(SALE, extension=ext)
    _, first, second, third = lines(ETE, with_extra, without, with_extra)
    assert (len(first), first[-1]) == (1408, "#")  # every ETE field, then the extra (§12.2)
    assert second == SALE_LINE + "R".ljust(35)  # up to the last used field
    assert third == first


def test_writing_over_the_file_being_read_is_refused_by_name(tmp_path: Path) -> None:
    source = tmp_path / "in.tra"
    tratool.write([STD, SALE], source)
    with pytest.raises(tratool.TraError) as refused:
        tratool.write(tratool.read(source), source)
    assert str(refused.value) == f"{source}: refusing to overwrite the file being read"
