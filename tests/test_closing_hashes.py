"""The pièce traces' fingerprints (fingerprints.py): the values pinned for given starting
values, the numpy version (gridhashes.py) equal to the pure-Python one, the grid plan's keys
equal to what the reference's pièce rules compute from the same lines' fields, and the traces'
vectorized lookup (tiers.lookup) equal to `Trace.get`."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.tra_lines import entry, put, std, tiers
from tratool.validation.configuration import ValidationConfig
from tratool.validation.dossier import DossierRules
from tratool.validation.findings import Recorder
from tratool.validation.fingerprints import (
    LINE_TEXT,
    fingerprint,
    line_content,
    mix,
    number_key,
    piece_key,
    signed,
)
from tratool.validation.gridclosing import _repeats
from tratool.validation.gridhashes import contents, fingerprints, number_keys, piece_keys
from tratool.validation.gridpieces import DossierProof, PieceProof
from tratool.validation.gridrows import FIELDS, RowProof, as_grid
from tratool.validation.gridvalues import BlockWords
from tratool.validation.pieces import CONTENT_FIELDS, REPEAT_FIELDS, repeat_text
from tratool.validation.tiers import ABSENT, OTHER, KeyTiers, _among, lookup
from tratool.validation.traces import SpillDatabase, Value


def rows(*values: bytes) -> np.ndarray[tuple[int, int], np.dtype[np.uint8]]:
    return np.frombuffer(b"".join(values), dtype=np.uint8).reshape(len(values), -1)


KEY = (b"VT ", b"01012024", b"       1")  # a pièce key as a grid has it (3, 8, 8 bytes)


def word(text: bytes) -> int:
    return int.from_bytes(text.ljust(8, b"\0"), "little")


def test_fingerprints_are_pinned_for_given_starting_values() -> None:
    # Written down once: a change of the function shows here (both engines must follow).
    assert fingerprint(b"", 0) == 0
    assert fingerprint(b"\x01", 0) == 0x697723A9116E9C56
    assert fingerprint(b"VT 01012024       1", 1) == 0xC0875BC45C1CE949
    assert fingerprint(bytes(range(1, 17)), 12345) == 0xD48B4CE30C1BE44F
    assert piece_key("VT", "01012024", "1", seed=1) == -4573585997654333111
    assert number_key("VT", 1, seed=1) == -7328192077871205722
    assert fingerprints((rows(b"VT 01012024       1"),), 1).tolist() == [0xC0875BC45C1CE949]
    assert fingerprints((rows(bytes(range(1, 17))),), 12345).tolist() == [0xD48B4CE30C1BE44F]
    journal, date, number = (np.array([word(text)], dtype=np.uint64) for text in KEY)
    assert number_keys(journal, np.array([1]), 1).view(np.int64).tolist() == [-7328192077871205722]
    assert piece_keys(journal, date, number, 1).view(np.int64).tolist() == [-4573585997654333111]


# A line's content text (LINE_TEXT): pièce type, journal, date, account, auxiliary,
# reference, label, currency, amount, direction, line type.
TEXT = (
    "FC" "VTE" "04032024" "70610000         " + " " * 17 + "FA-101".ljust(35)
    + "Facture Dupont".ljust(35) + "EUR" + "100,00".rjust(20) + "D" " "
)  # fmt: skip


def test_a_line_content_is_pinned_and_its_text_is_the_pieces_rules() -> None:
    assert ("piece_type", "journal", "date", *REPEAT_FIELDS, "line_type") == LINE_TEXT
    assert CONTENT_FIELDS == LINE_TEXT
    assert len(TEXT) == 142
    assert line_content(TEXT, 1) == 0xFAF2069F978156FE


@pytest.mark.parametrize("label", ["Facture Dupont", "Facturé Dupont"])
def test_a_line_content_hashes_its_fields_in_their_order_on_the_line(label: str) -> None:
    # Journal to label (the line type between account and auxiliary), direction and amount,
    # currency: each part's UTF-8 bytes padded with zero bytes to whole words, and the parts'
    # lengths, 16 bits each, for the length.
    text = TEXT[:82] + label.ljust(35) + TEXT[117:]
    first = (
        "VTE" "04032024" "FC" "70610000         " " " + " " * 17 + "FA-101".ljust(35)
        + label.ljust(35)
    ).encode("utf-8")  # fmt: skip
    parts = [first, b"D" + b"100,00".rjust(20), b"EUR"]
    padded = b"".join(part + bytes(-len(part) & 7) for part in parts)
    length = len(first) | 21 << 16 | 3 << 32
    assert line_content(text, 7) == mix(padded, length, 7)


def test_the_canonical_texts_tell_apart_what_differs() -> None:
    # The same characters in other fields, or other parts of the line; a cut text.
    moved = TEXT[:13] + TEXT[14:30] + "7" + TEXT[30:]  # the account's last 0 into the auxiliary
    assert len({line_content(t) for t in (TEXT, moved, TEXT[:-1], TEXT[:-1] + "é")}) == 4
    swapped = TEXT[:117] + "100" + TEXT[120:137] + "EUR" + TEXT[140:]  # currency and amount
    assert line_content(swapped) != line_content(TEXT)
    # The date of a cut line is shorter: the length keeps the parts apart.
    assert piece_key("VT", "0101", "2024") != piece_key("VT", "01012024", "")
    assert piece_key("VT", "01012024", "12") != piece_key("VT", "01012024", "012")
    assert number_key("VT", 12) != number_key("VTE", 12) != number_key("VT", 13)
    assert fingerprint(b"a") != fingerprint(b"a\0")  # a zero byte is not the padding


@given(
    width=st.integers(1, 40),
    count=st.integers(1, 6),
    seed=st.integers(0, (1 << 64) - 1),
    data=st.data(),
)
def test_numpy_and_python_fingerprints_agree(
    width: int, count: int, seed: int, data: st.DataObject
) -> None:
    values = [data.draw(st.binary(min_size=width, max_size=width)) for _ in range(count)]
    assert fingerprints((rows(*values),), seed).tolist() == [fingerprint(v, seed) for v in values]


@given(data=st.data(), count=st.integers(1, 5), seed=st.integers(0, (1 << 64) - 1))
def test_numpy_and_python_line_contents_agree(data: st.DataObject, count: int, seed: int) -> None:
    # Any ASCII rows: the numpy side reads the fields in place, Python cuts them from the text.
    ascii_line = st.text(st.characters(max_codepoint=127), min_size=222, max_size=222)
    lines = [data.draw(ascii_line) for _ in range(count)]
    block = BlockWords()
    block.load(rows(*(line.encode("ascii") for line in lines)))
    texts = ["".join(line[FIELDS[n].start : FIELDS[n].end] for n in LINE_TEXT) for line in lines]
    assert contents(block, seed).tolist() == [line_content(t, seed) for t in texts]


def grid_of(lines: list[str]) -> np.ndarray[tuple[int, int], np.dtype[np.uint8]]:
    block = "".join(f"{line}\r\n" for line in lines).encode("ascii")
    return as_grid(block, len(lines[0]) + 2)


def test_the_plan_keys_are_the_reference_keys() -> None:
    # Four pièces of three lines; the third's number written left-aligned (still proved: the
    # plan right-aligns it as the reference strips it).
    lines: list[str] = []
    for number in (101, 102, 7, 104):
        lines += std(
            tiers(direction="D", amount=Decimal(200), piece_number=number),
            entry(direction="C", amount=Decimal("150.5"), piece_number=number),
            entry(direction="C", amount=Decimal("49.5"), piece_number=number, label="x"),
        )[1:]
    for at in (6, 7, 8):
        lines[at] = put(lines[at], "piece_number", "7       ")
    config = ValidationConfig()
    rows = RowProof(config)
    proof = PieceProof(config)
    dossier = DossierProof(DossierRules(config, Recorder(config), [], {}))
    grid = grid_of(lines)
    proved = rows.prove(grid, "")
    plan = dossier.plan(proof.draft(grid, proved.families, proved.amount))
    assert plan.proved.tolist() == [False, True, True, False]
    for index, number in ((1, 102), (2, 7)):
        journal, date, raw = plan.key(index)
        assert (raw, plan.numbers[index]) == (str(number), number)
        assert plan.keys[index] == piece_key(journal, date, str(number))
        assert plan.number_keys[index] == number_key(journal, number)
        contents = 0
        for line in lines[3 * index : 3 * index + 3]:
            raw_fields = {n: line[f.start : f.end] for n, f in FIELDS.items()}
            text = repeat_text(journal, date, raw_fields, raw_fields["line_type"].strip())
            contents += line_content(raw_fields["piece_type"] + text)
        assert plan.contents[index] == signed(contents % (1 << 64))


def test_the_vectorized_lookup_is_trace_get() -> None:
    spill = SpillDatabase()
    try:
        trace = spill.trace(2)
        trace.tiers = KeyTiers()
        trace.tiers.capacity = 4
        stored: dict[int, Value] = {11: 5, -12: 6, 13: "ab012024", 14: 0, 15: 9, 16: 10, 17: 11}
        for key, value in stored.items():  # two batches to the tier, the rest to SQLite, one kept
            trace.setdefault(key, value)
        keys = np.array([11, -12, 13, 14, 15, 16, 17, 18, -1], dtype=np.int64)
        expected = [5, 6, OTHER, 0, 9, 10, 11, ABSENT, ABSENT]
        assert lookup(trace, keys).tolist() == expected
        assert [trace.get(k) for k in keys.tolist()] == [*stored.values(), None, None]
    finally:
        spill.close()


def test_repeats_marks_each_value_after_its_first_place() -> None:
    values = np.array([5, 3, 5, 7, 3, 5, -1], dtype=np.int64)
    assert _repeats(values).tolist() == [False, False, True, False, True, True, False]
    assert _repeats(np.array([9, -4, 2], dtype=np.int64)).tolist() == [False] * 3
    assert _repeats(np.array([], dtype=np.int64)).tolist() == []
    assert _repeats(np.array([8], dtype=np.int64)).tolist() == [False]


def test_among_finds_exactly_the_stored_keys() -> None:
    # Keys that share a stored key's low bits (4096 apart) and are not stored are not found.
    stored = np.array([7, -12], dtype=np.int64)
    keys = np.array([7, 7 + 4096, -12, -12 + 4096, -12 - (1 << 40), 99, 7], dtype=np.int64)
    assert _among(keys, stored).tolist() == [True, False, True, False, False, False, True]
    rng = np.random.default_rng(17)
    many = rng.integers(-(1 << 62), 1 << 62, 50_000, dtype=np.int64)
    asked = np.concatenate((many[::7], rng.integers(-(1 << 62), 1 << 62, 9_000, dtype=np.int64)))
    assert (_among(asked, many) == np.isin(asked, many)).all()
    assert _among(asked, many).sum() == len(many[::7])
