"""`LazyEntry`: an `Entry` that holds its line and types its fields when one is first read.

Typing the 22 fields of every line (dates, `Decimal` amounts, piece numbers) is most of what
reading a large file costs, and a caller that counts lines, or stops early, needs none of it.
The reader hands out a `LazyEntry` only for a line whose typed fields it has already proved to
parse (`tra.proof.TypedProof`), so reading a field later can raise nothing the reader would
have reported. The values are kept once typed.

A `LazyEntry` is an `Entry` in every way a caller can see: `isinstance`, the same fields and
values, ``==`` and ``hash`` with eager entries, the same ``repr``; `attrs.evolve` and
`attrs.asdict` work on it.
"""

from __future__ import annotations

import collections
import itertools
import operator
from collections.abc import Callable
from typing import Any

import attrs

from . import layout
from .records import Entry
from .values import PARSERS

_FIELD_NAMES = tuple(a.name for a in attrs.fields(Entry))
_values = operator.attrgetter(*_FIELD_NAMES)
# Typing a line: its standard fields cut, parsed and stored in their slots, in C but for
# the parsers themselves.
_CUT = operator.itemgetter(*(slice(f.start, f.end) for f in layout.ENTRY.fields))
_PARSERS = tuple(PARSERS[f.kind] for f in layout.ENTRY.fields)
_STORES: tuple[Callable[[Entry, Any], None], ...] = tuple(
    getattr(Entry, name).__set__ for name in (*layout.ENTRY.names, "extension", "extra")
)
_STD_WIDTH = layout.STD_WIDTH


class LazyEntry(Entry):
    """An `Entry` read from a standard 222-column line whose typed fields are known to parse.

    Build it with `LazyEntry.of(text)`; `Entry`'s own constructor makes an eager one."""

    __slots__ = ("_line",)

    @classmethod
    def of(cls, line: str) -> LazyEntry:
        entry = object.__new__(cls)
        set_line(entry, line)
        return entry

    def __getattr__(self, name: str) -> Any:
        # Called only for a slot never set: the first time any field is read, all are typed
        # (one pass in C costs less than a call per field).
        if name not in _STORED:
            raise AttributeError(name)
        line = self._line
        values = map(operator.call, _PARSERS, _CUT(line))
        extras = (None, line[_STD_WIDTH:])  # STD lines only: an ETE line is read eagerly
        collections.deque(
            map(operator.call, _STORES, itertools.repeat(self), itertools.chain(values, extras)),
            maxlen=0,
        )
        return object.__getattribute__(self, name)

    def eager(self) -> Entry:
        """The same entry as a plain `Entry`, every field typed."""
        return Entry(**dict(zip(_FIELD_NAMES, _values(self), strict=True)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Entry):
            return NotImplemented
        return bool(_values(self) == _values(other))

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = Entry.__hash__  # attrs hashes the field values with Entry's own salt

    def __repr__(self) -> str:
        return repr(self.eager())


_STORED = frozenset(_FIELD_NAMES)
# `LazyEntry.of` in two calls to C, for the reader's loop over a block (a classmethod call
# per line costs as much as both).
new_object = object.__new__
set_line = LazyEntry._line.__set__  # type: ignore[attr-defined]
