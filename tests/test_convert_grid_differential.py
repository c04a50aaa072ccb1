"""The conversion's grid path (conversion/grid.py) against its oracle, the builder and the
writer (`convert(..., engine="reference")`): the same CSV must give the same bytes, the same
problems and changes, the same totals and the same validation report, whatever the CSV holds
(quotes, decimal commas and points, blanks, long labels, accents, bad dates, total and footer
rows, lower-case tiers, an auxiliary on an account that is not collective…).
TRATOOL_FUZZ_EXAMPLES sets the examples (`make fuzz`)."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.conftest import FIXTURES
from tests.test_engines_differential import summary
from tratool import conversion
from tratool.conversion import ConversionResult, convert, csvbytes
from tratool.conversion import grid as grid_path
from tratool.errors import ConversionError, ConversionRejected
from tratool.validation import Report

EXAMPLES = int(os.environ.get("TRATOOL_FUZZ_EXAMPLES", "40"))
COLUMNS = [
    "Journal",
    "Date",
    "N piece",
    "Reference",
    "Compte",
    "Tiers",
    "Libelle",
    "Debit",
    "Credit",
]
MAPPING = """
[columns]
journal = "Journal"
date = "Date"
{piece}reference = "Reference"
account = "Compte"
auxiliary = "Tiers"
label = "Libelle"
debit = "Debit"
credit = "Credit"
[constants]
{constants}
[options]
date_format = "JJ/MM/AAAA"
collective_prefixes = {{ "411" = "COC", "401" = "COF" }}
journal_codes = {{ "VENTES" = "VT" }}
format = "{format}"
"""
# Cells: plain ones the grid path takes, and every oddity it must leave to the builder.
CELLS: dict[str, list[str]] = {
    "Journal": ["VTE", "HA", "BQ1", "VENTES", "ACHATS", "", "Vé", " OD ", "V;T"],
    "Date": [
        "04/03/2024",
        "05/03/2024",
        " 06/03/2024 ",
        "31/02/2024",
        "2024-03-04",
        "",
        "Total",
        "4/3/2024",
        "04/03/2024 10:00",
    ],
    "N piece": ["1", "2", "101", "A-7", "", "000", "123456789", " 7 ", "12345678"],
    "Reference": ["FA-1", "", "Réf é", 'dit "x"', "R" * 35, "R" * 36, "a\tb", "x;y"],
    "Compte": ["41100000", "40100000", "70610000", "44571000", "", "6" * 17, "6" * 18, "6061é"],
    "Tiers": ["", "", "CDUPONT", "cdupont", "F01547", "T" * 17, "T" * 18, "CÉLINE"],
    "Libelle": [
        "Facture",
        "",
        "Libellé",
        "L" * 35,
        "L" * 36,
        '"entre guillemets"',
        "Détruite",
        "deux\nlignes",
        "a;b",
        "  espaces  ",
    ],
    "Debit": [
        *("", "", "12,50", "12.5", "7", "0012,3", "1 234,56", "0,00", "-5,00", "(3,00)"),
        *("12\n5", "0012,30"),
    ],
    "Credit": ["", "", "200,00", "0,5", "12,345", "abc", "1.234,56", "99999999999999999,99"],
}
FOOTERS = [
    ["", "", "", "", "", "", "Total", "100,00", "100,00"],
    ["Total", "", "", "", "", "", "", "1,00", ""],
    ["", "", "", "", "", "", "Exporté le 01/04/2024", "", ""],
    ["", "", "", "", "", "", "", "", ""],
]


@st.composite
def csv_file(draw: st.DrawFn) -> tuple[str, str]:
    """(the CSV's text, the mapping's text)."""
    plain = draw(st.integers(0, 3))  # how many plain pièces before the odd rows
    rows: list[list[str]] = []
    for number in range(1, plain * 4 + 1):
        piece = str(1 + number // 4)
        debit, credit = ("1500,00", "") if number % 4 == 1 else ("", "500,00")
        account = "41100000" if number % 4 == 1 else "70610000"
        tiers = "CDUPONT" if number % 4 == 1 else ""
        rows.append(["VTE", "04/03/2024", piece, f"FA-{piece}", account, tiers, "Vente"])
        rows[-1] += [debit, credit]
    for _ in range(draw(st.integers(0, 30))):  # plain rows
        row = [draw(st.sampled_from(CELLS[c][:3])) for c in COLUMNS]
        collective = row[4].startswith("4")
        row[5] = draw(st.sampled_from(["CDUPONT", "F01547", ""])) if collective else ""
        amount = draw(st.sampled_from(["12,50", "12.5", "7", "0,5", "0012,3", "1500,00"]))
        row[7:9] = [amount, ""] if draw(st.booleans()) else ["", amount]
        rows.insert(draw(st.integers(0, len(rows))), row)
    for _ in range(draw(st.integers(0, 3)) if rows else 0):  # an odd cell here and there
        column = draw(st.sampled_from(COLUMNS))
        at = draw(st.integers(0, len(rows) - 1))
        rows[at] = list(rows[at])
        rows[at][COLUMNS.index(column)] = draw(st.sampled_from(CELLS[column]))
    for _ in range(draw(st.integers(0, 2))):
        rows.insert(draw(st.integers(0, len(rows))), draw(st.sampled_from(FOOTERS)))
    out = io.StringIO()
    quoted = draw(st.booleans())
    writer = csv.writer(
        out,
        delimiter=";",
        quoting=csv.QUOTE_ALL if quoted else csv.QUOTE_MINIMAL,
        lineterminator="\r\n",
    )
    writer.writerows([COLUMNS, *rows])
    mapping = MAPPING.format(
        piece=draw(st.sampled_from(['piece = "N piece"\n', ""])),
        constants=draw(st.sampled_from(["", 'piece_type = "FC"\nestablishment = "001"'])),
        format=draw(st.sampled_from(["ETE", "STD"])),
    )
    return out.getvalue(), mapping


@contextmanager
def grid_rows_counted() -> Iterator[list[int]]:
    """How many rows the grid path wrote, run by run; it takes sources of any size."""
    counted: list[int] = []
    original = grid_path.GridConverter.grid_lines
    smallest = conversion.GRID_FROM_BYTES
    conversion.GRID_FROM_BYTES = 0

    def counting(self: grid_path.GridConverter, grid: Any, run: tuple[int, int]) -> int:
        counted.append(run[1] - run[0])
        return original(self, grid, run)

    setattr(grid_path.GridConverter, "grid_lines", counting)  # noqa: B010
    try:
        yield counted
    finally:
        setattr(grid_path.GridConverter, "grid_lines", original)  # noqa: B010
        conversion.GRID_FROM_BYTES = smallest


def outcome(folder: Path, source: Path, mapping: Path, engine: str, **options: Any) -> Any:
    """Everything a conversion says: the output's lines after the header (which carries the
    minute it was written), the result or the problems / rejection."""
    folder.mkdir()
    out = folder / "out.tra"
    try:
        result = convert(source, out, mapping=mapping, engine=engine, **options)  # type: ignore[arg-type]
    except ConversionError as exc:
        return ("problems", [p.located("x.csv") for p in exc.problems], out.exists())
    except ConversionRejected as exc:
        report = exc.report
        return ("rejected", summary(cast(Report, report)), out.exists())
    lines = out.read_bytes().split(b"\r\n")
    assert lines[0].startswith(b"***S5CLIJRL")
    return ("written", lines[1:], described(result))


def described(result: ConversionResult) -> tuple[Any, ...]:
    return (
        result.rows,
        result.entries,
        str(result.debit_in),  # str: the exponent too (12.5 and 12.50 differ there)
        str(result.credit_in),
        [c.located("x.csv") for c in result.changes],
        summary(result.report),
    )


def both(
    tmp: Path, text: str, mapping: str, encoding: str = "utf-8", **options: Any
) -> tuple[Any, Any, list[int]]:
    source, rules = tmp / "in.csv", tmp / "mapping.toml"
    source.write_text(text, encoding=encoding)
    rules.write_text(mapping, encoding="utf-8")
    with grid_rows_counted() as counted:
        fast = outcome(tmp / "fast", source, rules, "fast", **options)
    reference = outcome(tmp / "reference", source, rules, "reference", **options)
    return fast, reference, counted


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    drawn=csv_file(),
    options=st.sampled_from(
        [
            {"force": True},
            {},
            {"force": True, "transliterate": True},
            {"force": True, "truncate_labels": True},
        ]
    ),
    block=st.sampled_from([4096, 1, 3]),
    block_bytes=st.sampled_from([1 << 18, 97, 7]),
    encoding=st.sampled_from(["utf-8", "cp1252", "utf-8-sig"]),
)
def test_the_grid_path_writes_what_the_builder_writes(
    tmp_path_factory: pytest.TempPathFactory,
    drawn: tuple[str, str],
    options: dict[str, Any],
    block: int,
    block_bytes: int,
    encoding: str,
) -> None:
    text, mapping = drawn
    saved = grid_path.BLOCK_ROWS, csvbytes.BLOCK_BYTES
    # Rows per block of the csv module's reading, bytes per block of the bytes' reading.
    grid_path.BLOCK_ROWS, csvbytes.BLOCK_BYTES = block, block_bytes
    parse, parsed = csvbytes.parse, []

    def parsing(block: bytes, first: int, table: Any) -> csvbytes.ByteRows | None:
        rows = parse(block, first, table)
        parsed.append(rows is not None)
        return rows

    csvbytes.parse = parsing
    try:
        folder = tmp_path_factory.mktemp("grid")
        fast, reference, counted = both(folder, text, mapping, encoding, **options)
    finally:
        grid_path.BLOCK_ROWS, csvbytes.BLOCK_BYTES = saved
        csvbytes.parse = parse
    event("blocks of bytes read as arrays: " + ("some" if any(parsed) else "none"))
    event("grid rows: " + ("none" if not sum(counted) else "some"))
    event("outcome: " + reference[0])
    assert fast == reference


# tra-format.md's TV-E2, lines 1 and 4, as tratool's converter writes them (§3's "tratool
# writer default" column): no payment method, due date 01011900, exchange rate 1,00000000.
TV_E2_TIERS = (
    "HA 15032024FF40100000         XFDUPONT          FA-2024-0042                       "
    "Facture Dupont mars                   01011900C             1200,00N      42EUR1,00000000"
    "E--                                        001   1"
)
TV_E2_VAT = (
    "HA 15032024FF44566000                           FA-2024-0042                       "
    "Facture Dupont mars                   01011900D              200,00N      42EUR1,00000000"
    "E--                                        001    "
)
PIECE_42 = (
    "Journal;Date;N piece;Reference;Compte;Tiers;Libelle;Debit;Credit\r\n"
    "HA;15/03/2024;42;FA-2024-0042;40100000;FDUPONT;Facture Dupont mars;;1200,00\r\n"
    'HA;15/03/2024;42;FA-2024-0042;60610000;;"Facture Dupont mars";1000.00;\r\n'
    "HA;15/03/2024;42;FA-2024-0042;44566000;;Facture Dupont mars;200;\r\n"
    ";;;;;;Total;1200,00;1200,00\r\n"
)
CONSTANTS = 'piece_type = "FF"\nestablishment = "001"'


@pytest.mark.parametrize("engine", ["fast", "reference"])
def test_tv_e2_as_converted_in_std(tmp_path: Path, engine: str) -> None:
    source, rules = tmp_path / "in.csv", tmp_path / "mapping.toml"
    source.write_text(PIECE_42, encoding="utf-8")
    piece = 'piece = "N piece"\n'
    rules.write_text(MAPPING.format(piece=piece, constants=CONSTANTS, format="STD"))
    with grid_rows_counted() as counted:
        result = convert(source, tmp_path / "out.tra", mapping=rules, engine=engine)  # type: ignore[arg-type]
    lines = (tmp_path / "out.tra").read_bytes().decode("cp1252").split("\r\n")
    assert lines[1] == TV_E2_TIERS
    assert lines[3] == TV_E2_VAT
    assert lines[2][13:30] == "60610000         "
    assert lines[2][129:150] == "D" + "1000,00".rjust(20)
    assert lines[4:] == [""]
    assert sum(counted) == (3 if engine == "fast" else 0)
    assert [c.located("in.csv") for c in result.changes] == [
        "in.csv:5: total row skipped (Total; 1200,00; 1200,00)"
    ]
    assert (str(result.debit_in), str(result.credit_in), result.rows) == ("1200.00", "1200.00", 3)


@pytest.mark.parametrize("engine", ["fast", "reference"])
def test_tv_e2_as_converted_in_ete(tmp_path: Path, engine: str) -> None:
    # docs/convert.md: created_on the entry's date, opening kind N, VAT on receipts -, AL on
    # tiers lines, RI elsewhere, the lines up to column 1023 (tra-format.md §5, §12.4, TV-A).
    source, rules = tmp_path / "in.csv", tmp_path / "mapping.toml"
    source.write_text(PIECE_42, encoding="utf-8")
    rules.write_text(MAPPING.format(piece='piece = "N piece"\n', constants=CONSTANTS, format="ETE"))
    with grid_rows_counted() as counted:
        convert(source, tmp_path / "out.tra", mapping=rules, engine=engine)  # type: ignore[arg-type]
    lines = (tmp_path / "out.tra").read_bytes().decode("cp1252").split("\r\n")
    assert lines[0].startswith("***S5CLIJRLETE")
    assert lines[1][:222] == TV_E2_TIERS
    assert lines[3][:222] == TV_E2_VAT
    for line, state in zip(lines[1:4], ["AL", "RI", "RI"], strict=True):
        assert len(line) == 1023
        assert line[265:273] == "15032024"  # created_on, 266
        assert line[301:304].strip() == "N"  # opening_kind, 302 (any justification)
        assert line[385] == "-"  # vat_on_receipts, 386
        assert line[446:470] == "01011900" * 3  # TV-A: reconciliation, reminder, value dates
        assert line[1020:1023] == state + " "  # lettering_state, 1021
    assert sum(counted) == (3 if engine == "fast" else 0)


def plain_rows(amounts: tuple[str, str]) -> list[list[str]]:
    """Two balanced pièces of four plain rows: a tiers line on 411, then three others."""
    rows = []
    for piece in ("1", "2"):
        for at, account in enumerate(["41100000", "70610000", "70620000", "44571000"]):
            tiers = "CDUPONT" if at == 0 else ""
            debit, credit = (amounts[0], "") if at == 0 else ("", amounts[1])
            rows.append(["VTE", "04/03/2024", piece, f"FA-{piece}", account, tiers, "Vente"])
            rows[-1] += [debit, credit]
    return rows


def csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows([COLUMNS, *rows])
    return out.getvalue()


@pytest.mark.parametrize(
    "options", [{"force": True}, {"force": True, "transliterate": True, "truncate_labels": True}]
)
@pytest.mark.parametrize("amounts", [("21", "7"), ("21,00", "7,00")])
def test_every_odd_cell_in_a_plain_file_is_converted_alike(
    tmp_path: Path, options: dict[str, Any], amounts: tuple[str, str]
) -> None:
    # Each odd cell alone in a file of plain rows, on the first tiers line (a collective
    # account; the grid's template is made of it), the line after it and the second pièce's
    # tiers line: the row must be left to the builder, and the rest stay grid rows. The
    # amounts 21 and 7 (no decimals) make the totals' exponent tell too; 21,00 and 7,00 are
    # written as they are, unless a cell of their column is not.
    mapping = MAPPING.format(piece='piece = "N piece"\n', constants="", format="ETE")
    cases = [(c, v, at) for c in COLUMNS for v in CELLS[c] for at in (0, 1, 4)]
    for index, (column, value, at) in enumerate(cases):
        rows = plain_rows(amounts)
        rows[at][COLUMNS.index(column)] = value
        folder = tmp_path / str(index)
        folder.mkdir()
        fast, reference, counted = both(folder, csv_text(rows), mapping, **options)
        assert fast == reference, (column, value, at)
        assert sum(counted) >= 6, (column, value, at)


def test_a_small_source_is_converted_without_numpy(tmp_path: Path) -> None:
    # A fresh interpreter: the example CSV (under 64 KiB) goes through the builder alone,
    # and its validation reads no grid block either, so numpy is never imported.
    code = (
        "import sys\n"
        "from tratool.conversion import convert\n"
        "convert(sys.argv[1], sys.argv[2], mapping=sys.argv[3])\n"
        "print('numpy' in sys.modules)\n"
    )
    source = FIXTURES / "ventes-excel.csv"
    arguments = [str(source), str(tmp_path / "out.tra"), str(FIXTURES / "ventes-mapping.toml")]
    done = subprocess.run(
        [sys.executable, "-c", code, *arguments],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert done.stdout.split() == ["False"]


def test_a_journal_counter_past_eight_digits_is_left_to_the_builder(tmp_path: Path) -> None:
    # No piece column: the journal's counter numbers the pièces from first_number. The second
    # pièce's number, 100000000, does not fit the 8 columns of the piece number (tra-format.md):
    # the grid path once crashed on it (a 9-character text in an 8-column field); now its rows
    # go to the builder, whose writer reports each of them, as the reference path does.
    rows = plain_rows(("21", "7"))
    for row in rows:
        row[2] = ""
    mapping = MAPPING.format(piece="", constants="", format="STD")
    mapping = mapping.replace("[options]", "[options]\nfirst_number = 99999999")
    fast, reference, counted = both(tmp_path, csv_text(rows), mapping, force=True)
    assert fast == reference
    assert fast[0] == "problems"
    assert [p.split(": ", 1)[0] for p in fast[1]] == [f"x.csv:{n}" for n in (6, 7, 8, 9)]
    assert all("'100000000' is 9 characters long" in p for p in fast[1])
    assert sum(counted) == 4  # the first pièce, numbered 99999999, through the grid


@pytest.mark.parametrize("amount", ["123456789012345678,90", "123456789012345678", "7" * 25])
def test_an_amount_wider_than_its_columns_is_left_to_the_builder(
    tmp_path: Path, amount: str
) -> None:
    # The amount field holds 20 columns (tra-format.md); these plain amounts are written with
    # 21 or more characters. On a row after the templates' (the second pièce's second line)
    # the grid path once crashed on it; now the row is the builder's, whose writer reports it.
    rows = plain_rows(("21", "7"))
    rows[5][8] = amount
    mapping = MAPPING.format(piece='piece = "N piece"\n', constants="", format="STD")
    fast, reference, counted = both(tmp_path, csv_text(rows), mapping, force=True)
    assert fast == reference
    assert fast[0] == "problems"
    assert [p.split(": amount: ")[0] for p in fast[1]] == ["x.csv:7"]
    assert "characters long; amount holds 20" in fast[1][0]
    assert sum(counted) == 7


def test_rows_at_the_grid_paths_limits_are_written_by_it(tmp_path: Path) -> None:
    # The widest plain amount the grid takes (17 characters: 20 columns once written with
    # two decimals, docs/convert.md) and an 8-digit pièce number (the field's width, §3).
    wide = "12345678901234,56"
    rows = [
        ["VENTES", "15/03/2024", "99999999", "F1", "70610000", "", "Vente", wide, ""],
        ["VENTES", "15/03/2024", "99999999", "F1", "51210000", "", "Vente", "", wide],
        ["VENTES", "16/03/2024", "7", "F2", "70610000", "", "Vente", "7", ""],
        ["VENTES", "16/03/2024", "7", "F2", "51210000", "", "Vente", "", "7"],
    ]
    text = "".join(";".join(row) + "\r\n" for row in [COLUMNS, *rows])
    mapping = MAPPING.format(piece='piece = "N piece"\n', constants="", format="STD")
    fast, reference, counted = both(tmp_path, text, mapping)
    assert fast == reference
    assert sum(counted) == 4  # every row, none left to the builder
    state, lines, _ = fast
    assert state == "written"
    assert lines[0][129:150] == b"D" + wide.encode().rjust(20)  # direction 130, amount 131 (§3)
    assert lines[0][:11] == b"VT 15032024"  # journal 1-3, date 4-11
    assert lines[0][151:159] == b"99999999"  # piece number, columns 152-159


def test_an_unknown_engine_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    source, out = tmp_path / "in.csv", tmp_path / "out.tra"
    source.write_text(PIECE_42, encoding="utf-8")
    with pytest.raises(ValueError, match="unknown conversion engine 'quick'"):
        convert(source, out, engine="quick")  # type: ignore[arg-type]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]
