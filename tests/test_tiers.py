"""The fast engine's memory tier of the pièce traces (tiers.py), beside the database."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest

from tratool.validation.tiers import ABSENT, KeyTiers
from tratool.validation.traces import SpillDatabase, Value


def test_keys_kept_in_tiers_are_found_with_their_values() -> None:
    tiers, bitmap = KeyTiers(), bytearray(1 << 10)
    for batch in range(5):  # tiers of similar sizes are merged
        keys: dict[int, Value] = {-(batch * 10 + k) * 7919: batch * 10 + k for k in range(10)}
        assert tiers.add(keys, bitmap, (1 << 13) - 1)
    assert tiers.add({42: "ab012024"}, bitmap, (1 << 13) - 1)  # a date not in digits
    assert [tiers.get(-k * 7919) for k in range(50)] == list(range(50))
    assert tiers.get(42) == "ab012024"
    assert tiers.add({43: ""}, bitmap, (1 << 13) - 1)  # a blank date is a str too, not line 0
    assert tiers.get(43) == ""
    assert tiers.get(1) is None


def test_lines_past_two_billion_and_a_full_tier_go_to_the_database() -> None:
    spill = SpillDatabase()
    try:
        trace = spill.trace(1)
        trace.tiers = KeyTiers()
        trace.tiers.capacity = 2
        for key, value in ((1, 5), (2, 1 << 31), (3, 7), (4, 8)):
            assert trace.setdefault(key, value) == value
        assert trace.tiers.size == 2  # keys 1 and 3; 2 (its line too big) and 4 (full) in SQLite
        assert [trace.get(k) for k in (1, 2, 3, 4, 5)] == [5, 1 << 31, 7, 8, None]
        assert len(trace) == 4
    finally:
        spill.close()


def test_cold_tiers_keep_keys_on_file_and_find_them_by_their_high_half() -> None:
    tiers, bitmap, mask = KeyTiers(), bytearray(1 << 10), (1 << 13) - 1
    tiers.cold = 4  # a tier of 4 keys or more goes to the file
    high = 5 << 32  # keys sharing their high 32 bits: only the file tells them apart
    batches: list[dict[int, Value]] = [
        {high + 1: 10, high + 3: 11, -(7 << 32) - 9: 12, 99: 13},
        {high + 2: 20, 1 << 62: 21},
        {-1: 30, high + 5: 31},
    ]
    for batch in batches:
        assert tiers.add(batch, bitmap, mask)
    stored = (high + 3, high + 2, high + 1, -(7 << 32) - 9, 99, 1 << 62, -1, high + 5)
    assert [tiers.get(k) for k in stored] == [11, 20, 10, 12, 13, 21, 30, 31]
    assert [tiers.get(k) for k in (high + 4, high, 6 << 32)] == [None, None, None]
    keys = np.array([high + 4, high + 5, high + 1, 98, -1, -(7 << 32) - 9], dtype=np.int64)
    assert tiers.find(keys).tolist() == [ABSENT, 31, 10, ABSENT, 30, 12]
    tiers.close()


def test_without_a_writable_temporary_directory_cold_tiers_stay_in_memory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "missing"))
    tiers, bitmap, mask = KeyTiers(), bytearray(1 << 10), (1 << 13) - 1
    tiers.cold = 2
    for batch in ({1: 1, 2: 2}, {3: 3, 4: 4}, {5: 5}):
        assert tiers.add(dict(batch), bitmap, mask)
    assert [tiers.get(k) for k in range(1, 7)] == [1, 2, 3, 4, 5, None]
    tiers.close()
