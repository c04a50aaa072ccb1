"""`LazyEntry`: an `Entry` that holds its line and types a field the first time it is read.

Typing all 22 fields of every line (dates, `Decimal` amounts, piece numbers) is most of what
reading a large file costs, and most callers read a few of them. The reader hands out a
`LazyEntry` only for a line whose typed fields it has already proved to parse
(`tra.proof.parsed_rows`), so reading a field later can raise nothing the reader would have
reported. A field's value is kept once typed.

A `LazyEntry` is an `Entry` in every way a caller can see: `isinstance`, the same fields and
values, ``==`` and ``hash`` with eager entries, the same ``repr``; `attrs.evolve` and
`attrs.asdict` work on it.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import attrs

from . import layout
from .records import Entry
from .values import PARSERS


# name -> how to get the field's value out of a 222-column line
def _decoder(field: layout.Field) -> Callable[[str], Any]:
    cut, parse = slice(field.start, field.end), PARSERS[field.kind]
    return lambda text: parse(text[cut])


_DECODERS: dict[str, Callable[[str], Any]] = {f.name: _decoder(f) for f in layout.ENTRY.fields}
_DECODERS["extension"] = lambda text: None  # STD lines only: an ETE line is read eagerly
_DECODERS["extra"] = lambda text: text[layout.STD_WIDTH :]
_FIELD_NAMES = tuple(a.name for a in attrs.fields(Entry))
_values = operator.attrgetter(*_FIELD_NAMES)


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
        # Called only for a field not typed yet: a slot never set raises AttributeError.
        decode = _DECODERS.get(name)
        if decode is None:
            raise AttributeError(name)
        value = decode(self._line)
        object.__setattr__(self, name, value)
        return value

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


# `LazyEntry.of` in two calls to C, for the reader's loop over a block (a classmethod call
# per line costs as much as both).
new_object = object.__new__
set_line = LazyEntry._line.__set__  # type: ignore[attr-defined]
