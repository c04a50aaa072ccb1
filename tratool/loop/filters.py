"""Loop's list filters (``codeDossier == "X" && nom != null``), built safely.

Values are always double-quoted and escaped (backslash and double quote), so user input can
never close the literal and change the filter's meaning. `parse` reads the same grammar back:
the simulator uses it, and a property test checks that any value survives the round trip.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import attrs

from ..errors import FilterError
from ..i18n import N_

_FIELD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
OPERATORS = ("===", "==", "!=", ">=", "<=", ">", "<")


def quote(value: str) -> str:
    if any(ord(c) < 0x20 for c in value):
        raise FilterError(
            N_("{value!r}: control characters cannot be sent in a filter", value=value)
        )
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@attrs.frozen
class Condition:
    field: str
    operator: str
    value: str | None  # None: the literal null

    def __str__(self) -> str:
        return f"{self.field} {self.operator} {'null' if self.value is None else quote(self.value)}"


@attrs.frozen
class Filter:
    """A conjunction of conditions; combine with ``&``."""

    conditions: tuple[Condition, ...]

    def __and__(self, other: Filter) -> Filter:
        return Filter(self.conditions + other.conditions)

    def __str__(self) -> str:
        return " && ".join(str(c) for c in self.conditions)


def where(field: str, operator: str, value: str | None) -> Filter:
    if not _FIELD.fullmatch(field):
        raise FilterError(N_("{field!r} is not a field name", field=field))
    if operator not in OPERATORS:
        known = ", ".join(OPERATORS)
        raise FilterError(N_("{operator!r} is not one of {known}", operator=operator, known=known))
    return Filter((Condition(field, operator, value),))


def eq(field: str, value: str) -> Filter:
    return where(field, "==", value)


def _tokens(text: str) -> Iterator[str]:
    position = 0
    while position < len(text):
        if text[position].isspace():
            position += 1
            continue
        if text[position] == '"':
            end, chars = position + 1, []
            while True:
                if end >= len(text):
                    raise FilterError(N_("unterminated string"))
                char = text[end]
                if char == "\\" and end + 1 < len(text):
                    chars.append(text[end + 1])
                    end += 2
                    continue
                if char == '"':
                    break
                chars.append(char)
                end += 1
            yield '"' + "".join(chars)
            position = end + 1
            continue
        if text[position] == "'":  # the seed also shows single-quoted literals
            end = text.find("'", position + 1)
            if end < 0:
                raise FilterError(N_("unterminated string"))
            yield '"' + text[position + 1 : end]
            position = end + 1
            continue
        for symbol in ("&&", *OPERATORS):
            if text.startswith(symbol, position):
                yield symbol
                position += len(symbol)
                break
        else:
            match = _FIELD.match(text, position)
            if not match:
                found = text[position]
                raise FilterError(
                    N_("unexpected {found!r} at {position}", found=found, position=position)
                )
            yield match.group()
            position = match.end()


def parse(text: str) -> Filter:
    """Read a filter: ``field op literal`` joined by ``&&``."""
    tokens = list(_tokens(text))
    conditions = []
    index = 0
    while index < len(tokens):
        try:
            field, operator, literal = tokens[index : index + 3]
        except ValueError:
            raise FilterError(N_("incomplete condition in {text!r}", text=text)) from None
        if not _FIELD.fullmatch(field) or operator not in OPERATORS:
            wrong = N_("{field} {operator} is not a condition", field=field, operator=operator)
            raise FilterError(wrong)
        if literal == "null":
            value = None
        elif literal.startswith('"'):
            value = literal[1:]
        else:
            raise FilterError(N_("{literal!r} is not a quoted value or null", literal=literal))
        conditions.append(Condition(field, operator, value))
        index += 3
        if index < len(tokens):
            if tokens[index] != "&&":
                raise FilterError(N_("expected && in {text!r}", text=text))
            index += 1
    return Filter(tuple(conditions))


def matches(flt: Filter, record: dict[str, object]) -> bool:
    """Evaluate a filter against a record, as Loop does (values compared as strings)."""
    for c in flt.conditions:
        actual = record.get(c.field)
        if c.value is None:
            ok = (actual is None) == (c.operator in ("==", "==="))
        else:
            left = "" if actual is None else str(actual)
            ok = {
                "==": left == c.value,
                "===": left == c.value,
                "!=": left != c.value,
                ">=": left >= c.value,
                "<=": left <= c.value,
                ">": left > c.value,
                "<": left < c.value,
            }[c.operator]
        if not ok:
            return False
    return True
