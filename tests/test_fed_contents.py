"""The content hashes of the lines the fast engine feeds to the pièce rules one by one: numpy
hashes their rows' raw columns for the whole block (columnar._line_contents), and the pièce
rules take that share only when it is the hash of their own content text, that is when the
journal is left-aligned and the line counts under its own date. The findings expected are
written here."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.test_engines_differential import FIRST_BLOCK, fast
from tests.tra_lines import entry, put, std, tiers
from tratool.validation import ValidationConfig
from tratool.validation.configuration import ValidationConfig as Config
from tratool.validation.findings import Report, Sink
from tratool.validation.fingerprints import FINGERPRINTS, line_content
from tratool.validation.line import entry_line
from tratool.validation.pieces import CONTENT_FIELDS, PieceRules
from tratool.validation.streaming import entry_fields


def piece(number: int, reference: str) -> list[str]:
    """Pièce VT `number` of 04/03/2024: a tiers line and two general lines, balanced."""
    common = {"journal": "VT", "piece_number": number, "reference": reference}
    return std(
        tiers(direction="D", amount=Decimal(200), **common),
        entry(direction="C", amount=Decimal(150), **common),
        entry(direction="C", amount=Decimal(50), **common),
    )[1:]


def pieces_file() -> bytes:
    """VT 101 to 140; VT 125 has VT 105's content and an establishment of its own on its last
    line (TRA-X04: not proved, fed line by line)."""
    lines: list[str] = []
    for number in range(101, 141):
        found = piece(number, f"FA-{105 if number == 125 else number}")
        if number == 125:
            found[2] = put(found[2], "establishment", "002")
        lines += found
    return "".join(f"{line}\r\n" for line in [std()[0], *lines]).encode("ascii")


def test_fed_lines_hashed_by_numpy_find_a_copied_piece() -> None:
    data, config = pieces_file(), ValidationConfig()
    report, run = fast(data, config, block_lines=16, first_read=FIRST_BLOCK + 224)
    assert run.grid_rows > 80  # grid blocks
    assert run.proved_pieces > 15  # most pièces proved
    said = [(f.rule, f.line, str(f.message)) for f in report.findings if f.line is not None]
    # Pièce n starts at line 2 + 3 (n - 101).
    assert said == [
        ("TRA-D03", 74, "pièce VT 125 repeats the pièce at line 14 line for line"),
        ("TRA-X04", 76, "establishment '002' differs from line 74's"),
    ]


@pytest.mark.parametrize(
    ("journal", "date"),
    [
        # The second line has an impossible date: it counts under its pièce's, 04/03/2024.
        ("VT ", "31022024"),
        # The journal written right-aligned: the rules strip it, its content text has 'VT '.
        (" VT", "04032024"),
    ],
)
def test_a_share_of_other_bytes_than_the_content_text_is_not_taken(journal: str, date: str) -> None:
    # VT 2 repeats VT 1 in what the pièce rules read, not in its rows' raw columns: the share
    # computed from those (as numpy computes it) is not the content text's.
    report = Report(path="x.tra", encoding="ascii")
    rules = PieceRules(Config(), Sink(report, Config(), 25))
    rules.keys = FINGERPRINTS  # the fast engine's
    lines = [
        (2, 1, "D", "VT ", "04032024"),
        (3, 1, "C", "VT ", "04032024"),
        (4, 2, "D", journal, "04032024"),
        (5, 2, "C", journal, date),
    ]
    for number, piece_number, direction, journal_raw, day in lines:
        line = entry(piece_number=piece_number, direction=direction, reference="FA-1")
        text = put(put(std(line)[1], "date", day), "journal", journal_raw)
        raw = entry_fields(text)
        share = line_content("".join(raw[name] for name in CONTENT_FIELDS))
        rules.add(entry_line(number, text, raw, content=share))
    rules.finish()
    rules.close()
    said = [(f.rule, f.line, str(f.message)) for f in report.findings]
    assert said == [("TRA-D03", 4, "pièce VT 2 repeats the pièce at line 2 line for line")]
