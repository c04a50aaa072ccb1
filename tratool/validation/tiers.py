"""The traces' memory tier for the fast engine (numpy): keys moved out of a trace's dict kept
as sorted arrays of 64-bit hashes beside their values, instead of rows in the temporary SQLite
database (traces.py), until `capacity` keys; later ones go to the database as before.

Appending a batch sorts 4,096 keys; tiers of similar size are merged, up to 65,536 keys (so a
trace holds a few of them, and a merge never needs much memory beside its result), and a
lookup is one binary search per tier, after the trace's bitmap said "maybe" (`lookup`: a
block's keys at once). Inserting a million-line file's 224,000 pièce keys costs a few
milliseconds here against about a second of SQLite inserts.

A tier of `COLD` keys or more is written to a temporary file and only its keys' high 32 bits
stay in memory (4 bytes a key instead of 12, so that memory hardly grows with the file): a key
whose high half is there is read back from the file (8 bytes, then its value's 4), which a
key not stored asks about once in 2**32 / 32,768 lookups. Without a writable temporary
directory the tiers stay whole in memory.
"""

from __future__ import annotations

import os
import tempfile
from typing import IO

import attrs
import numpy as np
import numpy.typing as npt

from .traces import Trace, Value

Keys = npt.NDArray[np.int64]
Found = npt.NDArray[np.int64]  # per key: its int value, ABSENT, or OTHER
Numbers = npt.NDArray[np.int32]  # first lines, dates as 31042024
CAPACITY = 1 << 18  # keys per trace: 3 MiB, a million-line file's pièces with room
MERGED = 1 << 16  # keys of the biggest tiers: a full trace holds about 8 tiers
COLD = 1 << 15  # keys from which a tier goes to the temporary file, its high halves kept
ABSENT, OTHER = -1, -2  # not stored; stored with a str value (a date not in digits)


@attrs.frozen(eq=False)
class ColdTier:
    """A tier written to the temporary file at `offset`: its keys (int64), then their values
    (int32); in memory, the keys' high 32 bits, sorted as the keys are."""

    highs: npt.NDArray[np.int32]
    offset: int

    def candidates(self, high: int) -> range:
        """Places whose key has the high half `high`."""
        # As an int32: a Python int would have numpy widen the whole array to compare.
        value = np.int32(high)
        start = int(self.highs.searchsorted(value))
        return range(start, int(self.highs.searchsorted(value, side="right")))


class KeyTiers:
    """Sorted (key, value) arrays; values are ints, a rare str (a date not in digits) aside."""

    def __init__(self) -> None:
        self.capacity = CAPACITY
        self.cold = COLD  # keys from which a tier goes to the file
        self.size = 0
        self._tiers: list[tuple[Keys, Numbers]] = []
        self._cold: list[ColdTier] = []
        self._file: IO[bytes] | None = None
        self._words: dict[int, str] = {}  # the str values, by key

    def add(self, items: dict[int, Value], bitmap: bytearray, mask: int) -> bool:
        """Keep `items` (keys not stored yet) and mark them in `bitmap`; False when full."""
        found = np.array(list(items.values()))
        words = found.dtype.kind != "i"  # a str among them (a date not in digits)?
        if words:
            found = np.array([v if isinstance(v, int) else 0 for v in items.values()])
        if found.dtype.kind != "i" and len(found):
            return False  # lines past 2**63: the database keeps them
        keys = np.fromiter(items.keys(), dtype=np.int64, count=len(items))
        if not self.keep(keys, found.astype(np.int64), bitmap, mask):
            return False
        if words:
            self._words.update((k, v) for k, v in items.items() if isinstance(v, str))
        return True

    def keep(self, keys: Keys, values: Keys, bitmap: bytearray, mask: int) -> bool:
        """`add` of keys and int values as arrays (the fast engine's proved pièces)."""
        if not len(keys):
            return True
        if self.size + len(keys) > self.capacity:
            return False
        if len(values) and not 0 <= values.min() <= values.max() < 1 << 31:
            return False  # lines past 2**31: the database keeps them
        bits = np.frombuffer(bitmap, dtype=np.uint8)
        np.bitwise_or.at(bits, (keys & mask) >> 3, (1 << (keys & 7)).astype(np.uint8))
        order = np.argsort(keys)
        self._tiers.append((keys[order], values[order].astype(np.int32)))
        self.size += len(keys)
        while len(self._tiers) > 1 and _mergeable(len(self._tiers[-2][0]), len(self._tiers[-1][0])):
            self._merge()
        if len(self._tiers[-1][0]) >= self.cold:
            self._freeze()
        return True

    def get(self, key: int) -> Value | None:
        found = self._find_int(key)
        if found is None:
            return None
        word = self._words.get(key)
        return found if word is None else word

    def close(self) -> None:
        """Delete the temporary file."""
        if self._file is not None:
            self._file.close()

    def _find_int(self, key: int) -> int | None:
        for keys, values in self._tiers:
            at = int(keys.searchsorted(key))  # (the method: without numpy's dispatch)
            if at < len(keys) and keys[at] == key:
                return int(values[at])
        for tier in self._cold:
            found = self._read(tier, key)
            if found is not None:
                return found
        return None

    def _read(self, tier: ColdTier, key: int) -> int | None:
        """`key`'s value in a cold tier, read from the file, or None."""
        assert self._file is not None
        descriptor, size = self._file.fileno(), len(tier.highs)
        for at in tier.candidates(key >> 32):
            stored = int.from_bytes(
                os.pread(descriptor, 8, tier.offset + 8 * at), "little", signed=True
            )
            if stored == key:
                value = os.pread(descriptor, 4, tier.offset + 8 * size + 4 * at)
                return int.from_bytes(value, "little", signed=True)
        return None

    def _freeze(self) -> None:
        """Write the newest tier to the file and keep its keys' high halves only; nothing
        changes when the file cannot be written (the tier stays whole in memory)."""
        keys, values = self._tiers[-1]
        try:
            if self._file is None:
                self._file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by `close`)
            offset = self._file.seek(0, os.SEEK_END)
            self._file.write(keys.astype("<i8").tobytes() + values.astype("<i4").tobytes())
            self._file.flush()
        except OSError:
            self.cold = CAPACITY + 1  # never again
            return
        self._tiers.pop()
        self._cold.append(ColdTier((keys >> 32).astype(np.int32), offset))

    def find(self, keys: Keys) -> Found:
        """`get` of each key at once: its int value, ABSENT or OTHER."""
        found: Found = np.full(len(keys), ABSENT, dtype=np.int64)
        for stored, values in self._tiers:
            if not len(stored):
                continue
            at = np.minimum(np.searchsorted(stored, keys), len(stored) - 1)
            hit = stored[at] == keys
            found[hit] = values[at[hit]]
        highs = (keys >> 32).astype(np.int32)
        for tier in self._cold:
            first = np.minimum(np.searchsorted(tier.highs, highs), len(tier.highs) - 1)
            maybe = np.flatnonzero((tier.highs[first] == highs) & (found == ABSENT))
            for index in maybe.tolist():
                value = self._read(tier, int(keys[index]))
                if value is not None:
                    found[index] = value
        if self._words:
            words = np.fromiter(self._words, dtype=np.int64, count=len(self._words))
            found[np.isin(keys, words)] = OTHER
        return found

    def _merge(self) -> None:
        """The two newest tiers as one. Both are sorted, without a key in common: a stable
        sort of the two joined finds the two runs and merges them in one pass."""
        (newer, newer_values), (older, older_values) = self._tiers.pop(), self._tiers.pop()
        keys = np.concatenate((older, newer))
        order = np.argsort(keys, kind="stable")
        self._tiers.append((keys[order], np.concatenate((older_values, newer_values))[order]))


def _mergeable(older: int, newer: int) -> bool:
    """Tiers of a size are merged, up to MERGED keys: a bigger merge would need memory for
    both tiers and the result at once, the peak of a big file's validation."""
    return older <= 2 * newer and older + newer <= MERGED


def lookup(trace: Trace, keys: Keys) -> Found:
    """`trace.get` of each key, as `KeyTiers.find` answers: at once for the dict, the bitmap
    and the memory tier; one by one, in Python, only for the keys the database may hold."""
    found: Found = np.full(len(keys), ABSENT, dtype=np.int64)
    bitmap, mask, database = trace.spilled()
    if bitmap is not None:
        bits = np.frombuffer(bitmap, dtype=np.uint8)
        maybe = (bits[(keys & mask) >> 3] >> (keys & 7).astype(np.uint8)) & 1 == 1
        if isinstance(trace.tiers, KeyTiers):
            found[maybe] = trace.tiers.find(keys[maybe])
        if database:
            _one_by_one(trace, keys, found, maybe & (found == ABSENT))
    recent = trace.recent()
    if recent:
        stored = np.fromiter(recent, dtype=np.int64, count=len(recent))
        _one_by_one(trace, keys, found, _among(keys, stored))
    return found


def _among(keys: Keys, stored: Keys) -> npt.NDArray[np.bool_]:
    """Which `keys` are `stored` (the dict's, a few as a rule): only the keys whose low bits
    some stored key has are searched for, a binary search each (which cost 25 ns a key, the
    table 2)."""
    bits = min(max(len(stored).bit_length() + 3, 12), 22)  # a table 8 to 16 times as long
    low = np.int64((1 << bits) - 1)
    table = np.zeros(1 << bits, dtype=np.bool_)
    table[stored & low] = True
    asked = np.flatnonzero(table[keys & low])
    stored = np.sort(stored)
    at = np.minimum(np.searchsorted(stored, keys[asked]), len(stored) - 1)
    among = np.zeros(len(keys), dtype=np.bool_)
    among[asked] = stored[at] == keys[asked]
    return among


def _one_by_one(trace: Trace, keys: Keys, found: Found, asked: npt.NDArray[np.bool_]) -> None:
    for at in np.flatnonzero(asked).tolist():
        value = trace.get(int(keys[at]))
        found[at] = ABSENT if value is None else value if isinstance(value, int) else OTHER
