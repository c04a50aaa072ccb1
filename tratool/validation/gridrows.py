"""The per-line field rules' proof on a grid block (numpy): which rows no field rule can
report. The fast engine (columnar.py) imports it only once a block is a grid, so that a small
file never pays numpy's import.

The proofs ask the rule code itself, once per distinct value of the fields a check reads, and
remember the answers from block to block by the value's bytes (gridvalues.py). Fields whose
values are nearly all distinct are proved by arithmetic on their bytes, eight at a time, and
conservatively: amounts (gridamounts.py: plain digits, at most one decimal comma, within the
currency's decimals), labels and pièce numbers (`_PLAIN`: the bytes a quiet value is sure to
be made of); a row those classes do not cover is still asked of the rule code, once per
distinct value.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable

import attrs
import numpy as np
import numpy.typing as npt

from ..tra import layout
from ..tra.diagnose import entry_width
from .configuration import ValidationConfig
from .entries import EntryRules
from .fields import SINGLE_FIELD_CHECKS, Check
from .findings import Recorder
from .gridamounts import AmountField
from .gridvalues import (
    BlockWords,
    Memory,
    Span,
    Words,
    digit_bytes,
    each_byte,
    equal_bytes,
    first_bytes,
)
from .structure import StructureRules

_WIDTH = layout.STD_WIDTH
_BLANK = ord(" ")
FIELDS = {f.name: f for f in layout.ENTRY.fields}
Mask = npt.NDArray[np.bool_]
Grid = npt.NDArray[np.uint8]
Ask = Callable[[list[str]], bool]  # whether a check reports something on these field values


def as_grid(block: bytes | memoryview, stride: int) -> Grid:
    """A block of entry lines `stride` bytes apart as rows of their 222 columns."""
    rows = len(block) // stride
    grid: Grid = np.frombuffer(block, dtype=np.uint8).reshape(rows, stride)[:, :_WIDTH]
    return grid


@attrs.frozen(eq=False)
class ProvedRows:
    """A block's rows the field rules were spared (`clean`), and its amount as read for that
    (the pièce proof's cents): a value of its own per block, so that the proof of the next
    block may run meanwhile (columnar.py's pipeline)."""

    clean: Mask
    amount: AmountField
    families: Mask  # `clean`, and the rows only LINE_ONLY questions fail


@attrs.frozen
class Question:
    """A question of the row proof: whether `ask` emits nothing on the fields `names` (with
    `blankness`, those after the first two — the first one for the amount code — read only
    as blank or not)."""

    kind: str
    names: tuple[str, ...]
    ask: Ask
    blankness: bool = False

    def whole(self) -> list[layout.Field]:
        read = _FULL.get(self.names[0], len(self.names)) if self.blankness else len(self.names)
        return [FIELDS[name] for name in self.names[:read]]

    def flags(self) -> list[layout.Field]:
        return [FIELDS[name] for name in self.names if FIELDS[name] not in self.whole()]


# The questions answered together, by the union of the columns they read: fields that vary
# together or hardly vary, so that their combinations stay few (one look-up instead of one
# per question); label and piece number, nearly all distinct, are not looked up.
# The questions on fields the cross-line families read only into a line's content hash (which
# the pièce proof computes from the columns) or, for the auxiliary, through TRA-X06 (which
# the pièce proof asks of every general row, clean or not: DossierProof): a row that fails
# only these may still be in a proved pièce, and only the rules that read a line alone are
# run on it (columnar.py).
LINE_ONLY = frozenset({"label", "tiers"})  # TRA-F06; TRA-F05 and F07
_GROUPS = (
    ("journal", "piece_type", "direction", "due_number"),
    ("date",),
    ("due_date",),
    ("account",),
    ("payment_method", "entry_type", "currency", "amount_code", "establishment", "rate", "code"),
    ("structure", "tiers", "axis"),
)


class RowProof:
    """Asks the per-line rule code whether a row can be reported, one distinct input at a
    time, and answers for whole columns."""

    def __init__(self, config: ValidationConfig) -> None:
        self.config = config
        self.recorder = Recorder(config)
        self.entries = EntryRules(config, self.recorder)
        self.structure = StructureRules(config, self.recorder)
        self._answers: dict[tuple[str, bytes], bool] = {}
        self._asked: dict[str, dict[str, Question]] = {}  # the questions, by file version
        self._spanned: dict[tuple[str, ...], tuple[tuple[Span, ...], tuple[Span, ...]]] = {}
        self.memory = Memory()  # answers by value, kept from block to block; its own block

    def quiet(self, kind: str, key: bytes, ask: Ask, widths: list[int]) -> bool:
        """Whether `ask` reports nothing on the fields `key` joins (of `widths`); remembered by
        (kind, key), which is all that `ask` reads."""
        answer = self._answers.get((kind, key))
        if answer is None:
            if len(self._answers) > 65_536:
                self._answers.clear()  # flat memory on files with very many distinct values
            self.recorder.emitted = False
            reported = ask(_split(key, widths)) or self.recorder.emitted
            answer = self._answers[(kind, key)] = not reported
        return answer

    def clean_rows(self, grid: Grid, version: str) -> Mask:
        return self.prove(grid, version).clean

    def prove(self, grid: Grid, version: str) -> ProvedRows:
        """The rows of `grid` no field rule can report, for a file of this `version`. Reads
        only the configuration, the version and the answers this proof remembered."""
        self.memory.block.load(grid)
        amount = AmountField(self.memory.block, "amount")
        clean = np.ones(len(grid), dtype=np.bool_)
        families = np.ones(len(grid), dtype=np.bool_)
        questions = self._questions(version)
        for group in _GROUPS:
            answers = self._by_values(grid, [questions[kind] for kind in group])
            clean &= answers
            families &= self._but_line_only(grid, [questions[kind] for kind in group], answers)
        for name, plain in _PLAIN.items():  # nearly all distinct: what the bytes leave, sorted
            question = questions[name]
            asked = ~plain(self.memory.block, grid)
            answers = self._by_sorting(grid, question.names, question.ask, asked=asked)
            clean &= answers
            if name not in LINE_ONLY:
                families &= answers
        amounts = self._amounts(amount)
        return ProvedRows(clean & amounts, amount, families & amounts)

    def _but_line_only(self, grid: Grid, group: list[Question], answers: Mask) -> Mask:
        """`answers` of `group` without its LINE_ONLY questions: the rows it fails asked again
        (few, and their answers remembered) of the group's other questions alone."""
        if LINE_ONLY.isdisjoint(q.kind.split()[0] for q in group) or answers.all():
            return answers
        others: Mask = np.ones(len(grid), dtype=np.bool_)
        failed = ~answers
        for q in group:
            if q.kind.split()[0] not in LINE_ONLY:
                others &= self._by_sorting(grid, q.names, q.ask, failed, q.blankness, q.kind)
        return others

    def _questions(self, version: str) -> dict[str, Question]:
        """Every question of the row proof, by the first word of its kind."""
        found = self._asked.get(version)
        if found is None:
            questions = [
                *(
                    Question(name, (name,), functools.partial(self._single, check))
                    for name, check in SINGLE_FIELD_CHECKS.items()
                ),
                Question(  # the version's line widths (TRA-S10)
                    f"structure {version}",
                    ("line_type",),
                    functools.partial(self._structure, version=version),
                ),
                Question("tiers", ("line_type", "auxiliary", "reference"), self._tiers, True),
                Question("rate", ("exchange_rate", "currency"), self._rate),
                Question("axis", ("axis", "line_type", "auxiliary"), self._axis, True),
                Question("code", ("amount_code", "amount2", "amount3"), self._code, True),
            ]
            found = self._asked[version] = {q.kind.split()[0]: q for q in questions}
        return found

    def _by_values(self, grid: Grid, group: list[Question]) -> Mask:
        """Rows on whose values every question of `group` emits nothing: answers remembered
        from earlier blocks by the columns the questions read (whole, or only as blank or
        not), the rows of values not remembered sorted (`_by_sorting`), question by question."""
        key = self.memory.block.key(*self._spans(group))

        def by_sorting(rows: Ints) -> Mask:
            # Rows of one key read the same values: with several questions, each is asked
            # of one row per distinct key (sorted once), not sorted again for each.
            first, inverse = _one_per_key([words[rows] for words in key], len(group))
            values = chosen(grid, rows) if first is None else grid[rows[first]]
            quiet: Mask = np.ones(len(values), dtype=np.bool_)
            for q in group:
                quiet &= self._by_sorting(values, q.names, q.ask, None, q.blankness, q.kind)
            return quiet if inverse is None else quiet[inverse]

        return self.memory.answers(" + ".join(q.kind for q in group), key, by_sorting)

    def _spans(self, group: list[Question]) -> tuple[tuple[Span, ...], tuple[Span, ...]]:
        """The columns `group` reads whole, joined, and those it reads only as blank or not
        (worked out once: the same for every block)."""
        kinds = tuple(q.kind for q in group)
        found = self._spanned.get(kinds)
        if found is None:
            whole = {f for question in group for f in question.whole()}
            flags = {f for question in group for f in question.flags()} - whole
            found = tuple(_joined_spans(whole)), tuple(sorted((f.start, f.end) for f in flags))
            self._spanned[kinds] = found
        return found

    def _by_sorting(
        self,
        grid: Grid,
        names: tuple[str, ...],
        ask: Ask,
        asked: Mask | None = None,
        blankness: bool = False,
        kind: str = "",
    ) -> Mask:
        """Rows whose values of `names` make `ask` emit nothing, of the rows `asked` (None: all;
        the others are True), asked once per distinct value. With `blankness`, the fields after
        the first two (the first after one for three amounts' code) count only as blank or not:
        the check reads no more of them."""
        if asked is not None:
            clean: Mask = np.ones(len(grid), dtype=np.bool_)
            if asked.any():
                clean[asked] = self._by_sorting(grid[asked], names, ask, None, blankness, kind)
            return clean
        columns = []
        for position, name in enumerate(names):
            column = _cells(grid, name)
            if blankness and position >= _FULL[names[0]]:
                column = (column != 32).any(axis=1, keepdims=True).astype(np.uint8) + 48
            columns.append(column)
        joined = np.ascontiguousarray(np.concatenate(columns, axis=1))
        keys = joined.view(f"S{joined.shape[1]}").ravel()
        distinct, inverse = unique(keys)
        widths = [c.shape[1] for c in columns]
        kind = kind or "/".join(names)
        answers = np.array(
            [self.quiet(kind, key, ask, widths) for key in distinct.tolist()],
            dtype=np.bool_,
        )
        return answers[inverse.ravel()]

    def _single(self, check: Check, values: list[str]) -> bool:
        return bool(check(values[0], self.config))

    def _structure(self, values: list[str], version: str) -> bool:
        """TRA-S09 and S10 on a 222-column line of this line type."""
        line_type, text = values[0].strip(), " " * _WIDTH
        self.structure.line_type(0, text, line_type)
        limit = self.config.max_line_width
        return entry_width(text, line_type, False, version, limit) is not None

    def _tiers(self, values: list[str]) -> bool:
        """TRA-F05 / F07, which read the reference only as blank or not."""
        line_type, auxiliary, reference = values
        raw = {"line_type": line_type, "auxiliary": auxiliary, "reference": _stand_in(reference)}
        self.entries._tiers(0, "", raw, line_type.strip(), auxiliary.strip())
        return False

    def _rate(self, values: list[str]) -> bool:
        """TRA-F15."""
        rate, currency = values
        chosen = currency.strip() or self.config.dossier_currency
        self.entries._exchange_rate(0, "", {"exchange_rate": rate}, chosen)
        return False

    def _axis(self, values: list[str]) -> bool:
        """TRA-F19, which reads the section only as blank or not."""
        axis, line_type, section = values
        raw = {"axis": axis, "auxiliary": _stand_in(section)}
        self.entries._axis(0, "", raw, line_type.strip(), _stand_in(section))
        return False

    def _code(self, values: list[str]) -> bool:
        """TRA-F17's amount code naming a blank amount. The amounts stand in as "1", which
        amount_issues accepts in any currency (and if it did not, the row would only be looked
        at for nothing)."""
        code, amount2, amount3 = values
        raw = {
            "amount": "1",
            "amount2": _stand_in(amount2, "1"),
            "amount3": _stand_in(amount3, "1"),
            "amount_code": code,
        }
        self.entries._amounts(0, "", raw, self.config.dossier_currency, frozenset())
        return False

    def _amounts(self, amount: AmountField) -> Mask:
        """TRA-F11 / F17 on the amounts' format: rows whose three amounts are plain
        (gridamounts.py), within the currency's decimals."""
        decimals = self._decimals()
        clean = amount.plain(decimals, required=True)
        block = self.memory.block  # whether each is blank: asked by TRA-F17's question first
        spans = [(FIELDS[name].start, FIELDS[name].end) for name in ("amount2", "amount3")]
        if not (block.blank(*spans[0]) & block.blank(*spans[1])).all():  # mostly blank, both
            for name in ("amount2", "amount3"):
                clean &= AmountField(self.memory.block, name).plain(decimals, required=False)
        return clean

    def _decimals(self) -> Ints:
        """Each row's currency's decimals (one number when the block has one currency)."""
        f = FIELDS["currency"]
        currencies = self.memory.block.key([(f.start, f.end)])[0]
        if len(currencies) and (currencies == currencies[0]).all():
            return np.array(self._decimals_of(int(currencies[0])))
        distinct, inverse = np.unique(currencies, return_inverse=True)
        decimals = [self._decimals_of(code) for code in distinct.tolist()]
        return np.array(decimals, dtype=np.int64)[inverse.ravel()]

    def _decimals_of(self, code: int) -> int:
        currency = code.to_bytes(3, "little").decode("ascii").strip()
        return self.config.decimals(currency or self.config.dossier_currency)


_FULL = {"line_type": 2, "axis": 2, "amount_code": 1}  # fields read whole, for `blankness`


Values = npt.NDArray[np.bytes_]
Ints = npt.NDArray[np.int64]


def _odd_constants(count: int) -> list[int]:
    """`count` odd 64-bit constants with their bits well mixed: splitmix64's outputs, made odd.
    (Any would do; numpy.random, which drew them before, took 9 ms to import.)"""
    constants, state, mask = [], 0, (1 << 64) - 1
    for _ in range(count):
        state = (state + 0x9E3779B97F4A7C15) & mask
        z = ((state ^ (state >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        constants.append((z ^ (z >> 31)) | 1)
    return constants


# Odd multipliers of the rows' 64-bit hash, one per 8 bytes of a value (fields are at most 35
# bytes wide, joined ones 64).
_MULTIPLIERS = np.array(_odd_constants(32), dtype=np.uint64)


def unique(values: Values) -> tuple[Values, Ints]:
    """np.unique(values, return_inverse=True), but the distinct values in any order: grouped
    by a 64-bit hash of each value (sorting integers is several times faster than sorting
    byte strings), then checked byte for byte; on a collision, np.unique itself."""
    values = np.ascontiguousarray(values)
    width = values.dtype.itemsize
    words = -(-width // 8)
    if not len(values) or words > len(_MULTIPLIERS):
        found, inverse = np.unique(values, return_inverse=True)
        return found, inverse.ravel()
    padded = np.zeros((len(values), words * 8), dtype=np.uint8)
    padded[:, :width] = values.view(np.uint8).reshape(len(values), width)
    hashes = (padded.view(np.uint64) * _MULTIPLIERS[:words]).sum(axis=1, dtype=np.uint64)
    _, first, inverse = np.unique(hashes, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    if not (values[first][inverse] == values).all():
        found, inverse = np.unique(values, return_inverse=True)
        return found, inverse.ravel()
    found = values[first]
    return found, inverse


def _one_per_key(key: list[Words], questions: int) -> tuple[Ints | None, Ints | None]:
    """One row of each distinct key (indices, in any order) and each row's place among them;
    (None, None) for a single question, which sorts the rows itself."""
    if questions < 2 or not len(key[0]):
        return None, None
    stacked = np.stack(key, axis=1)  # each row's words, one after the other: its key's bytes
    distinct, inverse = unique(stacked.view(f"S{8 * len(key)}").ravel())
    first = np.empty(len(distinct), dtype=np.int64)
    first[inverse] = np.arange(len(inverse))  # (a row of each key: any will do)
    return first, inverse


def chosen(grid: Grid, rows: Ints) -> Grid:
    """The `rows` of `grid` (distinct indices in increasing order, as np.flatnonzero gives
    them): the grid itself when they are all of its rows (a block's first look-ups, which find
    nothing yet), not a copy of its every column."""
    if len(rows) == len(grid):
        return grid
    found: Grid = grid[rows]
    return found


def _cells(grid: Grid, name: str) -> Grid:
    f = FIELDS[name]
    return grid[:, f.start : f.end]


def _plain_label(block: BlockWords, grid: Grid) -> Mask:
    """TRA-F06 has nothing to say: not blank, no double quote, and the first character not
    a D (what could start 'DETRUITE LE ', in any case). Labels are written from their first
    column: only the rows that start with a blank are searched for their first character."""
    f = FIELDS["label"]
    # A byte that is a double quote is 0 once xored with one, and only such a byte's bit 7
    # (or a higher byte's, borrowed from) is set once 1 is taken from every ASCII byte.
    # The label's bytes read from the aligned words it touches, the others blanks (which
    # borrow nothing).
    lowered = np.zeros(block.rows, dtype=np.uint64)
    for word in block.filled(f.start, f.end, _BLANK):
        lowered |= (word ^ each_byte(ord('"'))) - each_byte(1)
    unquoted = (lowered & each_byte(0x80)) == 0
    first = block.byte(f.start)
    plain: Mask = unquoted & (first != _BLANK) & (first | 32 != ord("d"))
    indented = np.flatnonzero((first == _BLANK) & unquoted)
    if len(indented):
        cells = grid[indented, f.start : f.end]
        text = cells != _BLANK
        first = cells[np.arange(len(cells)), text.argmax(axis=1)]
        plain[indented] = text.any(axis=1) & (first | 32 != ord("d"))
    return plain


def _plain_number(block: BlockWords, grid: Grid) -> Mask:
    """TRA-F13 has nothing to say: one run of digits 0-9 between blanks, not all zeros (the
    field's 8 columns are one word)."""
    word = block.word(FIELDS["piece_number"].start)
    digits = digit_bytes(word)
    run = (digits >> np.uint64(7)) * np.uint64(0xFF)  # the digits' bytes all ones
    plain: Mask = (digits | equal_bytes(word, ord(" "))) == first_bytes(8)
    plain &= ((run + (run & (~run + np.uint64(1)))) & run) == 0  # one run: its lowest bit up
    plain &= (digits & ~equal_bytes(word, ord("0"))) != 0
    return plain


# Single-field checks proved on their bytes first; the rows left are asked of the rule.
_PLAIN: dict[str, Callable[[BlockWords, Grid], Mask]] = {  # by question
    "label": _plain_label,
    "piece_number": _plain_number,
}


def _joined_spans(fields: Iterable[layout.Field]) -> list[Span]:
    """The columns of `fields`, neighbours joined (fewer key words)."""
    spans: list[Span] = []
    for f in sorted(fields, key=lambda f: f.start):
        if spans and spans[-1][1] == f.start:
            spans[-1] = (spans[-1][0], f.end)
        else:
            spans.append((f.start, f.end))
    return spans


def _stand_in(flag: str, present: str = "x") -> str:
    """A field the probe reads only as blank ("0") or not ("1")."""
    return present if flag == "1" else ""


def _split(key: bytes, widths: list[int]) -> list[str]:
    text, values, start = key.decode("ascii"), [], 0
    for width in widths:
        values.append(text[start : start + width])
        start += width
    return values
