"""Convert's CSV read as blocks of bytes (conversion/csvbytes.py): every odd shape a block can
take — quotes, line breaks in a cell, blank or ragged rows, a BOM, Windows-1252 or mixed
encodings, LF or CR endings, a last line without a break, blanks around cells — gives the
rows, line numbers, bytes and errors the csv module's reading gives (the reference engine),
whatever the block size; the facts each test checks are written in it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.test_convert_grid_differential import COLUMNS, MAPPING, grid_rows_counted, outcome
from tratool.conversion import convert, csvbytes, gridbytes
from tratool.conversion.tabular import TabularFile
from tratool.errors import TabularError

HEADER = ";".join(COLUMNS)
ETE = MAPPING.format(piece='piece = "N piece"\n', constants="", format="ETE")


def plain(count: int, first: int = 1) -> list[str]:
    """`count` plain rows, two a pièce: a tiers line on 411, then its sales line."""
    rows = []
    for n in range(first, first + count):
        piece = str((n + 1) // 2)
        if n % 2:
            rows.append(f"VTE;04/03/2024;{piece};F{piece};41100000;CDUPONT;Vente;12,50;")
        else:
            rows.append(f"VTE;04/03/2024;{piece};F{piece};70610000;;Vente;;12,50")
    return rows


@pytest.fixture(params=[1 << 18, 300, 16], ids=["one block", "blocks of 300 bytes", "of 16"])
def block_bytes(request: pytest.FixtureRequest) -> Iterator[int]:
    saved = csvbytes.BLOCK_BYTES
    csvbytes.BLOCK_BYTES = request.param
    try:
        yield request.param
    finally:
        csvbytes.BLOCK_BYTES = saved


def converted(tmp: Path, data: bytes, **options: Any) -> tuple[Any, Any, list[int]]:
    """Both engines' outcome (`outcome`) of a CSV's bytes, and the grid path's runs."""
    source = tmp / "in.csv"
    source.write_bytes(data)
    rules = mapping_file(tmp)
    with grid_rows_counted() as counted:
        fast = outcome(tmp / "fast", source, rules, "fast", **options)
    reference = outcome(tmp / "reference", source, rules, "reference", **options)
    return fast, reference, counted


def mapping_file(tmp: Path) -> Path:
    path = tmp / "mapping.toml"
    path.write_text(ETE, encoding="utf-8")
    return path


def refused(tmp: Path, data: bytes, **options: Any) -> str:
    """The error both engines stop at (the same words), the source's bytes given; nothing
    is written."""
    source = tmp / "in.csv"
    source.write_bytes(data)
    messages = []
    for engine in ("fast", "reference"):
        out, rules = tmp / f"{engine}.tra", mapping_file(tmp)
        with grid_rows_counted(), pytest.raises(TabularError) as raised:
            convert(source, out, mapping=rules, engine=engine, **options)
        messages.append(str(raised.value))
    assert messages[0] == messages[1]
    assert sorted(p.name for p in tmp.iterdir()) == ["in.csv", "mapping.toml"]
    return messages[0]


def lines_of(rows: list[str], ending: str = "\r\n") -> bytes:
    return (ending.join([HEADER, *rows]) + ending).encode("cp1252")


def test_plain_rows_in_blocks_of_any_size(tmp_path: Path, block_bytes: int) -> None:
    fast, reference, counted = converted(tmp_path, lines_of(plain(40)))
    assert fast == reference
    assert fast[0] == "written"
    assert len(fast[1]) == 41  # 40 lines and what follows the last line's end
    assert sum(counted) == 40  # every row a grid row


def test_a_quoted_cell_with_a_line_break_in_a_later_block(tmp_path: Path, block_bytes: int) -> None:
    # The quoted label spans lines 22 and 23 (the header is line 1): a line break in a text,
    # refused; the two rows after it start on lines 24 and 25, where the amount is not one.
    rows = [*plain(20), 'VTE;04/03/2024;11;F11;70610000;;"deux\nlignes";;1,00', *plain(2, 21)]
    rows[-1] = rows[-1].replace("12,50", "12,3,4")
    fast, reference, _ = converted(tmp_path, lines_of(rows))
    assert fast == reference
    state, problems, written = fast
    assert (state, written) == ("problems", False)
    assert [p.split(": ")[0] for p in problems] == ["x.csv:22", "x.csv:25"]
    assert "'12,3,4' is not an amount" in problems[1]


def test_blank_rows_are_skipped_and_counted_as_lines(tmp_path: Path, block_bytes: int) -> None:
    # Blank rows on lines 8 (cells of blanks only), 11 (an empty line) and 14 (empty
    # cells): the row on line 16 has no account.
    rows = [*plain(6), "  ; ;;;;;;; ", *plain(2, 7), "", *plain(2, 9), ";;;;;;;;", *plain(4, 11)]
    rows[14] = rows[14].replace("70610000", "")
    fast, reference, _ = converted(tmp_path, lines_of(rows))
    assert fast == reference
    assert [p.split(": ")[0] for p in fast[1]] == ["x.csv:16"]
    assert "the account is empty" in fast[1][0]


def test_a_ragged_row_is_refused_with_its_line(tmp_path: Path, block_bytes: int) -> None:
    rows = plain(20)
    rows[13] = rows[13].rsplit(";", 1)[0]  # 8 cells, on line 15
    rows[14] += ";x"  # and 10 on line 16: as many delimiters as 9 and 9
    assert ":15: 8 cells where the header has 9 columns" in refused(tmp_path, lines_of(rows))


def test_a_byte_foreign_to_the_encoding_far_down(tmp_path: Path, block_bytes: int) -> None:
    # UTF-8 declared, a Windows-1252 é on line 31: the same error from both engines.
    rows = plain(40)
    rows[29] = rows[29].replace("Vente", "Vent\xe9")
    message = refused(tmp_path, lines_of(rows), encoding="utf-8")
    assert "a byte that is not utf-8 (b'\\xe9')" in message


def test_windows_1252_text_in_one_row(tmp_path: Path, block_bytes: int) -> None:
    rows = plain(30)
    rows[17] = rows[17].replace("Vente", "Libell\xe9")
    fast, reference, counted = converted(tmp_path, lines_of(rows))
    assert fast == reference
    assert fast[1][17][83:118] == "Libellé".encode("cp1252").ljust(35)  # label, 84-118
    assert sum(counted) == 29  # the row with é is the builder's


def test_values_told_apart_when_their_hashes_collide(
    tmp_path: Path, block_bytes: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every cell hashed alike: the distinct journals, dates and accounts are still told
    # apart (by their bytes), so each row keeps its own.
    monkeypatch.setattr(gridbytes, "_hashes", lambda cells: np.zeros(len(cells), np.uint64))
    rows = plain(8)
    rows[2] = rows[2].replace("VTE;04/03/2024", "HA;05/03/2024").replace("41100000", "40100000")
    rows[3] = rows[3].replace("VTE;04/03/2024", "HA;05/03/2024").replace("70610000", "60610000")
    fast, reference, counted = converted(tmp_path, lines_of(rows))
    assert fast == reference
    assert [line[:30] for line in fast[1][1:5]] == [
        b"VTE04032024OD70610000         ",
        b"HA 05032024OD40100000         ",
        b"HA 05032024OD60610000         ",
        b"VTE04032024OD41100000         ",
    ]
    assert sum(counted) == 8


def test_a_bom_lf_endings_and_no_last_break(tmp_path: Path, block_bytes: int) -> None:
    data = b"\xef\xbb\xbf" + lines_of(plain(26), "\n")[:-1]
    fast, reference, counted = converted(tmp_path, data)
    assert fast == reference
    assert len(fast[1]) == 27
    assert sum(counted) == 26
    assert fast[1][0][:11] == b"VTE04032024"


def test_carriage_returns_alone_end_lines(tmp_path: Path, block_bytes: int) -> None:
    # Lines 2-11 end in CR LF, 12-17 in CR alone (a line each for the csv module), 18-29 in
    # CR LF again; the row on line 27 has no account.
    rows = plain(12, 17)
    rows[9] = rows[9].replace("70610000", "")
    head, middle, tail = (
        "\r\n".join([HEADER, *plain(10)]),
        "\r".join(plain(6, 11)),
        "\r\n".join(rows),
    )
    data = f"{head}\r\n{middle}\r{tail}\r\n".encode()
    fast, reference, _ = converted(tmp_path, data)
    assert fast == reference
    assert [p.split(": ")[0] for p in fast[1]] == ["x.csv:27"]


def test_a_piece_key_seen_again_after_a_numbered_piece(tmp_path: Path, block_bytes: int) -> None:
    # Pièce keys A-7, 7, A-7: the first A-7 takes the journal's counter (1), 7 its own
    # number, and A-7 again — a new pièce, its key having changed — the counter's next (2).
    rows = plain(6)
    for at, piece in enumerate(["A-7", "A-7", "7", "7", "A-7", "A-7"]):
        cells = rows[at].split(";")
        cells[2] = piece
        rows[at] = ";".join(cells)
    fast, reference, counted = converted(tmp_path, lines_of(rows))
    assert fast == reference
    assert [line[151:159].strip() for line in fast[1][:6]] == [b"1", b"1", b"7", b"7", b"2", b"2"]
    assert sum(counted) == 6


def test_blanks_around_cells_are_stripped(tmp_path: Path, block_bytes: int) -> None:
    rows = plain(12)
    rows[3] = ";".join(f"  {cell}   " for cell in rows[3].split(";"))
    rows[5] = ";".join(f"{' ' * 9}{cell}{' ' * 9}" for cell in rows[5].split(";"))
    fast, reference, counted = converted(tmp_path, lines_of(rows))
    assert fast == reference
    expected = bytearray(fast[1][1])  # the first pièce's sales line, as pièce 2
    expected[48:83] = b"F2".ljust(35)  # reference, columns 49-83
    expected[151:159] = b"2".rjust(8)  # piece number, 152-159
    assert fast[1][3] == expected
    assert sum(counted) >= 11


def test_a_cell_past_the_csv_modules_limit(tmp_path: Path, block_bytes: int) -> None:
    rows = plain(4)
    rows[2] = rows[2].replace("Vente", "L" * 140_000)
    assert "field larger than field limit" in refused(tmp_path, lines_of(rows))


def test_tab_separated_with_blanks(tmp_path: Path, block_bytes: int) -> None:
    rows = [row.replace(";", "\t") for row in plain(20)]
    rows[4] = rows[4].replace("Vente", "Vente  du  jour ")
    data = ("\r\n".join([HEADER.replace(";", "\t"), *rows]) + "\r\n").encode()
    fast, reference, counted = converted(tmp_path, data)
    assert fast == reference
    assert fast[1][4][83:118] == b"Vente  du  jour".ljust(35)
    assert sum(counted) == 20


def test_lines_ending_in_a_lone_cr_are_not_gathered_into_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Excel for Mac's CSV: every line ends in CR alone. The byte path has no line feed to cut
    # at: it hands the file to the csv module within a line's length (the first rows come
    # before a fifth of the file is read), instead of reading it whole into one buffer.
    source = tmp_path / "mac.csv"
    source.write_bytes(("\r".join([HEADER, *plain(20_000)]) + "\r").encode("ascii"))
    size = source.stat().st_size
    monkeypatch.setattr(csvbytes, "BLOCK_BYTES", 4096)
    assert size > 5 * (csvbytes.LONGEST_LEFTOVER + 4096)
    read = 0
    opened = Path.open

    def counted(path: Path, *args: Any, **kwargs: Any) -> Any:
        handle = opened(path, *args, **kwargs)
        if path == source and "b" in (args[0] if args else kwargs.get("mode", "r")):
            whole, line = handle.read, handle.readline

            def read_counted(n: int = -1) -> bytes:
                nonlocal read
                got: bytes = whole(n)
                read += len(got)
                return got

            def readline_counted(n: int = -1) -> bytes:  # the header's: one line, all of it
                nonlocal read
                got: bytes = line(n)
                read += len(got)
                return got

            handle.read, handle.readline = read_counted, readline_counted
        return handle

    monkeypatch.setattr(Path, "open", counted)
    table = TabularFile.open(source)
    read = 0
    first = next(csvbytes.blocks(table, 100))
    assert read < size // 5
    assert isinstance(first, list)  # the csv module's rows, not a block of bytes
    assert [number for number, _ in first][:2] == [2, 3]
    assert first[1][1][:5] == ["VTE", "04/03/2024", "1", "F1", "70610000"]


def test_a_one_character_auxiliary_makes_a_tiers_line(tmp_path: Path) -> None:
    rows = [row.replace("CDUPONT", "C") for row in plain(8)]
    fast, reference, counted = converted(tmp_path, lines_of(rows))
    assert fast == reference
    assert sum(counted) == 8
    # One a pièce, the 411 line's: line type X (column 31), auxiliary C (columns 32-48).
    assert [line[30:48] for line in fast[1][:8]] == [b"XC".ljust(18), b" " * 18] * 4


def test_a_mapping_without_an_auxiliary_column(tmp_path: Path) -> None:
    # The Tiers column is then not read: no line is a tiers line (no 411 account here).
    source, rules = tmp_path / "in.csv", tmp_path / "mapping.toml"
    source.write_bytes(lines_of([row.replace("41100000", "51200000") for row in plain(6)]))
    rules.write_text(ETE.replace('auxiliary = "Tiers"\n', ""), encoding="utf-8")
    with grid_rows_counted() as counted:
        fast = outcome(tmp_path / "fast", source, rules, "fast")
    assert fast == outcome(tmp_path / "reference", source, rules, "reference")
    assert fast[0] == "written"
    assert sum(counted) == 6
    assert [line[30:48] for line in fast[1][:6]] == [b" " * 18] * 6  # no type X, no auxiliary


def test_an_auxiliary_with_more_blanks_than_stripped_goes_to_the_builder(tmp_path: Path) -> None:
    # 10 blanks before CDUPONT, more than the arrays strip: that row is the builder's, whatever
    # the fields read after the auxiliary say of it.
    rows = plain(8)
    rows[2] = rows[2].replace(";CDUPONT;", ";          CDUPONT;")
    fast, reference, counted = converted(tmp_path, lines_of(rows))
    assert fast == reference
    assert sum(counted) == 7
    assert fast[1][2][30:48] == b"XCDUPONT".ljust(18)  # line type X, auxiliary (32-48)


def test_a_cell_of_as_many_blanks_as_stripped_from_both_ends_is_empty(tmp_path: Path) -> None:
    rows = plain(8)
    rows[3] = rows[3].replace(";Vente;", ";" + " " * 16 + ";")  # 8 from each end: no label
    fast, reference, counted = converted(tmp_path, lines_of(rows))
    assert fast == reference
    assert sum(counted) == 8  # every row the grid path's
    assert fast[1][3][83:118] == b" " * 35  # label, columns 84-118


def converted_with(tmp: Path, data: bytes, rules: str) -> tuple[Any, Any, list[int]]:
    """Both engines' outcome of a CSV's bytes under the mapping `rules`, and the grid runs."""
    source, mapping = tmp / "in.csv", tmp / "mapping.toml"
    source.write_bytes(data)
    mapping.write_text(rules, encoding="utf-8")
    with grid_rows_counted() as counted:
        fast = outcome(tmp / "fast", source, mapping, "fast")
    return fast, outcome(tmp / "reference", source, mapping, "reference"), counted


def test_cells_as_wide_as_their_fields_and_a_journal_ending_in_x(tmp_path: Path) -> None:
    rows = [row.replace("VTE;", "FIX;") for row in plain(8)]
    rows[3] = rows[3].replace(";Vente;", ";" + "L" * 35 + ";")  # 35: the label's width
    rows[5] = rows[5].replace("70610000", "706100001234567AB")  # 17: the account's
    fast, reference, counted = converted(tmp_path, lines_of(rows))
    assert fast == reference
    assert sum(counted) == 8
    assert [line[:3] for line in fast[1][:8]] == [b"FIX"] * 8
    assert fast[1][3][83:118] == b"L" * 35
    assert fast[1][5][13:30] == b"706100001234567AB"  # account, columns 14-30


def test_the_journal_a_constant_and_pieces_grouped_without_a_piece_column(
    tmp_path: Path,
) -> None:
    # No journal column: the constant VENTES, whose code is VT; no piece column: a pièce per
    # (journal, date, reference), numbered 1, 2, 3 in turn.
    rules = MAPPING.format(piece="", constants='journal = "VENTES"', format="ETE")
    rules = rules.replace('journal = "Journal"\n', "")
    fast, reference, counted = converted_with(tmp_path, lines_of(plain(6)), rules)
    assert fast == reference
    assert sum(counted) == 6
    assert [line[:3] for line in fast[1][:6]] == [b"VT "] * 6
    numbers = [line[151:159] for line in fast[1][:6]]
    assert numbers == [b"1".rjust(8)] * 2 + [b"2".rjust(8)] * 2 + [b"3".rjust(8)] * 2


@pytest.mark.parametrize(
    ("journals", "refused", "grid_rows"),
    [
        (["VENTES", "VENTES", "A", "A", "ACHATS", "ACHATS"], [6, 7], 8),
        (["", "", "  "], [2, 3, 4], 7),
    ],
    ids=["VENTES has the code VT, A is a code, ACHATS none", "empty"],
)
def test_journals_by_their_code_or_left_to_the_builder(
    tmp_path: Path, journals: list[str], refused: list[int], grid_rows: int
) -> None:
    # The rows whose journal is no 1-3 character code are the builder's, which refuses them.
    rows = plain(10)
    for at, journal in enumerate(journals):
        rows[at] = rows[at].replace("VTE;", f"{journal};", 1)
    fast, reference, counted = converted(tmp_path, lines_of(rows))
    assert fast == reference
    assert [p.split(": ")[0] for p in fast[1]] == [f"x.csv:{n}" for n in refused]
    assert all("is not a 1-3 character code" in p for p in fast[1])
    assert sum(counted) == grid_rows
