"""tratool.scan against fields written here from tra-format.md (§3 for 1-222, §5.1 and §5.2
for the ETE part), not against the shared splitter and classifier its other tests use: the
first line of a file, the last line without a line break, short lines, ETE fields."""

from __future__ import annotations

import gc
import io
import os
import warnings
from pathlib import Path

import pytest

import tratool
from tests.conftest import VECTORS
from tratool.tra.scan import is_grid, is_text_grid

TIERS, EXPENSE, ANALYTIC, VAT = (line.encode("ascii") for line in VECTORS["TV-E2"])
STD_HEADER = b"***S5CLIJRLSTD   0101190001011900007"


def rows(data: bytes, fields: list[str], **options: int) -> list[tuple[bytes, ...]]:
    return list(tratool.scan(io.BytesIO(data), fields, **options))


def test_a_headerless_first_line_is_an_entry_without_its_line_break() -> None:
    short = VAT[:100]  # stops inside the label (84:35)
    for ending in (b"\r\n", b"\n"):
        assert rows(short + ending + TIERS + ending, ["journal", "label", "amount"]) == [
            (b"HA ", b"Facture Dupont ma".ljust(35), b" " * 20),
            (b"HA ", b"Facture Dupont mars".ljust(35), b"1200,00".rjust(20)),
        ]


def test_a_first_line_with_a_utf8_mark_or_no_line_break() -> None:
    assert rows(b"\xef\xbb\xbf" + VAT[:20], ["journal", "date"]) == [(b"HA ", b"15032024")]
    assert rows(VAT[:20], ["journal", "date"]) == [(b"HA ", b"15032024")]
    assert rows(b"\xef\xbb\xbf" + STD_HEADER + b"\r\n" + VAT, ["journal"]) == [(b"HA ",)]
    assert rows(b"", ["journal"]) == []
    assert rows(b"\r\n", ["journal"]) == []


def test_a_cr_alone_at_the_end_of_a_last_line_stays_in_it() -> None:
    # Only CRLF is a line ending: a CR without LF is a character of the line (§9).
    assert rows(VAT[:20] + b"\r", ["date", "piece_type"]) == [(b"15032024", b"FF")]
    assert rows(VAT[:12] + b"\r", ["piece_type"]) == [(b"F\r",)]


@pytest.mark.parametrize("buffer_size", [1, 300, 4 << 20])
def test_the_last_line_without_a_line_break(buffer_size: int) -> None:
    data = STD_HEADER + b"\r\n" + VAT + b"\r\n" + EXPENSE[:60]
    assert rows(data, ["account", "label"], buffer_size=buffer_size) == [
        (b"44566000".ljust(17), b"Facture Dupont mars".ljust(35)),
        (b"60610000".ljust(17), b"".ljust(35)),
    ]
    for last in (b"   ", b"***CGN4011", VAT[:30] + b"G"):
        assert rows(data[: -len(EXPENSE[:60])] + last, ["account"], buffer_size=buffer_size) == [
            (b"44566000".ljust(17),)
        ]


def test_short_lines_in_a_block_are_padded_on_the_right() -> None:
    data = STD_HEADER + b"\r\n" + VAT + b"\r\n" + TIERS[:147] + b"\r\n" + VAT + b"\n"
    assert rows(data, ["direction", "amount", "piece_number"]) == [
        (b"D", b"200,00".rjust(20), b"42".rjust(8)),
        (b"C", b" " * 13 + b"1200   ", b" " * 8),  # 131-147 of 131-150
        (b"D", b"200,00".rjust(20), b"42".rjust(8)),
    ]


def test_ete_fields_come_from_the_table_of_the_line_type() -> None:
    general = TIERS + b"REF-EXT".ljust(35) + b" " * 763 + b"TL "  # lettering_state at 1021
    analytic = ANALYTIC + b" " * 791 + b"   12"  # analytic_line_number at 1014 (§12.3)
    data = STD_HEADER.replace(b"STD", b"ETE") + b"\r\n" + general + b"\r\n" + analytic + b"\r\n"
    asked = ["external_reference", "journal", "lettering_state", "analytic_line_number"]
    assert rows(data, asked) == [
        (b"REF-EXT".ljust(35), b"HA ", b"TL ", b""),
        (b" " * 35, b"HA ", b"", b"   12"),
    ]
    assert rows(data, ["sub_section_axis1"]) == [(b"",), (b" " * 17,)]  # A lines only (§5.2)


def test_ete_fields_of_a_short_line_are_blanks() -> None:
    data = STD_HEADER + b"\r\n" + VAT[:40] + b"\r\n"
    assert rows(data, ["created_on", "account"]) == [(b" " * 8, b"44566000".ljust(17))]


def test_an_unknown_ete_or_standard_name_is_refused() -> None:
    with pytest.raises(KeyError, match="no entry field 'lettering'"):
        tratool.scan(io.BytesIO(b""), ["created_on", "lettering"])


def test_fields_out_of_file_order_on_lines_cut_one_by_one() -> None:
    data = VAT[:150] + b"\r\n" + TIERS + b"\n"  # a short line: no grid
    assert rows(data, ["amount", "journal"]) == [
        (b"200,00".rjust(20), b"HA "),
        (b"1200,00".rjust(20), b"HA "),
    ]


def open_files() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts the process's files")
def test_a_file_scan_opens_is_closed_once_read(tmp_path: Path) -> None:
    path = tmp_path / "a.tra"
    path.write_bytes(STD_HEADER + b"\r\n" + VAT + b"\r\n")
    before = open_files()
    scanned = tratool.scan(path, ["journal"])
    assert open_files() == before + 1
    assert list(scanned) == [(b"HA ",)]
    assert open_files() == before  # while `scanned` is still referenced


def test_lines_of_other_widths_whose_total_is_a_whole_number_of_lines_are_no_grid() -> None:
    block = VAT + b"\r\n" + TIERS[:221] + b"\r\n" + EXPENSE + b"X\r\n"  # 222, 221, 223
    assert len(block) == 3 * 224
    assert not is_grid(block, 224)
    assert rows(STD_HEADER + b"\r\n" + block, ["journal", "direction", "due_number"]) == [
        (b"HA ", b"D", b"  "),
        (b"HA ", b"C", b"  "),  # due_number (221-222) cut after 221: " " and a blank added
        (b"HA ", b"D", b"  "),
    ]


def test_ete_fields_of_full_std_lines_are_blanks_and_their_standard_fields_are_cut() -> None:
    data = STD_HEADER + b"\r\n" + VAT + b"\r\n" + TIERS + b"\r\n"  # a grid of 222-column lines
    assert rows(data, ["created_on", "account"]) == [
        (b" " * 8, b"44566000".ljust(17)),
        (b" " * 8, b"40100000".ljust(17)),
    ]


def test_a_cr_alone_at_the_end_of_a_later_last_line_stays_in_it() -> None:
    data = STD_HEADER + b"\r\n" + VAT + b"\r\n" + VAT[:12] + b"\r"
    assert rows(data, ["piece_type"]) == [(b"FF",), (b"F\r",)]


def test_an_ete_field_cut_short_is_padded_on_the_right() -> None:
    data = STD_HEADER + b"\r\n" + VAT + b"REF\r\n"  # external_reference, 223:35 (§5.1)
    assert rows(data, ["external_reference"]) == [(b"REF".ljust(35),)]


def test_a_block_is_a_text_grid_only_if_a_grid_of_ascii_without_controls() -> None:
    grid = VAT + b"\r\n" + TIERS + b"\r\n"
    assert is_text_grid(grid, 224)
    assert not is_text_grid(VAT + b"\r\n" + TIERS[:200] + b"\r\n", 224)  # ASCII, no grid
    assert not is_text_grid(grid.replace(b"Facture", b"Factur\xe9"), 224)  # a grid, not ASCII
    assert not is_text_grid(grid.replace(b"Facture", b"Factur\x01"), 224)  # a control byte
    assert not is_text_grid(grid.replace(b"Facture", b"Factur\x7f"), 224)  # DEL, the last
    assert not is_text_grid(grid.replace(b"Facture", b"Factur\x1f"), 224)  # below the space
    assert is_text_grid(grid.replace(b"Facture", b"Factur~"), 224)  # the last printable
    lf_only = VAT + b"\n" + TIERS + b"\n"
    assert is_text_grid(lf_only, 223)  # the line breaks are not control bytes of a line


def test_a_text_grid_has_no_line_break_nor_byte_out_of_ascii_in_any_column() -> None:
    grid = VAT + b"\r\n" + TIERS + b"\r\n" + EXPENSE + b"\r\n"
    assert is_text_grid(grid, 224)

    def at(offset: int, byte: bytes) -> bytes:
        return grid[:offset] + byte + grid[offset + 1 :]

    # Each line's columns 1, 100 and 222, on the first, middle and last line.
    for offset in (0, 99, 221, 224 + 99, 2 * 224 + 221):
        for byte in (b"\n", b"\r", b"\t", b"\x00", b"\x1f", b"\x7f", b"\x80", b"\xff"):
            assert not is_text_grid(at(offset, byte), 224), (offset, byte)
    lf_only = VAT + b"\n" + TIERS + b"\n"
    assert is_text_grid(lf_only, 223)
    assert not is_text_grid(lf_only[:100] + b"\n" + lf_only[101:], 223)
    # The fast engine's blocks are views of its buffer, from any place in it.
    assert is_text_grid(memoryview(b"ab" + grid)[2:], 224)
    assert is_text_grid(memoryview(lf_only + b"xy")[:-2], 223)
    # A parameter record's first byte, a CR inside a record, a CR for the last line feed.
    for offset, byte in ((0, b"*"), (224 + 30, b"\r"), (2 * 224 + 223, b"\r")):
        changed = b"ab" + at(offset, byte) + b"xy"
        assert not is_text_grid(memoryview(changed)[2:-2], 224), offset
    assert not is_text_grid(lf_only[: 223 + 221] + b"\r" + lf_only[223 + 222 :], 223)


def test_a_file_scan_opens_is_closed_without_waiting_for_the_collector(tmp_path: Path) -> None:
    path = tmp_path / "a.tra"
    path.write_bytes(STD_HEADER + b"\r\n" + VAT + b"\r\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert list(tratool.scan(path, ["journal"])) == [(b"HA ",)]
        gc.collect()
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []
