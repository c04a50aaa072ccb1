"""What the per-line path remembers to be cheaper (validation/streaming.py, gridclosing.py):
the entry dates parsed once each, forgotten past a bound, and a block's stored keys told
absent by their low bits before the key itself is compared."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from tests.test_engines_differential import FIRST_BLOCK, fast, pieces, put, reference, summary
from tests.tra_lines import std
from tratool.validation import ValidationConfig, streaming
from tratool.validation.gridclosing import FEW_GETS, LOW_BITS, Recorded

# A stored key; another with the same low bits (the byte per low bits says "maybe"); a
# negative key with the low bits of neither; and one never stored (not eligible). Their low
# bits fill all 18, so that a filter on fewer bits or other bits tells them apart wrongly.
LOW = 0x2A5F3
STORED, SAME_LOW, NEGATIVE, INELIGIBLE = LOW + 3 * (LOW_BITS + 1), LOW, -(1 << 40) + 9, 77
OTHER = -(1 << 40) + 0x1F0F0  # stored by a later run


def test_a_stored_key_is_found_and_a_key_with_its_low_bits_is_not() -> None:
    keys = np.array([STORED, OTHER, INELIGIBLE], dtype=np.int64)
    recorded = Recorded(keys, np.array([100, 200, 300]), np.array([True, True, False]))
    assert recorded.get(STORED) is None  # not marked stored yet
    recorded.record(0, 1)
    assert (recorded.get(STORED), recorded.get(OTHER)) == (100, None)  # OTHER's run: not yet
    recorded.record(1, 3)
    for _ in range(FEW_GETS + 2):  # by comparison, then by the dict built past FEW_GETS
        assert recorded.get(STORED) == 100
        assert recorded.get(SAME_LOW) is None
        assert recorded.get(NEGATIVE) is None
        assert recorded.get(OTHER) == 200
        assert recorded.get(INELIGIBLE) is None
        assert recorded.place(INELIGIBLE) is None
    assert len(recorded) == 2
    assert recorded.stored.tolist() == [True, True, False]


# Past 30 pièces of 04/03/2024 (the first read's, then grid blocks), six pièces on four
# dates, the third on a date that is not one (TRA-F02 reports it).
DATES = ["04032024", "01022024", "31022024", "29022024", "15052024", "01022024"]


def dated_file() -> bytes:
    lines = pieces(36)  # three lines a pièce
    for at in range(90, 108):
        lines[at] = put(lines[at], "date", DATES[(at - 90) // 3])
    return "".join(f"{line}\r\n" for line in [std()[0], *lines]).encode("cp1252")


@pytest.mark.parametrize("kept", [1, 2, 4_096])
def test_the_totals_dates_past_the_dates_kept(monkeypatch: pytest.MonkeyPatch, kept: int) -> None:
    monkeypatch.setattr(streaming, "_DATES_KEPT", kept)
    data, config = dated_file(), ValidationConfig()
    expected = reference(data, config, 100)
    assert (expected.totals.first_date, expected.totals.last_date) == (
        dt.date(2024, 2, 1),
        dt.date(2024, 5, 15),
    )
    assert expected.totals.entries == 108
    assert [f.line for f in expected.findings if f.rule == "TRA-F02"] == [98, 99, 100]
    for block_lines in (1, 4, 16):  # every pièce fed line by line, or some proved
        report, run = fast(data, config, block_lines, FIRST_BLOCK + 224, 100)
        assert summary(report) == summary(expected)
        assert run.grid_rows > 80  # the dated pièces are read as grid rows
