"""Tests written against surviving mutants of the validation area (`make mutation`): each
states its expected values from tra-format.md, validation-rules.md or the lines it builds,
never from what tratool computes."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

from tratool.validation.balances import PieceBalance, piece_balances

from .tra_lines import entry, put, std, tiers


# -- the pièce balances of the HTML report (validation/balances.py) -----------------------------
def _balance_lines() -> list[str]:
    """VTE 101: debit 100,00 (X line) against 60,00 + 40,00 of credit, and an A line of 60,00
    that does not count; ACH 7 of 31/02/2024 (impossible, kept as written): a lone debit of
    10,00, between the two lines of VTE 101; a line with direction Z counts on neither side."""
    lines = std(
        tiers(direction="D"),
        entry(direction="C", amount=Decimal("60.00")),
        entry(journal="ACH", piece_number=7, direction="D", amount=Decimal("10.00")),
        entry(direction="C", amount=Decimal("40.00")),
        entry(line_type="A", auxiliary="SECT1", axis="A1", direction="C", amount=Decimal("60")),
        entry(direction="D", amount=Decimal("5.00")),
    )
    lines[3] = put(lines[3], "date", "31022024")
    lines[6] = put(lines[6], "direction", "Z")
    return [lines[0], "***JALVTE", *lines[1:]]  # a parameter record is no entry line


VTE_101 = PieceBalance("VTE", "04/03/2024", "101", 3, 10000, 10000)
ACH_7 = PieceBalance("ACH", "31/02/2024", "7", 5, 1000, 0)


def test_piece_balances_in_order_of_first_appearance() -> None:
    data = "".join(line + "\r\n" for line in _balance_lines()).encode("cp1252")
    assert piece_balances(io.BytesIO(data)) == [VTE_101, ACH_7]
    assert (VTE_101.difference, ACH_7.difference) == (0, 1000)
    assert PieceBalance("X", "", "1", 1, 500, 2000).difference == -1500


def test_piece_balances_of_a_path_in_another_encoding(tmp_path: Path) -> None:
    lines = _balance_lines()
    lines[2] = put(lines[2], "label", "Facture état")
    path = tmp_path / "x.tra"
    path.write_bytes("".join(line + "\r\n" for line in lines).encode("utf-8"))
    assert piece_balances(path, encoding="utf-8") == [VTE_101, ACH_7]


def test_piece_balances_read_the_keeping_amount_the_amount_code_names() -> None:
    """Amount code -E-: amount2 (176-195) holds the keeping currency (tra-format.md)."""
    lines = std(
        entry(direction="D", amount=Decimal("12.00"), date=dt.date(2024, 3, 4)),
        entry(direction="C", amount=Decimal("12.00")),
    )
    lines[1] = put(put(lines[1], "amount_code", "DE-"), "amount2", "33,50")
    data = "".join(line + "\r\n" for line in lines).encode("cp1252")
    assert piece_balances(io.BytesIO(data)) == [
        PieceBalance("VTE", "04/03/2024", "101", 2, 3350, 1200)
    ]
