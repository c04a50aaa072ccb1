"""What the pièce rules remember about closed pièces, in bounded memory.

TRA-X04 (a pièce continued after other lines), TRA-D03 (a pièce repeated line for line) and
TRA-X02 (a number reused on another date) compare each pièce with every earlier one, so
something per pièce must be kept until the end of the file. Kept in dicts, that is about 100
bytes a pièce per rule: 70 MB for a million-line file, more for bigger ones. Here each trace
keeps its newest `limit` keys in a dict and moves older ones, in batches, to a temporary SQLite
database on disk, which Python's standard library provides and deletes when closed. A fixed
bitmap of the spilled keys answers "certainly not there" for most new keys without a query.
Memory is therefore the same for a file of 100,000 lines as for one of 10 million. The fast
engine first moves keys to sorted numpy arrays in memory instead (tiers.py, a bounded number:
a million-line file's pièces), the database taking only what is past them.
"""

from __future__ import annotations

import logging
import sqlite3
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # names only: this module imports no numpy
    import numpy as np
    import numpy.typing as npt

Value = int | str


class MemoryTier(Protocol):
    """Where the fast engine keeps keys moved out of a trace's dict before the database
    (`tiers.KeyTiers`, on numpy: named here by shape so this module imports no numpy)."""

    def add(self, items: dict[int, Value], bitmap: bytearray, mask: int) -> bool: ...

    def keep(
        self,
        keys: npt.NDArray[np.int64],
        values: npt.NDArray[np.int64],
        bitmap: bytearray,
        mask: int,
    ) -> bool: ...

    def get(self, key: int) -> Value | None: ...

    def close(self) -> None: ...


class Pending(Protocol):
    """Keys the fast engine stored during a block, as arrays until the block ends
    (gridclosing.py): looked up after the dict."""

    def get(self, key: int) -> Value | None: ...

    def __len__(self) -> int: ...


log = logging.getLogger(__name__)

# 1 MiB. A new key gets a false "maybe" (and one query) about once in 40 lookups with 224,000
# keys spilled, a million-line file's pièces; once in 9 with a million.
_BITMAP_BITS = 1 << 23
_MASK = _BITMAP_BITS - 1


class SpillDatabase:
    """The temporary database the traces of one validation share."""

    def __init__(self) -> None:
        # "" is SQLite's private temporary database: on disk once past its page cache, and
        # deleted when the connection closes.
        self.db = sqlite3.connect("")
        self.db.execute("PRAGMA journal_mode = OFF")
        self.db.execute("PRAGMA synchronous = OFF")
        self.db.execute("PRAGMA cache_size = -1024")  # KiB; lookups are few, misses cheap
        self.tables = 0
        self._traces: list[Trace] = []

    def trace(self, limit: int) -> Trace:
        """A new trace keeping at most `limit` keys in memory."""
        trace = Trace(self, limit)
        self._traces.append(trace)
        return trace

    def table(self) -> str:
        self.tables += 1
        name = f"trace{self.tables}"
        self.db.execute(f"CREATE TABLE {name} (key INTEGER PRIMARY KEY, value)")
        return name

    def close(self) -> None:
        """Delete the database, and the files of the traces' memory tiers."""
        self.db.close()
        for trace in self._traces:
            if trace.tiers is not None:
                trace.tiers.close()


class Trace:
    """A map from fingerprints (signed 64-bit ints, fingerprints.py) to ints or strings that
    only grows, with `setdefault` only."""

    def __init__(self, spill: SpillDatabase, limit: int) -> None:
        self._spill = spill
        self._limit = limit
        self._recent: dict[int, Value] = {}
        self._table: str | None = None
        self._bitmap: bytearray | None = None
        self._spilled = 0
        # The fast engine's memory tier (tiers.py), tried before the database.
        self.tiers: MemoryTier | None = None
        # The keys `setdefault` stores while this is a list: the fast engine watches what the
        # line-by-line path stores during a block (gridclosing.py).
        self.added: list[int] | None = None
        # The keys of the proved pièces the fast engine closed during a block, until it ends.
        self.pending: Pending | None = None

    def __len__(self) -> int:
        pending = 0 if self.pending is None else len(self.pending)
        return self._spilled + len(self._recent) + pending

    def setdefault(self, key: int, value: Value) -> Value:
        """The value first stored under `key`, storing `value` if there is none."""
        found = self.get(key)
        if found is not None:
            return found
        self._recent[key] = value
        if self.added is not None:
            self.added.append(key)
        if len(self._recent) >= self._limit:
            self._move_to_disk()
        return value

    def recent(self) -> Mapping[int, Value]:
        """The keys still in the dict, with their values."""
        return self._recent

    def spilled(self) -> tuple[bytearray | None, int, bool]:
        """The bitmap of the keys moved out of the dict (None: none yet), its mask, and
        whether some went to the database."""
        return self._bitmap, _MASK, self._table is not None

    def get(self, key: int) -> Value | None:
        """The value stored under `key`, if any."""
        found = self._recent.get(key)
        if found is not None:
            return found
        if self.pending is not None:
            found = self.pending.get(key)
            if found is not None:
                return found
        bitmap = self._bitmap
        if bitmap is not None and bitmap[(key & _MASK) >> 3] >> (key & 7) & 1:
            kept = None if self.tiers is None else self.tiers.get(key)
            if kept is not None or self._table is None:
                return kept
            row = self._spill.db.execute(
                f"SELECT value FROM {self._table} WHERE key = ?", (key,)
            ).fetchone()
            if row is not None:
                stored: Value = row[0]
                return stored
        return None

    def keep(self, keys: npt.NDArray[np.int64], values: npt.NDArray[np.int64]) -> bool:
        """Store keys that are not there yet, with int values, as arrays straight in the
        memory tier (the fast engine's proved pièces); False when there is none or it is
        full, for `update` to store them."""
        if self.tiers is None:
            return False
        if self._bitmap is None:
            self._bitmap = bytearray(_BITMAP_BITS // 8)
        if not self.tiers.keep(keys, values, self._bitmap, _MASK):
            return False
        self._spilled += len(keys)
        return True

    def update(self, new: Mapping[int, Value]) -> None:
        """Store keys that are not there yet (`get` said so): `setdefault` of each, in order."""
        if len(self._recent) + len(new) < self._limit:  # the usual case: room in the dict
            self._recent.update(new)
            return
        items, at = list(new.items()), 0
        while at < len(items):
            room = max(self._limit - len(self._recent), 1)
            self._recent.update(items[at : at + room])
            at += room
            if len(self._recent) >= self._limit:
                self._move_to_disk()

    def _move_to_disk(self) -> None:
        if self.tiers is not None:
            if self._bitmap is None:
                self._bitmap = bytearray(_BITMAP_BITS // 8)
            if self.tiers.add(self._recent, self._bitmap, _MASK):
                self._spilled += len(self._recent)
                self._recent = {}
                return
        try:
            if self._table is None:
                self._table = self._spill.table()
            if self._bitmap is None:
                self._bitmap = bytearray(_BITMAP_BITS // 8)
            bitmap = self._bitmap
            assert bitmap is not None
            for key in self._recent:
                bitmap[(key & _MASK) >> 3] |= 1 << (key & 7)
            db = self._spill.db
            rows = sorted(self._recent.items())  # in key order: each page of the index once
            db.executemany(f"INSERT INTO {self._table} VALUES (?, ?)", rows)
        except sqlite3.Error as exc:
            # No writable temporary directory, or a full disk: keep everything in memory from
            # now on. Keys already in the database stay readable; those now in memory are
            # looked up there first, so rows a failed insert left behind are never read.
            log.warning("validation traces stay in memory: temporary database failed: %s", exc)
            self._limit = sys.maxsize
            return
        self._spilled += len(self._recent)
        self._recent = {}
