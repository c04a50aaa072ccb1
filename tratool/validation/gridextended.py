"""The ETE part's proof on a grid block (numpy): which rows of a block of same-width ETE
general lines no ETE rule can report, and which the cross-line families read exactly as
they read a STD line.

Columns 1-222 of such a block are the STD grid, proved by gridrows.py and gridpieces.py. The
ETE part (223 to the line's end) is proved here, once per distinct value of the fields the
ETE rules read (`extended.general_fields_read`: dates, opening kind, company code, the
required fields, the lettering state and code) and the line type: the rule code itself is
asked, on a stand-in line of the same width that holds those fields and blanks elsewhere. The
block is pure ASCII without control bytes (columnar.py checks it first), so TRA-F26 has
nothing to say either, and no rule reads the other ETE columns. A row is proved only if:

* its line type is a general one (A and O lines have the analytic ETE layout);
* its width draws no TRA-S09 for its line type and the header's version;
* the ETE rules emit nothing on its fields;
* its lettering code is blank and its opening kind is neither OAN nor H: the only two ETE
  values the cross-line families read (a lettering group, a balance left out), so that a
  proved row may be fed to them as a STD line is.

Any other row goes line by line through the reference code.
"""

from __future__ import annotations

import functools

import numpy as np

from ..tra import layout
from ..tra.diagnose import entry_width
from .configuration import ValidationConfig
from .extended import REQUIRED, ExtendedRules, general_fields_read
from .findings import Recorder
from .gridrows import Grid, Ints, Mask, chosen, unique
from .gridvalues import Memory, Span

_LEFT_OUT = ("OAN", "H")  # opening kinds the pièce rules leave out of the balance


class ExtendedProof:
    """Asks the ETE rule code about each distinct ETE value of a block, and answers for the
    rows: answers remembered from block to block by the values' bytes (gridvalues.Memory), so
    that only values not seen before are sorted and asked."""

    def __init__(self, config: ValidationConfig) -> None:
        self.config = config
        self.recorder = Recorder(config)
        self.rules = ExtendedRules(config, self.recorder)
        self._answers: dict[tuple[int, str, bytes], bool] = {}
        self.memory = Memory()  # its own block: the ETE part's columns

    def clean_rows(self, block: memoryview, stride: int, width: int, version: str) -> Mask:
        """The rows of `block` (lines `stride` bytes apart, `width` columns each) whose ETE
        part is proved; False everywhere when the lines stop before a required field (the
        rules then count them, which only the line-by-line path does)."""
        rows = len(block) // stride
        grid: Grid = np.frombuffer(block, dtype=np.uint8).reshape(rows, stride)[:, :width]
        spans = _spans(width)
        if spans is None:
            return np.zeros(rows, dtype=np.bool_)
        self.memory.block.load(grid)

        def ask(at: Ints) -> Mask:
            values = chosen(grid, at)
            joined = np.ascontiguousarray(np.concatenate([values[:, a:b] for a, b in spans], 1))
            distinct, inverse = unique(joined.view(f"S{joined.shape[1]}").ravel())
            answers = [self._quiet(width, version, key) for key in distinct.tolist()]
            asked: Mask = np.array(answers, dtype=np.bool_)[inverse]
            return asked

        # The answers depend on the width and the version too: a table for each.
        return self.memory.answers(f"{width} {version}", self.memory.block.key(spans), ask)

    def _quiet(self, width: int, version: str, key: bytes) -> bool:
        remembered = (width, version, key)
        answer = self._answers.get(remembered)
        if answer is None:
            if len(self._answers) > 65_536:
                self._answers.clear()  # flat memory on files with very many distinct values
            answer = self._answers[remembered] = self._ask(width, version, key.decode("ascii"))
        return answer

    def _ask(self, width: int, version: str, key: str) -> bool:
        """Whether a general line of this width, line type and ETE values is quiet: no
        TRA-S09, no ETE finding, nothing the cross-line families read of its ETE part."""
        kind = layout.LINE_TYPE
        line_type = key[: kind.width].strip(" ")
        if layout.ete_layout(line_type) is not layout.ETE_GENERAL:
            return False
        if entry_width(" " * width, line_type, True, version, self.config.max_line_width):
            return False
        text, values, at = list(" " * width), {}, kind.width
        text[kind.start : kind.end] = key[: kind.width]
        for f in _read_within(width) or ():
            value = values[f.name] = key[at : at + min(f.end, width) - f.start]
            text[f.start : f.start + len(value)] = value
            at += len(value)
        if values["lettering_code"].strip() or values["opening_kind"].strip() in _LEFT_OUT:
            return False
        self.recorder.emitted = False
        self.rules.check(0, "".join(text), layout.ETE_GENERAL)
        return not self.recorder.emitted


@functools.cache
def _spans(width: int) -> list[Span] | None:
    """The columns the proof reads of a line of `width` columns: the line type's, then those
    of the fields the ETE rules read (`_read_within`), neighbours joined; None as there."""
    fields = _read_within(width)
    if fields is None:
        return None
    spans = [(layout.LINE_TYPE.start, layout.LINE_TYPE.end)]
    for f in fields:
        end = min(f.end, width)
        if spans[-1][1] == f.start:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((f.start, end))
    return spans


@functools.cache
def _read_within(width: int) -> tuple[layout.Field, ...] | None:
    """The fields the ETE rules read that start within `width` columns (the others read as
    blanks); None when a general line of that width lacks a required field (TRA-F22, F25
    count such lines in the rules' own state)."""
    fields = general_fields_read()
    if any(f.end > width for f in (*REQUIRED, layout.ETE_GENERAL.field("lettering_state"))):
        return None
    return tuple(f for f in fields if f.start < width)
