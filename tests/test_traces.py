"""The pièce traces: a dict's setdefault, in bounded memory; and the same findings either way."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tratool
from tests.test_validate_rules import PIECE
from tratool.validation import pieces
from tratool.validation.traces import _MASK, SpillDatabase

# Keys sharing their low bits land on the same bit of the spilled-keys bitmap: the "maybe
# there" answers that only the database can settle.
keys = st.one_of(
    st.integers(-(2**63), 2**63 - 1),
    st.integers(0, 40).map(lambda n: (n << 23) | 5),
)
values = st.one_of(st.integers(0, 10**9), st.text(max_size=8))


@given(
    operations=st.lists(st.tuples(keys, values), max_size=200),
    limit=st.integers(1, 10),
)
def test_a_trace_is_setdefault_on_a_dict(
    operations: list[tuple[int, int | str]], limit: int
) -> None:
    spill = SpillDatabase()
    try:
        trace = spill.trace(limit)
        model: dict[int, int | str] = {}
        for key, value in operations:
            assert trace.setdefault(key, value) == model.setdefault(key, value)
            assert len(trace) == len(model)
            assert len(trace._recent) < limit  # older keys went to disk
    finally:
        spill.close()


def test_colliding_keys_are_told_apart() -> None:
    spill = SpillDatabase()
    try:
        trace = spill.trace(1)  # every key is spilled as soon as it is stored
        first, twin = 7, 7 + (_MASK + 1)  # the same bit in the bitmap
        assert trace.setdefault(first, 1) == 1
        assert trace.setdefault(twin, 2) == 2
        assert trace.setdefault(first, 3) == 1
        assert trace.setdefault(twin, 4) == 2
        assert len(trace) == 2
    finally:
        spill.close()


def test_a_trace_stays_in_memory_when_the_disk_refuses(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    sqlite3.connect(tmp_path / "ro.db").close()
    spill = SpillDatabase()
    spill.db.close()
    spill.db = sqlite3.connect(f"file:{tmp_path / 'ro.db'}?mode=ro", uri=True)
    try:
        trace = spill.trace(2)
        assert [trace.setdefault(k, k * 10) for k in range(5)] == [0, 10, 20, 30, 40]
        assert [trace.setdefault(k, -1) for k in range(6)] == [0, 10, 20, 30, 40, -1]
        assert len(trace) == 6
    finally:
        spill.close()
    assert "temporary database failed: attempt to write a readonly database" in caplog.text


def piece_file(count: int) -> bytes:
    """`count` pièces, then pièces that continue, repeat and reuse numbers of early ones."""
    header = tratool.Header(format="STD", generated_at=None)
    records: list[tratool.Record] = [header]
    for n in range(1, count + 1):
        records += [attrs.evolve(e, piece_number=n, reference=f"FA-{n}") for e in PIECE]
    records += [attrs.evolve(e, piece_number=2, reference="FA-2") for e in PIECE[:2]]  # X04
    records += [attrs.evolve(e, piece_number=count + 1, reference="FA-3") for e in PIECE]
    records += [  # D03: the same lines as pièce 3 under another number
        attrs.evolve(e, piece_number=count + 2, reference="FA-3") for e in PIECE
    ]
    first = PIECE[0].date
    assert first is not None
    moved = first.replace(day=20)  # X02: number 5 again, on another date
    records += [attrs.evolve(e, piece_number=5, reference="FA-5", date=moved) for e in PIECE]
    return "".join(line + "\r\n" for line in tratool.render_lines(records)).encode("cp1252")


def findings(data: bytes) -> tuple[list[tuple[str, int | None, str]], int]:
    report = tratool.validate(io.BytesIO(data))
    return [(f.rule, f.line, f.message) for f in report.findings], report.totals.pieces


def test_spilling_to_disk_changes_no_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    data = piece_file(40)
    in_memory = findings(data)
    monkeypatch.setattr(pieces, "TRACE_LIMIT", 2)
    on_disk = findings(data)
    assert on_disk == in_memory
    rules = {rule for rule, _, _ in on_disk[0]}
    assert {"TRA-X04", "TRA-D03", "TRA-X02"} <= rules
    assert on_disk[1] == 40 + 3  # distinct pièce keys: 1-40, 41, 42, and 5 on its new date
