"""Which rows of a block of 222-column entry lines the reader can type without a diagnostic.

Only the typed fields of an entry line can fail to parse (dates, amounts, the rate, the piece
and due numbers); text fields cannot. A block of lines of one width is a grid (`scan.is_grid`),
viewed here as a numpy array with one row per line, so each field is a column. For each typed
field:

* numbers (amounts, rate, integers) are proved by array arithmetic, conservatively: blanks,
  then digits with at most one ``,`` or ``.`` between digits (none for an integer), then
  blanks — a subset of what `values.parse_decimal` / `parse_integer` accept;
* every value that proof leaves out, and every date (a file repeats few), is asked of the
  parser itself, once per distinct value.

A row is clean when every typed field parses; the reader types the other rows line by line,
so every diagnostic is still worded by the parsers, in file order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from . import layout
from .layout import Kind
from .values import PARSERS

Mask = npt.NDArray[np.bool_]
Grid = npt.NDArray[np.uint8]

_NUMBERS = {Kind.AMOUNT: True, Kind.DECIMAL: True, Kind.INTEGER: False}  # kind -> separator?
_TYPED = tuple(f for f in layout.ENTRY.fields if f.kind in _NUMBERS or f.kind is Kind.DATE)
_BLANK, _COMMA, _POINT, _ZERO = 32, 44, 46, 48
_ANSWERS_KEPT = 65_536  # distinct values remembered across blocks, for flat memory


class TypedProof:
    """Answers, for grid blocks, which rows parse; remembers the answer for each distinct
    value it had to ask the parser about."""

    def __init__(self) -> None:
        self._answers: dict[tuple[str, bytes], bool] = {}

    def parsed_block(self, block: bytes, rows: int, stride: int) -> list[bool]:
        """For each of the `rows` lines of `block` (each `stride` bytes long, ending included),
        whether its typed fields all parse."""
        grid = np.frombuffer(block, dtype=np.uint8).reshape(rows, stride)[:, : layout.STD_WIDTH]
        return list(self.parsed_rows(grid).tolist())

    def parsed_rows(self, grid: Grid) -> Mask:
        """Rows of `grid` (n × 222 bytes, ASCII) whose typed fields all parse."""
        clean = np.ones(len(grid), dtype=np.bool_)
        for f in _TYPED:
            cells = grid[:, f.start : f.end]
            if f.kind is Kind.DATE:
                clean &= self._by_value(f, cells)
                continue
            plain = _plain_number(cells, separator=_NUMBERS[f.kind])
            unsure = ~plain
            if unsure.any():
                plain[unsure] = self._by_value(f, cells[unsure])
            clean &= plain
        return clean

    def _by_value(self, f: layout.Field, cells: Grid) -> Mask:
        keys = np.ascontiguousarray(cells).view(f"S{f.width}").ravel()
        distinct, inverse = np.unique(keys, return_inverse=True)
        parse = PARSERS[f.kind]
        answers = [self._parses(f.name, key, parse) for key in distinct.tolist()]
        parsed: Mask = np.array(answers, dtype=np.bool_)[inverse.ravel()]
        return parsed

    def _parses(self, name: str, key: bytes, parse: Callable[[str], Any]) -> bool:
        answer = self._answers.get((name, key))
        if answer is None:
            if len(self._answers) >= _ANSWERS_KEPT:
                self._answers.clear()
            try:
                parse(key.decode("ascii"))  # the grid holds no NUL, which numpy would drop
                answer = True
            except ValueError:
                answer = False
            self._answers[(name, key)] = answer
        return answer


def _plain_number(cells: Grid, *, separator: bool) -> Mask:
    """Rows that are blank, or blanks then digits to the end of the field, holding at most one
    decimal separator between two digits (right-justified, as Cegid writes numbers)."""
    kinds = (_KINDS_DECIMAL if separator else _KINDS_INTEGER)[cells]
    pairs = _BAD_PAIRS[kinds[:, :-1] * 4 + kinds[:, 1:]]
    clean: Mask = (
        ~pairs.any(axis=1)
        & (_FIRST_OK[kinds[:, 0]])
        & (_LAST_OK[kinds[:, -1]])
        & (np.count_nonzero(kinds == _MARK, axis=1) <= 1)
    )
    return clean


# What each byte is to a number: a blank, a digit, a decimal mark or anything else.
_BLANK_KIND, _DIGIT, _MARK, _OTHER = 0, 1, 2, 3
_KINDS_INTEGER = np.full(256, _OTHER, dtype=np.uint8)
_KINDS_INTEGER[_BLANK] = _BLANK_KIND
_KINDS_INTEGER[_ZERO : _ZERO + 10] = _DIGIT
_KINDS_DECIMAL = _KINDS_INTEGER.copy()
_KINDS_DECIMAL[[_COMMA, _POINT]] = _MARK
# Neighbours that cannot occur in such a field: a blank after anything but a blank, a mark
# after a blank or a mark, and anything next to another byte.
_BAD_PAIRS = np.ones(16, dtype=np.bool_)
for _before, _after in [
    (_BLANK_KIND, _BLANK_KIND),
    (_BLANK_KIND, _DIGIT),
    (_DIGIT, _DIGIT),
    (_DIGIT, _MARK),
    (_MARK, _DIGIT),
]:
    _BAD_PAIRS[_before * 4 + _after] = False
_FIRST_OK = np.array([True, True, False, False])  # a field may start blank or with a digit
_LAST_OK = np.array([True, True, False, False])  # and end blank (all blank) or with a digit
