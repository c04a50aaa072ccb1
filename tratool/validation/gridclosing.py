"""Closing a grid block's proved pièces (gridpieces.py) with a few array operations, not a
call of the pièce rules per pièce.

What only the closing of a proved pièce can report — its key or content seen before (TRA-X04,
D03), its number used on another date (X02) or out of sequence (X11) — is read here for the
whole block at once: the traces are looked up for every proved pièce's three keys
(`tiers.lookup`), repeats among them are found by sorting, and each pièce's number is checked
against the one before it in its journal when that one is proved too. A proved pièce all of
this finds silent is closed by storing its keys with the others of its run (`PieceRules.
record_proved`); any other one is handed to the rule code (`close_quietly`, then its lines one
by one if it would speak), as are the pièces that were not proved, in file order.

Those handed over may store keys a later proved pièce has: the traces list what they store
during the block (`Trace.added`), and such a pièce is handed over too. A proved pièce whose
journal's previous pièce in the block is not a proved one (or none) has its number checked
against the journal's last number as the rule code left it, when its run is closed.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from .gridpieces import BlockPlan
from .pieces import PieceRules, ProvedRun, numbered_quietly
from .tiers import ABSENT, lookup

Ints = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]
Feed = Callable[[int], None]  # a pièce's lines through the families, one by one
Quiet = Callable[[int], bool]  # close a proved pièce if that reports nothing (else False)
Close = Callable[[], None]  # close the pièce in progress
BIG_RUN = 256  # proved pièces from which a run's keys go to the memory tiers as arrays
FEW_ABSORBS = 8  # keys the rule code stored looked up with numpy so many times in a block


class BlockClosing:
    """One block's pièces, closed in file order."""

    def __init__(self, plan: BlockPlan, rules: PieceRules, first: int) -> None:
        self.plan, self.rules = plan, rules
        proved = np.flatnonzero(plan.proved)
        self.rank = np.cumsum(plan.proved) - 1  # a proved pièce's place in `proved`
        found = lookup(rules.traces()[2], plan.number_keys[proved])  # the numbers' dates
        self.run = _run(plan, proved, first, found)
        quiet, chained = _quiet(plan, proved, rules, found)
        self.closed: Mask = np.zeros(len(proved), dtype=np.bool_)  # without their lines
        silent = np.zeros(len(plan.starts), dtype=np.bool_)
        silent[proved[quiet]] = True
        self.stops: list[int] = np.flatnonzero(~silent).tolist()
        self._stops = set(self.stops)
        self.unchained: list[int] = proved[quiet & ~chained].tolist()
        self._proved = proved
        self._keys = tuple(a[proved] for a in (plan.keys, plan.contents, plan.number_keys))
        self._lines, self._dates = first + plan.starts[proved], plan.dates[proved]
        self._new = found == ABSENT  # numbers not in the trace yet
        self._first: list[dict[int, int]] | None = None  # per trace: key -> first pièce
        self._absorbed = 0  # times the rule code had stored keys when a run began

    def close(self, feed: Feed, quietly: Quiet, close_open: Close) -> None:
        """Every pièce of the block, in order: proved runs stored at once, the others fed."""
        traces = self.rules.traces()
        for trace in traces:
            trace.added = []
        try:
            self._walk(feed, quietly, close_open)
        finally:
            for trace in traces:
                trace.added = None

    def totals(self) -> tuple[int, int, int, list[tuple[str, int, str, str]]]:
        """The pièces closed without their lines: how many, their debit and credit in cents,
        and by journal their lines, earliest date and latest date."""
        plan = self.plan
        closed = np.flatnonzero(plan.proved)[self.closed]
        journals, dates = plan.journals[closed], plan.dates[closed]
        lines, days = (plan.ends - plan.starts)[closed], _ordered(dates)
        by_journal = []
        for journal in np.unique(journals).tolist():
            mine = journals == journal
            first, last = dates[mine][days[mine].argmin()], dates[mine][days[mine].argmax()]
            count = int(lines[mine].sum())
            by_journal.append((plan.journal_names[journal], count, f"{first:08d}", f"{last:08d}"))
        debit, credit = (int(a[closed].sum()) for a in (plan.debits, plan.credits))
        return len(closed), debit, credit, by_journal

    def _walk(self, feed: Feed, quietly: Quiet, close_open: Close) -> None:
        plan, at = self.plan, 0
        while at < len(plan.starts):
            if at in self._stops:
                if plan.proved[at] and quietly(at):
                    self.closed[self.rank[at]] = True
                else:
                    feed(at)
                at += 1
                continue
            close_open()
            self._absorb(at)
            if at in self._stops:
                continue
            stop = bisect.bisect_right(self.stops, at)
            end = self.stops[stop] if stop < len(self.stops) else len(plan.starts)
            end = self._numbered(at, end)
            if end > at:
                start = int(self.rank[at])
                self._record(start, start + end - at)
                self.closed[start : start + end - at] = True
            at = end

    def _record(self, start: int, end: int) -> None:
        """Store what closing the proved pièces `start` to `end` (places in `run`) stores: in
        the traces' memory tiers as arrays when they take them, else as the rule code would."""
        if end - start < BIG_RUN:  # a dict update each costs less than sorting an array
            self.rules.record_proved(self.run, start, end, (False, False, False))
            return
        keys, contents, numbers = self._keys
        new = self._new[start:end]
        kept = tuple(
            trace.keep(stored[start:end][chosen], values[start:end][chosen])
            for trace, stored, values, chosen in zip(
                self.rules.traces(),
                (keys, contents, numbers),
                (self._lines, self._lines, self._dates),
                (slice(None), slice(None), new),
                strict=True,
            )
        )
        self.rules.record_proved(self.run, start, end, (kept[0], kept[1], kept[2]))

    def _absorb(self, at: int) -> None:
        """Hand over the proved pièces from `at` on with a key the rule code stored meanwhile:
        looked up with numpy the first few times in a block, then in dicts built once."""
        traces = self.rules.traces()
        if not any(trace.added for trace in traces):
            return
        self._absorbed += 1
        if self._first is None and self._absorbed > FEW_ABSORBS:
            proved, run = self._proved.tolist(), self.run
            columns = (run.keys, run.contents, run.number_keys)
            self._first = [dict(zip(reversed(c), reversed(proved), strict=True)) for c in columns]
        for place, trace in enumerate(traces):
            added, trace.added = trace.added or [], []
            if not added:
                continue
            if self._first is not None:
                found = (self._first[place].get(key) for key in added)
                indexes = [index for index in found if index is not None]
            else:
                indexes = self._proved[np.isin(self._keys[place], added)].tolist()
            for index in indexes:
                if index >= at:
                    self._stop(index)

    def _numbered(self, at: int, end: int) -> int:
        """Where the run from `at` must stop before `end`: at the first pièce whose number
        the journal's last (as the rule code left it) would report."""
        run = self.run
        low = bisect.bisect_left(self.unchained, at)
        for index in self.unchained[low : bisect.bisect_left(self.unchained, end)]:
            place = int(self.rank[index])
            number, date = run.lasts[place]
            if not numbered_quietly(self.rules.numbers.get(run.journals[place]), number, date):
                self._stop(index)
                return index
        return end

    def _stop(self, index: int) -> None:
        if index not in self._stops:
            self._stops.add(index)
            bisect.insort(self.stops, index)


def _run(plan: BlockPlan, proved: Ints, first: int, found: Ints) -> ProvedRun:
    """What the closing of the proved pièces stores, as lists; `found`: their numbers' dates
    in the trace."""
    numbers = plan.numbers[proved]
    dates = plan.dates[proved]
    days = np.strings.zfill(dates.astype(np.str_), 8).tolist() if len(dates) else []
    return ProvedRun(
        keys=plan.keys[proved].tolist(),
        contents=plan.contents[proved].tolist(),
        number_keys=plan.number_keys[proved].tolist(),
        lines=(first + plan.starts[proved]).tolist(),
        dates=dates.tolist(),
        new_numbers=(found == ABSENT).tolist(),
        journals=np.array(plan.journal_names, dtype=object)[plan.journals[proved]].tolist(),
        lasts=list(zip(numbers.tolist(), days, strict=True)),
    )


def _quiet(plan: BlockPlan, proved: Ints, rules: PieceRules, found: Ints) -> tuple[Mask, Mask]:
    """Which proved pièces closing reports nothing of, as far as the block tells; and which
    follow a proved pièce of their journal (the others' numbering is checked later)."""
    seen, contents, _ = rules.traces()
    keys, sums, number_keys = (a[proved] for a in (plan.keys, plan.contents, plan.number_keys))
    quiet = (lookup(seen, keys) == ABSENT) & (lookup(contents, sums) == ABSENT)
    quiet &= (found == ABSENT) | (found == plan.dates[proved])
    for values in (sums, number_keys):  # (a key repeated repeats its journal's number too)
        quiet &= ~_repeats(values)
    before = _previous(plan.journals)[proved]
    chained = before >= 0
    chained[chained] = plan.proved[before[chained]]
    number, last = plan.numbers[proved], plan.numbers[before]
    day, last_day = _ordered(plan.dates[proved]), _ordered(plan.dates[before])
    numbered = (number == last) | (number == last + 1) | ((number < last) & (day < last_day))
    quiet &= ~chained | numbered
    return quiet, chained


def _repeats(values: Ints) -> Mask:
    """Values seen earlier in the array."""
    order = np.argsort(values, kind="stable")
    repeated: Mask = np.zeros(len(values), dtype=np.bool_)
    repeated[order[1:]] = values[order][1:] == values[order][:-1]
    return repeated


def _previous(journals: Ints) -> Ints:
    """Each pièce's previous pièce of the same journal in the block; -1 for none."""
    order = np.argsort(journals, kind="stable")
    previous: Ints = np.full(len(journals), -1, dtype=np.int64)
    same = journals[order][1:] == journals[order][:-1]
    previous[order[1:][same]] = order[:-1][same]
    return previous


def _ordered(dates: Ints) -> Ints:
    """Dates as the int 31042024 turned into 20240431, which sorts as the dates do."""
    ordered: Ints = dates % 10_000 * 10_000 + dates // 10_000 % 100 * 100 + dates // 1_000_000
    return ordered
