"""What the fast engine's proofs remember from block to block (answers per value) must not
outlive what the answers depend on: the same report as the reference engine when the file
changes what a rule knows half-way."""

from __future__ import annotations

from tests.test_engines_differential import fast, number_of, pieces, put, reference, summary
from tests.tra_lines import std
from tratool.validation import ValidationConfig

# Fiscal year 2025 (TV-P1's layout: code, first and last day, state): every pièce of
# `pieces()`, dated 04/03/2024, lies outside it.
EXERCISE_2025 = "***EXO0010101202531122025OUV"


def test_dates_are_judged_again_once_an_exercise_is_read() -> None:
    # Grid blocks prove the date quiet while no exercise is known; after the ***EXO record
    # (in a block of its own that goes line by line) the same date draws TRA-X05.
    later = []  # the same pièces numbered and labelled anew: no repeat to report
    for line in pieces(40):
        number = str(int(number_of(line)) + 100)
        later.append(put(put(line, "piece_number", number), "label", f"Facture {number}"))
    lines = [std()[0], *pieces(40), EXERCISE_2025, *later]
    data = "".join(f"{line}\r\n" for line in lines).encode("ascii")
    config = ValidationConfig()
    expected = summary(reference(data, config, 10_000))
    assert any(f.rule == "TRA-X05" for f, _ in expected["findings"])
    for block_lines in (16, 23):
        report, run = fast(data, config, block_lines, first_read=8192, max_findings=10_000)
        assert run.proved_pieces > 10  # the first half, proved with the date
        assert summary(report) == expected
