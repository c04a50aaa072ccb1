"""What a grid block's proofs can tell from the block alone (numpy): the fast engine's first
stage, which columnar.py may run in a worker thread one block ahead of the streaming pass.

Everything here reads the block, the configuration, the file's version and the answers the
proofs remembered themselves — nothing the streaming pass changes as it reads: the row proof
(gridrows.py), the ETE part's (gridextended.py) and the pièce proof's block-local part
(gridpieces.`PieceProof.draft`). What depends on the lines before the block — the dossier
rules' answers, the traces, the totals — is the second stage's, in columnar.py, in file order.
"""

from __future__ import annotations

import attrs

from ..tra import layout
from .configuration import ValidationConfig
from .gridextended import ExtendedProof
from .gridpieces import PieceDraft, PieceProof
from .gridrows import Grid, Mask, RowProof, as_grid


@attrs.frozen(eq=False)
class ProvedBlock:
    """One grid block as the first stage leaves it: its rows `stride` bytes apart, `width`
    columns each; the rows proved clean and the draft of its pièces."""

    stride: int
    width: int
    grid: Grid
    clean: Mask
    draft: PieceDraft


class BlockProver:
    """The proofs of the first stage, and what they remember from block to block. One thread
    uses it at a time: the fast engine's worker, or the engine itself when it runs without."""

    def __init__(self, config: ValidationConfig) -> None:
        self.rows = RowProof(config)
        self.pieces = PieceProof(config, self.rows.memory.block)  # one read of a block's words
        self._extended: ExtendedProof | None = None  # with the first block of ETE lines
        self.config = config

    def prove(self, block: memoryview, stride: int, width: int, version: str) -> ProvedBlock:
        """A grid block's block-local proofs (`is_text_grid` holds for it)."""
        grid = as_grid(block, stride)
        rows = self.rows.prove(grid, version)
        clean, families = rows.clean, rows.families
        if width > layout.STD_WIDTH:  # ETE lines: their columns 1-222 are the STD grid
            extended = self._extended_proof().clean_rows(block, stride, width, version)
            clean, families = clean & extended, families & extended
        draft = self.pieces.draft(grid, families, rows.amount)
        return ProvedBlock(stride, width, grid, clean, draft)

    def _extended_proof(self) -> ExtendedProof:
        if self._extended is None:
            self._extended = ExtendedProof(self.config)
        return self._extended
