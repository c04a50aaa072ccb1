"""The fast engine's memory tier of the pièce traces (tiers.py), beside the database."""

from __future__ import annotations

from tratool.validation.tiers import KeyTiers
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
