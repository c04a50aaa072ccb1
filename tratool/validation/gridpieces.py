"""The cross-line families' proof on a grid block (numpy): which pièces the pièce, analytic and
dossier rules have nothing to say about, so that the fast engine need not feed them line by
line.

A pièce is proved when every line of it was proved by the field rules (gridrows.py), or is
reported only by questions on fields the families read only into its content hash
(`gridrows.LINE_ONLY`: those rows then go through the rules that read a line alone, once the
pièce is closed, columnar.py), and the block's columns show that, fed line by line, the families
would report nothing until it closes: its lines share the pièce type, currency and
establishment, its general lines balance in cents, no line repeats another, its amounts are in
the keeping currency only (amount code E--), its analytic lines (A) follow a general line of the
same account and direction and sum to it on each axis, its general lines are not TRA-X06's, its
date not TRA-X05's (both asked of the dossier rules, once per distinct value), and it shares
neither journal nor number with the pièces beside it (TRA-X04's date change). What only the
closing can tell — a key or a content seen before, the numbering — is left to
`PieceRules.close_quietly`, the rule code itself. Everything else goes line by line: the block's
first and last pièces (which may continue the neighbouring blocks'), O and H lines, folio
journals (BOR, LIB), dossiers with sections or a chart of accounts when a pièce has analytic
lines.

The proof is in two parts: `PieceProof.draft`, what the block itself tells (it reads only the
configuration, so that it may run ahead in the fast engine's worker thread), and
`DossierProof.plan`, the dossier rules' answers, which change with the parameter records the
streaming pass reads, asked in file order.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs
import numpy as np
import numpy.typing as npt

from ..tra.records import amount_roles
from . import gridkeys
from .configuration import ValidationConfig
from .dossier import DossierRules
from .gridamounts import AmountField
from .gridhashes import contents as line_contents
from .gridhashes import number_keys, piece_keys
from .gridrows import FIELDS, Grid, Mask, chosen, unique
from .gridvalues import BlockWords, Memory, Span, Words
from .pieces import FOLIO_MODES

Ints = npt.NDArray[np.int64]
Ask = Callable[[str], bool]
_SAME_IN_PIECE = ("piece_type", "currency", "establishment")
_KEY = ("journal", "date", "piece_number")
_DATE, _CODE = ("date",), ("amount_code",)
_ACCOUNTS = ("account", "line_type", "auxiliary")  # what TRA-X06 reads of a general line
_ACCOUNT_TYPE = _ACCOUNTS[:2]  # of them, what it reads while no tiers' nature is known
_ACCOUNT_TYPE_BYTES = sum(FIELDS[name].width for name in _ACCOUNT_TYPE)  # 18
_BLANK, _TIERS, _ANALYTIC, _DEBIT = (ord(c) for c in " XAD")


@attrs.frozen(eq=False)
class BlockPlan:
    """A block's pièces, rows `starts` to `ends`, and which are `proved`; for those, what their
    closing reads and stores (the traces' keys as fingerprints.py computes them, from the
    columns, which are canonical in a proved pièce), and their money in cents."""

    grid: Grid
    starts: Ints
    ends: Ints
    proved: Mask
    journals: Ints  # each pièce's stripped journal, as an index into `journal_names`
    journal_names: list[str]
    keys: Ints
    contents: Ints  # the sum of its lines' content hashes, modulo 2**64, signed
    number_keys: Ints
    numbers: Ints  # the piece number, 0 unless digits
    dates: Ints  # 31042024 as an int, 0 unless digits
    debits: Ints
    credits: Ints

    def rows(self, index: int) -> range:
        return range(self.starts[index], self.ends[index])

    def key(self, index: int) -> tuple[str, str, str]:
        """The pièce's key, as `EntryLine.key` has it."""
        head = self.grid[self.starts[index]]
        journal, date, number = (_cell_text(head, name) for name in _KEY)
        return journal.strip(), date, number.strip()


@attrs.frozen(eq=False)
class PieceDraft:
    """A block's plan as far as the block itself tells (`PieceProof.draft`): `plan.proved`
    before the dossier's answers, which `DossierProof.plan` adds in file order. `asked`:
    whether they are to be asked (else `plan` is final); `dates` and `accounts`: the rows'
    key words of those questions; `general`: the rows TRA-X06 reads."""

    plan: BlockPlan
    asked: bool
    dates: list[Words]
    accounts: list[Words]
    general: Mask


class PieceProof:
    """Splits grid blocks into pièces and proves, of the ones the families would not report,
    all that the block tells: it reads only the configuration and its own answers, so that it
    may run ahead of the streaming pass (columnar.py's pipeline)."""

    def __init__(self, config: ValidationConfig, words: BlockWords | None = None) -> None:
        self.config = config
        journals = (config.journals or {}).values()
        self.enabled = not any(info.mode in FOLIO_MODES for info in journals)
        self.analytic = config.sections is None and config.chart_of_accounts is None
        # Answers by value, from block to block; the block's words its own, or the row
        # proof's (`words`: the block's words are read once for both).
        self.memory = Memory(words)

    def draft(self, grid: Grid, readable: Mask, amount: AmountField) -> PieceDraft:
        """The block's pièces in order; `readable`: the rows the cross-line families read as
        the proof assumes (`ProvedRows.families`), `amount`: the block's amount as the row
        proof read it."""
        block = self.memory.block
        if not block.holds(grid):  # (the row proof's words, when they are shared, hold it)
            block.load(grid)
        starts = gridkeys.starts(block)
        heads = gridkeys.heads(block, starts)
        journals, names = gridkeys.journal_indexes(heads.journals)
        numbers, dates = heads.number_values, heads.date_values
        count = len(starts)
        proved = np.zeros(count, dtype=np.bool_)
        cents: Ints = np.zeros(len(grid), dtype=np.int64)
        contents = np.zeros(len(grid), dtype=np.uint64)
        line_type = block.byte(FIELDS["line_type"].start)
        general = line_type != _ANALYTIC
        asked = self.enabled and count >= 3
        if asked:
            cents, fits = amount.cents()  # (as `line.cents` reads a plain amount; exact?)
            contents = line_contents(block)  # (a proved row's journal, line type unstripped)
            proved = np.logical_and.reduceat(readable & fits & self._rows(grid), starts)
            proved &= _pieces(block, grid, starts, cents, contents.view(np.int64))
            proved &= (numbers > 0) & (dates > 0) & _neighboured(journals, heads.numbers)
        debit = np.where(general & (block.byte(FIELDS["direction"].start) == _DEBIT), cents, 0)
        plan = BlockPlan(
            grid,
            starts,
            np.append(starts[1:], len(grid)),
            proved,
            journals,
            names,
            piece_keys(heads.journals, heads.dates, heads.numbers).view(np.int64),
            np.add.reduceat(contents, starts).view(np.int64),
            number_keys(heads.journals, numbers).view(np.int64),
            numbers,
            dates,
            np.add.reduceat(debit, starts),
            np.add.reduceat(np.where(general, cents, 0) - debit, starts),
        )
        if not asked:
            return PieceDraft(plan, asked, [], [], general)
        by_date, by_account = (block.key([_span(names)]) for names in (_DATE, _ACCOUNTS))
        return PieceDraft(plan, asked, by_date, by_account, general)

    def _rows(self, grid: Grid) -> Mask:
        """Rows the families read as the proof assumes: a journal without leading blank, a
        general, tiers or (when allowed) analytic line, the amount in the keeping currency."""
        block = self.memory.block
        line_type = block.byte(FIELDS["line_type"].start)
        kinds = (line_type == _BLANK) | (line_type == _TIERS)
        if self.analytic:
            kinds |= line_type == _ANALYTIC
        rows = kinds & (block.byte(FIELDS["journal"].start) != _BLANK)
        key = block.key([_span(_CODE)])
        result: Mask = rows & self.memory.answers(
            "/".join(_CODE), key, _by_sorting(grid, _CODE, _keeping_only)
        )
        return result


class DossierProof:
    """The pièce proof's questions to the dossier rules (TRA-X06 on general lines, TRA-X05
    on dates), whose answers change with the parameter records the streaming pass reads: asked
    in file order, once the blocks before are through, and remembered from block to block
    until a record changes them."""

    def __init__(self, dossier: DossierRules) -> None:
        self.dossier = dossier
        self.memory = Memory()  # answers by value (the keys come with each draft)
        self._revision = 0  # the parameter records the dossier rules knew when they answered

    def plan(self, draft: PieceDraft) -> BlockPlan:
        """The draft's plan, its pièces proved only if the dossier rules accept their dates
        and (general lines) accounts."""
        plan = draft.plan
        if not draft.asked:
            return plan
        if self.dossier.revision != self._revision:  # a ***EXO or ***CAE record was read since
            for question in (_DATE, _ACCOUNTS, _ACCOUNT_TYPE):
                self.memory.forget("/".join(question))
            self._revision = self.dossier.revision
        rows = self._accounts(draft)
        if self.dossier.fiscal_years:  # (none: TRA-X05 has nothing to say of any date)
            ask = _by_sorting(plan.grid, _DATE, self.dossier.date_quiet)
            rows &= self.memory.answers("/".join(_DATE), draft.dates, ask)
        return attrs.evolve(plan, proved=plan.proved & np.logical_and.reduceat(rows, plan.starts))

    def _accounts(self, draft: PieceDraft) -> Mask:
        """TRA-X06's answers on the general lines. While it reads no tiers' nature, they are
        asked by account and line type alone: a few values, not one per auxiliary."""
        names: tuple[str, ...] = _ACCOUNTS
        key = draft.accounts
        if not self.dossier.reads_tiers:
            names = _ACCOUNT_TYPE
            key = _leading(key, _ACCOUNT_TYPE_BYTES)
        ask = _by_sorting(draft.plan.grid, names, self._collective)
        return self.memory.answers("/".join(names), key, ask, draft.general)

    def _collective(self, joined: str) -> bool:
        # (Asked of an account and line type alone, the auxiliary is "": any would do.)
        account, line_type, auxiliary = _split(joined, _ACCOUNTS)
        return self.dossier.collective_quiet(account.strip(), line_type == "X", auxiliary.strip())


def _keeping_only(code: str) -> bool:
    return amount_roles(code) == (0, None)


def _leading(key: list[Words], count: int) -> list[Words]:
    """The key words of `key`'s first `count` bytes (`BlockWords.key` packs a span's bytes
    from its first column on, 8 to a word)."""
    whole, rest = divmod(count, 8)
    if not rest:
        return key[:whole]
    return [*key[:whole], key[whole] & np.uint64((1 << 8 * rest) - 1)]


def _span(names: tuple[str, ...]) -> Span:
    """The columns of neighbouring fields `names`, joined."""
    return FIELDS[names[0]].start, FIELDS[names[-1]].end


def _by_sorting(grid: Grid, names: tuple[str, ...], ask: Ask) -> Callable[[Ints], Mask]:
    """`ask` of each distinct value (decoded) of `names` joined, of the rows given."""

    def by_sorting(at: Ints) -> Mask:
        return _per_value(_joined(chosen(grid, at), names), ask)

    return by_sorting


def _pieces(block: BlockWords, grid: Grid, starts: Ints, cents: Ints, hashes: Ints) -> Mask:
    """Pièces that are homogeneous, balanced, without a repeated line, analytic lines right."""
    rows = len(grid)
    spans = [(FIELDS[n].start, FIELDS[n].end) for n in _SAME_IN_PIECE]
    changed = np.zeros(rows, dtype=np.bool_)  # a row whose fields differ from the row before
    for same in block.key(spans):  # (2 + 3 + 3 bytes: one word)
        changed[1:] |= same[1:] != same[:-1]
    changed[starts] = False
    proved = ~np.logical_or.reduceat(changed, starts)
    line_type = block.byte(FIELDS["line_type"].start)
    proved &= line_type[starts] != _ANALYTIC
    sign = np.where(block.byte(FIELDS["direction"].start) == _DEBIT, 1, -1)
    signed = np.where(line_type != _ANALYTIC, cents * sign, 0)
    proved &= np.add.reduceat(signed, starts) == 0
    misfits = np.concatenate(
        (_repeating(hashes, starts), _analytic_misfits(block, grid, cents, starts))
    )
    proved[np.searchsorted(starts, misfits, side="right") - 1] = False
    return proved


def _repeating(hashes: Ints, starts: Ints) -> Ints:
    """Rows whose content hash an earlier row of their pièce has. Sorting the hashes alone
    tells whether any two rows of the block share one (seldom); only then are they sorted by
    pièce too."""
    ordered = np.sort(hashes)
    if not (ordered[1:] == ordered[:-1]).any():
        return starts[:0]
    piece = np.repeat(np.arange(len(starts)), np.diff(np.append(starts, len(hashes))))
    order = np.lexsort((hashes, piece))
    twice = (hashes[order][1:] == hashes[order][:-1]) & (piece[order][1:] == piece[order][:-1])
    result: Ints = order[1:][twice]
    return result


def _analytic_misfits(block: BlockWords, grid: Grid, cents: Ints, starts: Ints) -> Ints:
    """Rows of pièces whose analytic lines do not match or sum to their general line."""
    line_type = block.byte(FIELDS["line_type"].start)
    analytic = np.flatnonzero(line_type == _ANALYTIC)
    if not len(analytic):
        return analytic
    rows = np.arange(len(grid))
    general = np.maximum.accumulate(np.where(line_type == _ANALYTIC, -1, rows))[analytic]
    # An analytic line belongs to the general line before it in its own pièce: one that
    # starts a pièce has none (its sum is not the earlier pièce's, which then lacks it).
    alone = general < starts[np.searchsorted(starts, analytic, side="right") - 1]
    orphan = analytic[alone]
    analytic, general = analytic[~alone], general[~alone]
    account = [_span((name,)) for name in ("account", "direction")]
    misfit = analytic[~block.same(account, analytic, general)]
    axis = grid[analytic, FIELDS["axis"].start + 1].astype(np.int64)  # A1 … A5: the digit
    split = general * 256 + axis
    order = np.argsort(split, kind="stable")
    groups = np.flatnonzero(np.diff(split[order], prepend=-1))
    sums = np.add.reduceat(cents[analytic][order], groups)
    lines = split[order][groups] // 256
    result: Ints = np.concatenate((orphan, misfit, lines[sums != cents[lines]]))
    return result


def _neighboured(journals: Ints, numbers: gridkeys.Words) -> Mask:
    """Pièces but the block's first and last whose journal and number (stripped: compared
    right-aligned) differ from both neighbours' (the same would make TRA-X04's date change,
    or one pièce of two)."""
    same = (journals[1:] == journals[:-1]) & (numbers[1:] == numbers[:-1])
    result: Mask = np.zeros(len(journals), dtype=np.bool_)
    result[1:-1] = ~same[:-1] & ~same[1:]
    return result


def _cell_text(row: Grid, name: str) -> str:
    return row[FIELDS[name].start : FIELDS[name].end].tobytes().decode("ascii")


def _columns(grid: Grid, names: tuple[str, ...]) -> list[Grid]:
    return [grid[:, FIELDS[n].start : FIELDS[n].end] for n in names]


def _joined(grid: Grid, names: tuple[str, ...]) -> npt.NDArray[np.bytes_]:
    """The fields `names` of each row, joined, as one fixed-width bytes value per row."""
    joined = np.ascontiguousarray(np.concatenate(_columns(grid, names), axis=1))
    values: npt.NDArray[np.bytes_] = joined.view(f"S{joined.shape[1]}").ravel()
    return values


def _column(grid: Grid, name: str) -> npt.NDArray[np.bytes_]:
    return _joined(grid, (name,))


def _per_value(values: npt.NDArray[np.bytes_], ask: Ask) -> Mask:
    """`ask` of each distinct value (decoded), spread back to the rows."""
    distinct, inverse = unique(values)
    answers = np.array([ask(v.decode("ascii")) for v in distinct.tolist()], dtype=np.bool_)
    result: Mask = answers[inverse.ravel()]
    return result


def _split(joined: str, names: tuple[str, ...]) -> list[str]:
    parts, at = [], 0
    for name in names:
        parts.append(joined[at : at + FIELDS[name].width])
        at += FIELDS[name].width
    return parts
