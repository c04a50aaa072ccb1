"""The fast engine's first stage (gridblocks.BlockProver): the row proof and the pièce proof
read one copy of a block's words, and prove what each proves alone."""

from __future__ import annotations

import numpy as np

from tests.test_engines_differential import pieces, put
from tratool.validation import ValidationConfig
from tratool.validation.gridblocks import BlockProver
from tratool.validation.gridpieces import PieceDraft, PieceProof
from tratool.validation.gridrows import Mask, RowProof

PLAN = ("starts", "ends", "proved", "journals", "keys", "contents", "numbers", "debits")


def block(lines: list[str]) -> memoryview:
    return memoryview(b"".join(f"{line}\r\n".encode("ascii") for line in lines))


def alone(data: memoryview, config: ValidationConfig) -> tuple[Mask, PieceDraft]:
    """The block's proofs, each with words of its own."""
    rows = RowProof(config)
    grid = np.frombuffer(data, dtype=np.uint8).reshape(-1, 224)[:, :222]
    proved = rows.prove(grid, "STD")
    return proved.clean, PieceProof(config).draft(grid, proved.families, proved.amount)


def same(draft: PieceDraft, expected: PieceDraft) -> None:
    for name in PLAN:
        assert getattr(draft.plan, name).tolist() == getattr(expected.plan, name).tolist(), name
    assert [w.tolist() for w in draft.dates] == [w.tolist() for w in expected.dates]
    assert [w.tolist() for w in draft.accounts] == [w.tolist() for w in expected.accounts]


def test_the_pieces_read_the_words_the_rows_read() -> None:
    config = ValidationConfig()
    prover = BlockProver(config)
    assert prover.pieces.memory.block is prover.rows.memory.block
    lines = pieces(30, analytic=True)
    lines[7] = put(lines[7], "label", '"quoted"')  # a row the rules report
    others = [put(line, "journal", "ACH") for line in pieces(20)]
    for data in (block(lines), block(others), block(lines)):  # a new block: its own words
        proved = prover.prove(data, 224, 222, "STD")
        clean, draft = alone(data, config)
        assert proved.clean.tolist() == clean.tolist()
        assert proved.draft.plan.proved.any()
        same(proved.draft, draft)


def test_a_draft_of_another_grid_reads_that_grid() -> None:
    # The pièce proof given a grid the shared words do not hold reads it itself.
    config = ValidationConfig()
    prover = BlockProver(config)
    first, second = block(pieces(20)), block([put(line, "journal", "ACH") for line in pieces(25)])
    prover.prove(first, 224, 222, "STD")
    _, expected = alone(second, config)
    grid = np.frombuffer(second, dtype=np.uint8).reshape(-1, 224)[:, :222]
    rows = RowProof(config).prove(grid, "STD")
    same(prover.pieces.draft(grid, rows.families, rows.amount), expected)
