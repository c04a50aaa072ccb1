"""Closing a grid block's proved pièces at once (gridclosing.py) when journals interleave: each
pièce's number is checked against its own journal's previous pièce, not the one before it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from tests.test_engines_differential import (
    FIRST_BLOCK,
    fast,
    reference,
    summary,
)
from tests.test_engines_differential import (
    test_every_cross_line_defect_in_a_grid_is_reported_alike as cross_line_defects,
)
from tests.tra_lines import entry, std, tiers
from tratool.validation import ValidationConfig, gridclosing


def interleaved(vte: list[int], ach: list[int], dated: dict[int, dt.date] | None = None) -> bytes:
    """Pièces of VTE and ACH in turn (three lines each), numbered as given; pièce k (from 0,
    in file order) of the date `dated` gives it, if any, else of 4 March 2024."""
    lines: list[str] = []
    turns = zip(vte, ach, strict=True)
    pieces = [piece for v, a in turns for piece in (("VTE", v), ("ACH", a))]
    for k, (journal, number) in enumerate(pieces):
        common: dict[str, Any] = {
            "journal": journal,
            "piece_number": number,
            "reference": f"FA-{number}",
        }
        if dated and k in dated:
            common["date"] = dated[k]
        lines += std(
            tiers(direction="D", amount=Decimal(200), **common),
            entry(direction="C", amount=Decimal(150), **common),
            entry(direction="C", amount=Decimal(50), **common),
        )[1:]
    header = std()[0]
    return "".join(f"{line}\r\n" for line in [header, *lines]).encode("ascii")


def test_a_gap_in_one_journal_is_not_hidden_by_the_other() -> None:
    # VTE 101 … 139 but 130 missing; ACH n follows VTE n - 1, so that ACH 130 sits right before
    # VTE 131, the number that misses 130 in VTE (a check against the pièce before, whatever
    # its journal, would find it in sequence).
    vte = [n for n in range(101, 141) if n != 130]
    ach = list(range(102, 102 + len(vte)))
    data = interleaved(vte, ach)
    config = ValidationConfig()
    expected = summary(reference(data, config))
    report, run = fast(data, config, block_lines=16, first_read=FIRST_BLOCK + 224)
    assert run.proved_pieces > 40  # most pièces closed at once
    assert summary(report) == expected
    gaps = [f for f in report.findings if f.rule == "TRA-X11"]
    # VTE 131 is the 30th VTE pièce: lines 1 (header) + 29 pairs of pièces of 3 lines, + 1.
    assert [(f.line, str(f.message)) for f in gaps] == [
        (1 + 29 * 6 + 1, "pieces 130-130 of journal VTE are missing")
    ]


def test_keys_of_runs_closed_in_the_block_are_found_in_dicts_as_with_numpy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The cross-line defects' file (TRA-X04, D03, X02 said by the traces, pièces copied in
    # the same block) with the other way of looking up, by key, the block's proved pièces
    # (`Recorded.place`: those closed earlier in the block, those whose key the rule code
    # stored meanwhile): in dicts from the first look-up.
    monkeypatch.setattr(gridclosing, "FEW_GETS", 0)
    cross_line_defects()


def test_the_totals_of_pieces_closed_at_once_keep_each_journals_dates_and_lines() -> None:
    # 40 pièces of 3 lines, VTE and ACH in turn, of 4 March 2024 but pièce 20 (VTE 111) of
    # 10 May, in the middle of a 16-line block: the latest day is not its journal's first in
    # the block.
    numbers = list(range(101, 121))
    data = interleaved(numbers, numbers, {20: dt.date(2024, 5, 10)})
    report, run = fast(data, ValidationConfig(), block_lines=16, first_read=FIRST_BLOCK + 224)
    assert run.proved_pieces > 20  # (of 40: those of the first read and at block ends fed)
    totals = report.totals
    assert (totals.first_date, totals.last_date) == (dt.date(2024, 3, 4), dt.date(2024, 5, 10))
    assert dict(totals.journals) == {"VTE": 60, "ACH": 60}
    assert report.errors == 0
    assert summary(report) == summary(reference(data, ValidationConfig()))
