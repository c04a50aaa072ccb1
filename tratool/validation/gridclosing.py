"""Closing a grid block's proved pièces (gridpieces.py) with a few array operations, not a
call of the pièce rules per pièce.

What only the closing of a proved pièce can report — its key or content seen before (TRA-X04,
D03), its number used on another date (X02) or out of sequence (X11) — is read here for the
whole block at once: the traces are looked up for every proved pièce's three keys
(`tiers.lookup`), repeats among them are found by sorting, and each pièce's number is checked
against the one before it in its journal when that one is proved too. A proved pièce all of
this finds silent is closed a run at a time: its keys marked stored (`Recorded`: the traces
look them up there until the block ends, then they go to the memory tiers as arrays, in one
call per trace and block), its journal's last number set (`PieceRules.record_proved`); any
other one is handed to the rule code (`close_quietly`, then its lines one by one if it would
speak), as are the pièces that were not proved, in file order.

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
from .pieces import PieceRules, numbered_quietly
from .tiers import ABSENT, lookup
from .traces import Trace, Value

Ints = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]
Feed = Callable[[int], None]  # a pièce's lines through the families, one by one
Quiet = Callable[[int], bool]  # close a proved pièce if that reports nothing (else False)
Close = Callable[[], None]  # close the pièce in progress
FEW_GETS = 16  # keys looked up in `Recorded` with numpy so many times in a block, then a dict
LOW_BITS = (1 << 18) - 1  # the key bits `Recorded` first tells an absent key by (a byte each)


class Recorded:
    """The keys one trace gets from the proved pièces closed during a block, as arrays by
    place (the block's proved pièces in order): `record` marks a run stored, `get` finds a
    stored one (the rule code's look-ups between runs), `flush` moves them into the trace
    when the block ends. `eligible`: the places that may be stored, whose keys are distinct
    (the quiet ones: a key repeated in the block is not; for numbers, only new ones); `place`
    finds one by its key (nearly every absent key told by its low 18 bits, then a comparison
    with every key the first FEW_GETS times, then a dict)."""

    def __init__(self, keys: Ints, values: Ints, eligible: Mask) -> None:
        self.keys, self.values, self.eligible = keys, values, eligible
        # Marks as bytes, not a numpy mask: a run is marked and a place read once per pièce
        # handed over, where numpy's per-call cost is most of the work.
        self._eligible = bytearray(eligible.astype(np.uint8).tobytes())
        self._stored = bytearray(len(keys))
        # Whether an eligible key has these low bits: most keys the rule code asks about are
        # not in the block (a pièce handed over is new), and one byte read says so.
        maybe = np.zeros(LOW_BITS + 1, dtype=np.uint8)
        maybe[keys[eligible] & LOW_BITS] = 1
        self._maybe = bytearray(maybe.tobytes())
        self._any = False
        self._places: dict[int, int] | None = None  # key -> place, after FEW_GETS look-ups
        self._gets = 0

    @property
    def stored(self) -> Mask:
        """Which places are marked stored."""
        return np.frombuffer(self._stored, dtype=np.bool_)

    def __len__(self) -> int:
        return self._stored.count(1)

    def record(self, start: int, end: int) -> None:
        self._stored[start:end] = self._eligible[start:end]
        self._any = True

    def get(self, key: int) -> Value | None:
        if not self._any or not self._maybe[key & LOW_BITS]:
            return None
        place = self._places.get(key) if self._places is not None else self.place(key)
        if place is None or not self._stored[place]:
            return None
        return int(self.values[place])

    def flush(self, trace: Trace) -> None:
        """Store the keys marked stored, in file order: in the memory tier as arrays when it
        takes them, else as `Trace.update` stores."""
        places = np.flatnonzero(self.stored)
        keys, values = self.keys[places], self.values[places]
        if len(places) and not trace.keep(keys, values):
            trace.update(dict(zip(keys.tolist(), values.tolist(), strict=True)))

    def place(self, key: int) -> int | None:
        """The eligible place with this key, if any."""
        if not self._maybe[key & LOW_BITS]:
            return None
        if self._places is not None:
            return self._places.get(key)
        self._gets += 1
        if self._gets > FEW_GETS:
            places = np.flatnonzero(self.eligible)
            self._places = dict(zip(self.keys[places].tolist(), places.tolist(), strict=True))
            return self._places.get(key)
        # A few keys a block pass the byte above: each compared with all (no sort to pay).
        found = np.flatnonzero((self.keys == key) & self.eligible)
        return int(found[0]) if len(found) else None


class BlockClosing:
    """One block's pièces, closed in file order."""

    def __init__(
        self, plan: BlockPlan, rules: PieceRules, first: int, handed: Mask | None = None
    ) -> None:
        """`handed`: pièces to close one at a time (`close`'s `quietly`), even when proved and
        quiet."""
        self.plan, self.rules = plan, rules
        proved = np.flatnonzero(plan.proved)
        found = lookup(rules.traces()[2], plan.number_keys[proved])  # the numbers' dates
        quiet, chained = _quiet(plan, proved, rules, found)
        self.journals = plan.journals[proved]
        # Without their lines, by place: bytes, marked once per pièce or run.
        self._closed = bytearray(len(proved))
        silent = np.zeros(len(plan.starts), dtype=np.bool_)
        silent[proved[quiet]] = True
        if handed is not None:
            silent &= ~handed
        self.stops: list[int] = np.flatnonzero(~silent).tolist()
        self._stops = set(self.stops)
        self.unchained: list[int] = proved[quiet & ~chained].tolist()
        # What the walk reads per pièce, as lists: a numpy item costs more than the reading.
        self._proved, self._is_proved = proved.tolist(), plan.proved.tolist()
        self._rank = (np.cumsum(plan.proved) - 1).tolist()  # a proved pièce's place
        self._numbers = plan.numbers[proved].tolist()
        self._journals = self.journals.tolist()
        self._dates = plan.dates[proved].tolist()  # as the int 31042024
        self._keys = tuple(a[proved] for a in (plan.keys, plan.contents, plan.number_keys))
        dates = plan.dates[proved]
        lines, new = first + plan.starts[proved], quiet & (found == ABSENT)  # new numbers
        self._recorded = (
            Recorded(self._keys[0], lines, quiet),
            Recorded(self._keys[1], lines, quiet),
            Recorded(self._keys[2], dates, new),
        )

    @property
    def closed(self) -> Mask:
        """Which proved pièces (by place) were closed without their lines."""
        return np.frombuffer(self._closed, dtype=np.bool_)

    def close(self, feed: Feed, quietly: Quiet, close_open: Close) -> None:
        """Every pièce of the block, in order: proved runs stored at once, the others fed."""
        traces = self.rules.traces()
        for trace, recorded in zip(traces, self._recorded, strict=True):
            trace.added, trace.pending = [], recorded
        try:
            self._walk(feed, quietly, close_open)
        finally:
            for trace, recorded in zip(traces, self._recorded, strict=True):
                trace.added = trace.pending = None
                recorded.flush(trace)

    def totals(self) -> tuple[int, int, int, list[tuple[str, int, str, str]]]:
        """The pièces closed without their lines: how many, their debit and credit in cents,
        and by journal their lines, earliest date and latest date."""
        plan = self.plan
        closed = np.flatnonzero(plan.proved)[self.closed]
        journals = plan.journals[closed]  # indexes, from 0
        lines = np.bincount(journals, plan.ends[closed] - plan.starts[closed])
        # Journal and day in one sorted key: each journal's run, its earliest day first.
        keys = np.sort(journals.astype(np.int64) << 32 | _ordered(plan.dates[closed]))
        runs = np.flatnonzero(np.diff(keys >> 32, prepend=-1, append=-1))
        firsts, lasts = keys[runs[:-1]], keys[runs[1:] - 1]
        by_journal = [
            (plan.journal_names[first >> 32], int(lines[first >> 32]), _text(first), _text(last))
            for first, last in zip(firsts.tolist(), lasts.tolist(), strict=True)
        ]
        debit, credit = (int(a[closed].sum()) for a in (plan.debits, plan.credits))
        return len(closed), debit, credit, by_journal

    def _walk(self, feed: Feed, quietly: Quiet, close_open: Close) -> None:
        at, count, stops, rank = 0, len(self._rank), self._stops, self._rank
        while at < count:
            if at in stops:
                if self._is_proved[at] and quietly(at):
                    self._closed[rank[at]] = 1
                else:
                    feed(at)
                at += 1
                continue
            close_open()
            self._absorb(at)
            if at in stops:
                continue
            stop = bisect.bisect_right(self.stops, at)
            end = self.stops[stop] if stop < len(self.stops) else count
            end = self._numbered(at, end)
            if end > at:
                start = rank[at]
                self._record(start, start + end - at)
                self._closed[start : start + end - at] = b"\x01" * (end - at)
            at = end

    def _record(self, start: int, end: int) -> None:
        """Store what closing the proved pièces `start` to `end` (places) stores: their keys
        marked stored, each journal's last number."""
        for recorded in self._recorded:
            recorded.record(start, end)
        names = self.plan.journal_names
        if end - start < 64:  # each journal's last place in the run: a loop costs less
            places = {j: start + i for i, j in enumerate(self._journals[start:end])}.items()
        else:
            distinct, last = np.unique(self.journals[start:end][::-1], return_index=True)
            places = dict(zip(distinct.tolist(), (end - 1 - last).tolist(), strict=True)).items()
        self.rules.record_proved({names[j]: self._last(place) for j, place in places})

    def _last(self, place: int) -> tuple[int, str]:
        """A proved pièce's number and date, as its journal's last."""
        return self._numbers[place], f"{self._dates[place]:08d}"

    def _absorb(self, at: int) -> None:
        """Hand over the proved pièces from `at` on with a key the rule code stored meanwhile
        (only a quiet one can have it: the others are handed over anyway)."""
        for trace, recorded in zip(self.rules.traces(), self._recorded, strict=True):
            added, trace.added = trace.added, []
            for key in added or ():
                place = recorded.place(key)
                if place is not None and self._proved[place] >= at:
                    self._stop(self._proved[place])

    def _numbered(self, at: int, end: int) -> int:
        """Where the run from `at` must stop before `end`: at the first pièce whose number
        the journal's last (as the rule code left it) would report."""
        low = bisect.bisect_left(self.unchained, at)
        for index in self.unchained[low : bisect.bisect_left(self.unchained, end)]:
            place = self._rank[index]
            journal = self.plan.journal_names[self._journals[place]]
            number, date = self._last(place)
            if not numbered_quietly(self.rules.numbers.get(journal), number, date):
                self._stop(index)
                return index
        return end

    def _stop(self, index: int) -> None:
        if index not in self._stops:
            self._stops.add(index)
            bisect.insort(self.stops, index)


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
    repeated: Mask = np.zeros(len(values), dtype=np.bool_)
    # Nearly always none: a plain sort, ten times faster than the stable one, tells.
    ordered = np.sort(values)
    if not (ordered[1:] == ordered[:-1]).any():
        return repeated
    order = np.argsort(values, kind="stable")  # each value's first place comes first
    repeated[order[1:]] = values[order][1:] == values[order][:-1]
    return repeated


def _previous(journals: Ints) -> Ints:
    """Each pièce's previous pièce of the same journal in the block; -1 for none."""
    few = len(journals) and journals.max() < 1 << 15  # (16 bits: a radix sort, 3 x faster)
    order = np.argsort(journals.astype(np.int16) if few else journals, kind="stable")
    previous: Ints = np.full(len(journals), -1, dtype=np.int64)
    same = journals[order][1:] == journals[order][:-1]
    previous[order[1:][same]] = order[:-1][same]
    return previous


def _text(key: int) -> str:
    """The date of a key's low 32 bits (20240431, `_ordered`) as the line has it: 31042024."""
    day = key & 0xFFFFFFFF
    return f"{day % 100:02d}{day // 100 % 100:02d}{day // 10_000:04d}"


def _ordered(dates: Ints) -> Ints:
    """Dates as the int 31042024 turned into 20240431, which sorts as the dates do."""
    ordered: Ints = dates % 10_000 * 10_000 + dates // 10_000 % 100 * 100 + dates // 1_000_000
    return ordered
