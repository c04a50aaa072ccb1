"""Field rules that look at several fields of one entry line (TRA-F05, F07, F11, F15, F17, F19)
and the ASCII-digit rule of every numeric field (TRA-F26); the single-field checks they run
first are in fields.py, the ETE part's rules in extended.py."""

from __future__ import annotations

import re

from ..i18n import N_, Text
from ..tra import layout
from .configuration import ValidationConfig
from .fields import (
    AXES,
    CACHE_LIMIT,
    NUMERIC_KINDS,
    SECTION_LINE_TYPES,
    SINGLE_FIELD_CHECKS,
    TIERS_LINE_TYPES,
    Check,
    Issue,
    amount_issues,
    foreign_digit,
)
from .findings import Sink

_FIELDS = {f.name: f for f in layout.ENTRY.fields}
_RATE = re.compile(r"\d+(?:[.,]\d*)?", re.ASCII)
# Codes made of digits, typed as text because their leading zeros matter ("007").
_DIGIT_CODES = frozenset({"version", "sub_version"})
_NUMERIC_FIELDS = {
    lay.name: tuple(f for f in lay.fields if f.kind in NUMERIC_KINDS or f.name in _DIGIT_CODES)
    for lay in (
        layout.HEADER,
        layout.ENTRY,
        layout.ETE_GENERAL,
        layout.ETE_ANALYTIC,
        *layout.PARAMETER_LAYOUTS.values(),
    )
}


class EntryRules:
    """Runs the field rules on one entry line's raw fields."""

    def __init__(self, config: ValidationConfig, sink: Sink) -> None:
        self.config = config
        self.sink = sink
        # Each single-field check with its results per raw value (a dict per field: no key to
        # build per value), and how many results all of them hold.
        self._checks: list[tuple[str, Check, dict[str, tuple[Issue, ...]]]] = [
            (name, check, {}) for name, check in SINGLE_FIELD_CHECKS.items()
        ]
        self._cached = 0
        self._once: set[tuple[str, Text]] = set()  # (rule, message) of issues reported once

    def check(self, number: int, text: str, raw: dict[str, str]) -> None:
        foreign = self.check_digits(number, text, layout.ENTRY)
        if self._cached > CACHE_LIMIT:  # keeps memory flat on files with very many values
            for _, _, cache in self._checks:
                cache.clear()
            self._cached = 0
        checks = self._checks
        if foreign:  # TRA-F26 said what is wrong with those: not checked again
            checks = [entry for entry in checks if entry[0] not in foreign]
        for name, check, cache in checks:
            value = raw[name]
            issues = cache.get(value)
            if issues is None:
                issues = cache[value] = check(value, self.config)
                self._cached += 1
            if issues:
                self._issues(number, text, name, value, issues)
        self._line_checks(number, text, raw, foreign)

    def _issues(
        self, number: int, text: str, name: str, value: str, issues: tuple[Issue, ...]
    ) -> None:
        for issue in issues:
            if issue.once:
                if (issue.rule, issue.message) in self._once:
                    continue
                self._once.add((issue.rule, issue.message))
            self._emit(number, text, name, value, issue)

    def check_digits(self, number: int, text: str, lay: layout.Layout) -> frozenset[str]:
        """TRA-F26: the numeric fields of a layout hold ASCII digits only. Returns the names of
        the fields reported, so that their other checks do not report them twice."""
        if text.isascii():
            return frozenset()  # the usual case, decided in C
        reported = set()
        for f in _NUMERIC_FIELDS[lay.name]:
            raw = text[f.start : f.end]
            offset = foreign_digit(raw)
            if offset is None:
                continue
            reported.add(f.name)
            self.sink.emit(
                "TRA-F26",
                line=number,
                column=f.pos + offset,
                field=f.name,
                message=N_(
                    "{field} {raw!r} holds {char!r}, which is not one of the digits 0-9",
                    field=f.name,
                    raw=raw.strip(),
                    char=raw[offset],
                ),
                value=raw,
                hint=N_("Cegid reads ASCII digits only: it would read a zero or refuse the line"),
                source=text,
            )
        return frozenset(reported)

    def _emit(self, number: int, text: str, name: str, value: str, issue: Issue) -> None:
        f = _FIELDS[name]
        self.sink.emit(
            issue.rule,
            line=number,
            column=f.pos,
            field=name,
            message=issue.message,
            value=value,
            hint=issue.hint,
            severity=issue.severity,
            source=text,
        )

    def _line_checks(
        self, number: int, text: str, raw: dict[str, str], foreign: frozenset[str]
    ) -> None:
        line_type = raw["line_type"].strip()
        auxiliary = raw["auxiliary"].strip()
        self._tiers(number, text, raw, line_type, auxiliary)
        currency = raw["currency"].strip() or self.config.dossier_currency
        self._amounts(number, text, raw, currency, foreign)
        if "exchange_rate" not in foreign:
            self._exchange_rate(number, text, raw, currency)
        self._axis(number, text, raw, line_type, auxiliary)

    def _tiers(
        self, number: int, text: str, raw: dict[str, str], line_type: str, auxiliary: str
    ) -> None:
        """TRA-F05: the auxiliary is read only on X lines; TRA-F07: they carry a reference."""
        if line_type not in SECTION_LINE_TYPES:
            if auxiliary and line_type not in TIERS_LINE_TYPES:
                self._emit(
                    number,
                    text,
                    "line_type",
                    raw["line_type"],
                    Issue(
                        "TRA-F05",
                        N_(
                            "auxiliary {auxiliary!r} on a line whose type is not X",
                            auxiliary=auxiliary,
                        ),
                        N_(
                            "put X in column {column}: otherwise Cegid silently ignores the "
                            "auxiliary",
                            column=layout.LINE_TYPE.pos,
                        ),
                    ),
                )
            elif line_type in TIERS_LINE_TYPES:
                self._auxiliary(number, text, raw, auxiliary)
        if line_type == "X" and not raw["reference"].strip():
            self._emit(
                number,
                text,
                "reference",
                raw["reference"],
                Issue(
                    "TRA-F07",
                    N_("a tiers line without a reference"),
                    N_("the reference serves lettering and duplicate checks"),
                ),
            )

    def _amounts(
        self,
        number: int,
        text: str,
        raw: dict[str, str],
        currency: str,
        foreign: frozenset[str],
    ) -> None:
        """TRA-F11 / TRA-F17: amounts, with the currency's decimals."""
        decimals = self.config.decimals(currency)
        for name in ("amount", "amount2", "amount3"):
            if name in foreign:
                continue
            for issue in amount_issues(raw[name], name, decimals, self.config):
                self._emit(number, text, name, raw[name], issue)
        code = raw["amount_code"].strip() or "E--"
        for position, name in ((1, "amount2"), (2, "amount3")):
            if len(code) > position and code[position] not in "- " and not raw[name].strip():
                self._emit(
                    number,
                    text,
                    name,
                    raw[name],
                    Issue(
                        "TRA-F17",
                        N_(
                            "amount code {code!r} names {name}, which is blank",
                            code=code,
                            name=name,
                        ),
                        N_("Cegid would book 0"),
                    ),
                )

    def _exchange_rate(self, number: int, text: str, raw: dict[str, str], currency: str) -> None:
        """TRA-F15."""
        rate = raw["exchange_rate"].strip()
        if rate and not _RATE.fullmatch(rate):
            self._emit(
                number,
                text,
                "exchange_rate",
                raw["exchange_rate"],
                Issue("TRA-F15", N_("exchange rate {rate!r} is not a number", rate=rate)),
            )
        elif not rate and currency != self.config.dossier_currency:
            self._emit(
                number,
                text,
                "exchange_rate",
                raw["exchange_rate"],
                Issue(
                    "TRA-F15",
                    N_("no exchange rate for currency {currency}", currency=currency),
                    N_("Cegid would take its own rate table's, which may differ from the document"),
                ),
            )

    def _auxiliary(self, number: int, text: str, raw: dict[str, str], auxiliary: str) -> None:
        emit = self._emit
        if not auxiliary:
            emit(
                number,
                text,
                "auxiliary",
                raw["auxiliary"],
                Issue(
                    "TRA-F05",
                    N_("an X line without an auxiliary"),
                    N_("Cegid would substitute its waiting tiers"),
                ),
            )
            return
        if auxiliary != auxiliary.upper() or "'" in auxiliary:
            emit(
                number,
                text,
                "auxiliary",
                raw["auxiliary"],
                Issue(
                    "TRA-F05",
                    N_("auxiliary {auxiliary!r} has lower case or a quote", auxiliary=auxiliary),
                    N_("Cegid silently upper-cases it and turns ' into 0"),
                ),
            )
        length = self.config.auxiliary_length
        if length is not None and len(auxiliary) > length:
            emit(
                number,
                text,
                "auxiliary",
                raw["auxiliary"],
                Issue(
                    "TRA-F05",
                    N_(
                        "auxiliary {auxiliary!r} is longer than {length} characters",
                        auxiliary=auxiliary,
                        length=length,
                    ),
                    N_("Cegid would truncate it"),
                ),
            )
        if self.config.tiers is not None and auxiliary not in self.config.tiers:
            emit(
                number,
                text,
                "auxiliary",
                raw["auxiliary"],
                Issue(
                    "TRA-F05",
                    N_("auxiliary {auxiliary!r} is not a known tiers", auxiliary=auxiliary),
                    severity="warning",
                ),
            )

    def _axis(
        self, number: int, text: str, raw: dict[str, str], line_type: str, section: str
    ) -> None:
        axis = raw["axis"].strip()
        emit = self._emit
        if line_type in SECTION_LINE_TYPES:
            if axis == "A":
                emit(
                    number,
                    text,
                    "axis",
                    raw["axis"],
                    Issue("TRA-F19", N_("axis 'A' is read as A1"), N_("write A1"), "warning"),
                )
            elif axis not in AXES:
                emit(
                    number,
                    text,
                    "axis",
                    raw["axis"],
                    Issue(
                        "TRA-F19",
                        N_("analytic axis {axis!r} is not A1 to A5", axis=axis or N_("blank")),
                        N_("Cegid would silently use A1"),
                    ),
                )
            if not section:
                emit(
                    number,
                    text,
                    "auxiliary",
                    raw["auxiliary"],
                    Issue(
                        "TRA-F19",
                        N_("an analytic ({line_type}) line without a section", line_type=line_type),
                    ),
                )
        elif axis:
            emit(
                number,
                text,
                "axis",
                raw["axis"],
                Issue(
                    "TRA-F19",
                    N_("axis {axis!r} on a general line", axis=axis),
                    N_("only A, H and O lines use it"),
                    "warning",
                ),
            )
