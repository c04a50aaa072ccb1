"""The pièce proof's analytic sums (gridpieces._analytic_misfits): an analytic line sums to
the general line before it in its own pièce only. An analytic line whose pièce number says
it starts another pièce leaves the first pièce's sections short of its general line, which
TRA-X07 reports there (found by review: the fast engine had summed it with the earlier
pièce, proved that pièce clean and said nothing)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.test_engines_differential import fast, reference, section, summary
from tests.tra_lines import entry, std, tiers
from tratool.validation import ValidationConfig


def lines(moved: str | None) -> list[str]:
    """Header, then 60 pièces of VTE: a tiers line of 200 D, a general line of 49.5 C, a
    general line of 150.5 C split on sections ATELIER 100.5 and BUREAU 50 (the pièce's last
    line). With `moved`, pièce 150's BUREAU line has that pièce number instead."""
    found = [std()[0]]
    for number in range(101, 161):
        common = {"piece_number": number, "reference": f"FA-{number}"}
        last = dict(common, piece_number=int(moved)) if moved and number == 150 else common
        found += std(
            tiers(direction="D", amount=Decimal(200), **common),
            entry(direction="C", amount=Decimal("49.5"), **common),
            entry(direction="C", amount=Decimal("150.5"), **common),
            section("ATELIER", "100.5", **common),
            section("BUREAU", "50", **last),
        )[1:]
    return found


@pytest.mark.parametrize("block_lines", [7, 16, 1000])
def test_an_analytic_line_of_another_piece_leaves_its_general_line_short(
    block_lines: int,
) -> None:
    data = "".join(f"{line}\r\n" for line in lines(moved="999")).encode("ascii")
    config = ValidationConfig()
    expected = reference(data, config)
    # Pièce 150 is lines 247-251 (the header is line 1): its general line of 150.5 is 249,
    # its sections ATELIER 250 and BUREAU 251, now pièce 999 alone.
    x07 = [(f.line, f.message) for f in expected.findings if f.rule == "TRA-X07"]
    assert x07 == [
        (249, "the analytic lines on A1 sum to 100,50, the general line is 150,50"),
        (251, "an analytic line that follows no general line of its pièce"),
    ]
    report, run = fast(data, config, block_lines, first_read=8192)
    assert summary(report) == summary(expected)
    assert run.grid_rows > 200  # pièce 150 is in a grid block, past the first 8 KiB


def test_the_same_pieces_in_order_are_clean() -> None:
    data = "".join(f"{line}\r\n" for line in lines(moved=None)).encode("ascii")
    config = ValidationConfig()
    report, run = fast(data, config, 16, first_read=8192)
    assert not [f for f in report.findings if f.line is not None]
    assert run.proved_pieces > 25  # those wholly in grid blocks
