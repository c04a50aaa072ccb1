"""Hostile input is normal input: any bytes give located findings or a `TraError`, never
another exception. Numbers are ASCII: `¹²³` (cp1252 B9 B2 B3), Arabic-Indic and full-width
digits are not digits to Cegid, whatever `str.isdigit()` says (TRA-F26)."""

from __future__ import annotations

import contextlib
import io
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import tratool
from tratool.conversion import convert
from tratool.errors import TraError

from .conftest import FIXTURES

STD = (FIXTURES / "ventes-std.tra").read_bytes()
ETE = (FIXTURES / "achats-ete.tra").read_bytes()
# Each numeric field of line 2 of ventes-std.tra (columns from tra-format.md §3).
NUMERIC_FIELDS = {
    "date": (4, 8),
    "due_date": (122, 8),
    "amount": (131, 20),
    "piece_number": (152, 8),
    "exchange_rate": (163, 10),
    "due_number": (221, 2),
}


def _superscript_last_digit(data: bytes, line: int, column: int, width: int) -> tuple[bytes, int]:
    """The file with the last digit of a field turned into "¹", and that digit's column."""
    lines = data.split(b"\r\n")
    text = lines[line - 1]
    field = text[column - 1 : column - 1 + width]
    last = len(field.rstrip(b" ")) - 1
    assert field[last : last + 1].isdigit()
    lines[line - 1] = text[: column - 1 + last] + b"\xb9" + text[column + last :]
    return b"\r\n".join(lines), column + last


@pytest.mark.parametrize("name", sorted(NUMERIC_FIELDS))
def test_superscript_digits_in_a_numeric_field_are_a_located_f26(name: str) -> None:
    data, digit = _superscript_last_digit(STD, 2, *NUMERIC_FIELDS[name])
    report = tratool.validate(io.BytesIO(data))
    found = [
        (f.line, f.column, f.field, f.severity) for f in report.findings if f.rule == "TRA-F26"
    ]
    assert found == [(2, digit, name, "error")]
    assert not report.ok


def test_full_width_and_arabic_indic_digits_are_f26_too() -> None:
    lines = STD.decode("cp1252").split("\r\n")
    line = lines[1]
    lines[1] = line[:3] + "٠٤032024" + line[11:]  # Arabic-Indic zero and four in the date
    lines[2] = lines[2][:151] + "１０１".ljust(8) + lines[2][159:]  # full-width 101
    report = tratool.validate(io.BytesIO("\r\n".join(lines).encode("utf-8")), encoding="utf-8")
    found = [(f.line, f.column, f.field) for f in report.findings if f.rule == "TRA-F26"]
    assert found == [(2, 4, "date"), (3, 152, "piece_number")]


def test_the_header_and_parameter_records_take_ascii_digits_only() -> None:
    header = b"***S5CLIJRLSTD   01011900" + b"\xb9\xb2" + b"011900007"
    data = STD.split(b"\r\n", 1)[1]
    report = tratool.validate(io.BytesIO(header.ljust(147) + b"\r\n" + data))
    found = [(f.line, f.column, f.field) for f in report.findings if f.rule == "TRA-F26"]
    assert found == [(1, 26, "closing_date")]


def test_the_file_version_takes_ascii_digits_only() -> None:
    header, rest = STD.split(b"\r\n", 1)
    assert header[33:36] == b"007"
    report = tratool.validate(io.BytesIO(header[:34] + b"\xb9" + header[35:] + b"\r\n" + rest))
    found = [(f.line, f.column, f.field) for f in report.findings if f.rule == "TRA-F26"]
    assert found == [(1, 35, "version")]


@pytest.mark.parametrize("name", sorted(NUMERIC_FIELDS))
def test_the_reader_locates_superscript_digits_instead_of_raising(name: str) -> None:
    data, _ = _superscript_last_digit(STD, 2, *NUMERIC_FIELDS[name])
    with tratool.read(io.BytesIO(data)) as reader:
        records = list(reader)
    assert len(records) == STD.count(b"\r\n")
    assert [(e.line, e.field) for e in reader.errors if e.severity == "error"] == [(2, name)]
    assert "¹" in reader.errors[0].message  # the person's value, not int()'s complaint
    assert "int()" not in reader.errors[0].message


_CSV_HEADER = "Journal;Date;Pièce;Compte;Libellé;Débit;Crédit\n"


def _csv(folder: Path, *rows: str) -> Path:
    source = folder / "ventes.csv"
    source.write_text(_CSV_HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return source


def test_convert_refuses_superscript_digits_as_row_problems(tmp_path: Path) -> None:
    source = _csv(
        tmp_path,
        "VTE;04/03/2024;1²;41100000;Facture;1²0,00;",
        "VTE;04/03/2024;1²;70610000;Facture;;1²0,00",
    )
    with pytest.raises(tratool.ConversionError) as caught:
        convert(source, tmp_path / "out.tra", date_format_spec="JJ/MM/AAAA")
    assert [(p.row, p.column) for p in caught.value.problems] == [(2, "Débit"), (3, "Crédit")]
    assert not (tmp_path / "out.tra").exists()


def test_a_superscript_piece_number_is_a_reference_not_a_number(tmp_path: Path) -> None:
    source = _csv(
        tmp_path,
        "VTE;04/03/2024;7²;51200000;Facture;120,00;",
        "VTE;04/03/2024;7²;70610000;Facture;;120,00",
    )
    result = convert(source, tmp_path / "out.tra", date_format_spec="JJ/MM/AAAA")
    with tratool.read(result.output) as reader:
        numbers = {entry.piece_number for _, entry in reader.entries()}
    assert numbers == {1}  # numbered by tratool, as any non-numeric reference is


# -- any bytes ---------------------------------------------------------------------------------
_SPECIALS = [b"\x00", b"\x1b", b"\r", b"\n", b"\xb9", b"\xb2", b"\xb3", b"\x81", b"\xef\xbb\xbf"]


@st.composite
def mutated(draw: st.DrawFn, base: bytes) -> bytes:
    """A valid file with a few bytes flipped, inserted or cut off."""
    data = bytearray(base)
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["flip", "insert", "truncate"]))
        if action == "flip" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif action == "insert":
            data[at:at] = draw(st.sampled_from(_SPECIALS) | st.binary(min_size=1, max_size=4))
        else:
            del data[at:]
    return bytes(data)


hostile = st.binary(max_size=2_000) | mutated(STD) | mutated(ETE)


def _validate_and_read(data: bytes, encoding: str) -> None:
    with contextlib.suppress(TraError):  # a documented refusal; anything else fails
        tratool.validate(io.BytesIO(data), encoding=encoding)
    with contextlib.suppress(TraError), tratool.read(io.BytesIO(data), encoding=encoding) as tra:
        for _ in tra:
            pass
    for _ in tratool.scan(io.BytesIO(data)):
        pass


@given(hostile, st.sampled_from(["cp1252", "utf-8", "latin-1"]))
def test_any_bytes_give_findings_or_a_tra_error(data: bytes, encoding: str) -> None:
    _validate_and_read(data, encoding)


@given(
    st.lists(
        st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12),
        min_size=7,
        max_size=7,
    )
)
def test_any_csv_row_converts_or_raises_a_tra_error(cells: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        body = ";".join(c.replace(";", ",").replace("\n", " ").replace("\r", " ") for c in cells)
        source = _csv(Path(folder), body)
        with contextlib.suppress(TraError):  # a documented refusal; anything else fails
            convert(source, Path(folder) / "out.tra", date_format_spec="JJ/MM/AAAA")
