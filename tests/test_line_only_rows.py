"""Rows that only the rules reading a line alone report (an empty label, TRA-F06; a tiers
line's auxiliary in lower case, TRA-F05) do not keep the fast engine from proving their pièce:
it closes the pièce by itself, then runs those rules on those rows (columnar._close_proved).
The reference runs them on a pièce's first line before it closes the pièce before: when the
closing of the pièce speaks after all, or when the findings reach `max_findings`, the order of
emission decides what is reported, and both engines must keep the same."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.test_engines_differential import fast, put, reference, summary
from tests.tra_lines import entry, std, tiers
from tratool.validation import ValidationConfig

LINE_ONLY = {120: ("label", 0), 130: ("auxiliary", 0), 131: ("label", 1), 150: ("label", 0)}


def lines(line_only: bool = True, closing_speaks: bool = True) -> list[str]:
    """Header, then 60 pièces of VTE 101 to 160 on 04/03/2024, lines 2 + 3 × (n - 101) to
    4 + 3 × (n - 101): a tiers line of 200 D, general lines of 49.5 C and 150.5 C. With
    `line_only`, the defects of LINE_ONLY (pièce: field, row). With `closing_speaks`, pièces
    140 and 149 take the numbers of pièces 101 and 147, pièce 140's first label empty."""
    found = [std()[0]]
    for number in range(101, 161):
        common: dict[str, Any] = {"piece_number": number, "reference": f"FA-{number}"}
        if closing_speaks and number in (140, 149):
            common["piece_number"] = {140: 101, 149: 147}[number]
        rows = std(
            tiers(direction="D", amount=Decimal(200), **common),
            entry(direction="C", amount=Decimal("49.5"), **common),
            entry(direction="C", amount=Decimal("150.5"), **common),
        )[1:]
        defects = dict(LINE_ONLY) if line_only else {}
        if closing_speaks:
            defects[140] = ("label", 0)
        if number in defects:
            name, row = defects[number]
            rows[row] = put(rows[row], name, "" if name == "label" else "cdupont")
        found += rows
    return found


def data(**kinds: bool) -> bytes:
    return "".join(f"{line}\r\n" for line in lines(**kinds)).encode("ascii")


def test_the_reference_reports_each_row_once_and_the_closings() -> None:
    found = [(f.rule, f.line) for f in reference(data(), ValidationConfig()).findings]
    assert [item for item in found if item[1] is not None] == [
        ("TRA-F06", 59),  # pièce 120's first line
        ("TRA-F05", 89),  # pièce 130's tiers line
        ("TRA-F06", 93),  # pièce 131's second line
        ("TRA-F06", 119),  # pièce 140 (numbered 101): its first line
        ("TRA-X04", 119),  # … whose key pièce 101 had
        ("TRA-X11", 119),  # … out of sequence after 139
        ("TRA-X11", 122),  # and 141 after it
        ("TRA-X04", 146),  # pièce 149 (numbered 147): its key pièce 147 had
        ("TRA-X11", 146),  # … out of sequence after 148
        ("TRA-F06", 149),  # pièce 150's first line, read before pièce 149 is closed
        ("TRA-X11", 149),  # … and 150 after 147
    ]


@pytest.mark.parametrize("block_lines", [7, 16, 1000])
@pytest.mark.parametrize("max_findings", [25, *range(1, 12)])
def test_both_engines_report_the_same(block_lines: int, max_findings: int) -> None:
    config = ValidationConfig()
    expected = reference(data(), config, max_findings)
    report, _ = fast(data(), config, block_lines, first_read=8192, max_findings=max_findings)
    assert summary(report) == summary(expected)


@pytest.mark.parametrize("block_lines", [16, 1000])
def test_rows_only_their_own_rules_report_cost_their_piece_no_proof(block_lines: int) -> None:
    config = ValidationConfig()
    _, clean = fast(data(line_only=False, closing_speaks=False), config, block_lines, 8192)
    report, defective = fast(data(closing_speaks=False), config, block_lines, 8192)
    assert defective.proved_pieces == clean.proved_pieces > 10
    assert [(f.rule, f.line) for f in report.findings if f.line] == [
        ("TRA-F06", 59),
        ("TRA-F05", 89),
        ("TRA-F06", 93),
        ("TRA-F06", 149),
    ]
