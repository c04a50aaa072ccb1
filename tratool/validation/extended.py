"""Field rules on the ETE part of an entry line (TRA-F21 … TRA-F25).

The ETE part has two layouts, chosen by the line type: general lines (blank, X, H…) and
analytic lines (A, O). They differ where the lettering rules look: on an analytic line 1014 is
the analytic line number and 1021 is not used (tra-format.md §12.3), so the lettering and
required-field rules read general lines only.
"""

from __future__ import annotations

import functools
from collections import Counter

from ..i18n import N_
from ..tra import layout
from .configuration import ValidationConfig
from .fields import Issue, date_issue
from .findings import Sink

LETTERING_STATES = frozenset({"RI", "AL", "PL", "TL"})
OPENING_KINDS = frozenset({"", "N", "H", "OAN"})
# Marked required on general lines by Cegid's version-011 specification (§12.4); the
# lettering state, required too, is TRA-F22's.
REQUIRED = tuple(
    layout.ETE_GENERAL.field(name) for name in ("created_on", "opening_kind", "vat_on_receipts")
)
_STATE = layout.ETE_GENERAL.field("lettering_state")
_CODE = layout.ETE_GENERAL.field("lettering_code")


class ExtendedRules:
    """Checks the ETE fields of each line; lines too short to hold a required field are
    counted and reported once, at the end, instead of once per line."""

    def __init__(self, config: ValidationConfig, sink: Sink) -> None:
        self.config = config
        self.sink = sink
        self.short: Counter[str] = Counter()  # rule -> general lines too short for its field
        self.first_short: dict[str, int] = {}
        self.shortest: dict[str, int] = {}  # rule -> the narrowest of those lines

    def check(
        self, number: int, text: str, lay: layout.Layout, reported: frozenset[str] = frozenset()
    ) -> None:
        """`reported`: fields TRA-F26 already reported (non-ASCII digits), not checked again."""
        padded = text.ljust(lay.end)
        if lay is layout.ETE_GENERAL:
            self._required(number, text, padded)
            self._lettering(number, text, padded)
        if len(text) <= layout.STD_WIDTH:
            return  # no ETE column at all: blanks, which the rules below accept
        self._opening(number, text, padded, lay)
        self._dates(number, text, padded, lay, reported)
        self._company(number, text, padded, lay)

    def _emit(self, number: int, text: str, f: layout.Field, padded: str, issue: Issue) -> None:
        self.sink.emit(
            issue.rule,
            line=number,
            column=f.pos,
            field=f.name,
            message=issue.message,
            value=padded[f.start : f.end],
            hint=issue.hint,
            severity=issue.severity,
            source=text,
        )

    def _too_short(self, rule: str, number: int, text: str, f: layout.Field) -> bool:
        if len(text) >= f.end:
            return False
        self.short[rule] += 1
        self.first_short.setdefault(rule, number)
        self.shortest[rule] = min(self.shortest.get(rule, len(text)), len(text))
        return True

    def _opening(self, number: int, text: str, padded: str, lay: layout.Layout) -> None:
        f = lay.field("opening_kind")
        opening = padded[f.start : f.end].strip()
        if opening not in OPENING_KINDS:
            issue = Issue("TRA-F21", N_("opening kind {kind!r} is not N, H or OAN", kind=opening))
            self._emit(number, text, f, padded, issue)

    def _required(self, number: int, text: str, padded: str) -> None:
        if self._too_short("TRA-F25", number, text, REQUIRED[-1]):
            return
        for f in REQUIRED:
            if not padded[f.start : f.end].strip():
                issue = Issue(
                    "TRA-F25",
                    N_("{field} is blank; Cegid's specification marks it required", field=f.name),
                    N_("Cegid's file checker refuses the line"),
                )
                self._emit(number, text, f, padded, issue)

    def _lettering(self, number: int, text: str, padded: str) -> None:
        if self._too_short("TRA-F22", number, text, _STATE):
            return
        state = padded[_STATE.start : _STATE.end].strip()
        code = padded[_CODE.start : _CODE.end].strip()
        found = _lettering_issue(state, code)
        if found is not None:
            self._emit(number, text, found[1], padded, found[0])

    def _dates(
        self, number: int, text: str, padded: str, lay: layout.Layout, reported: frozenset[str]
    ) -> None:
        for f in _date_fields(lay):
            if f.name in reported:
                continue
            issue = date_issue("TRA-F23", padded[f.start : f.end], f.name)
            if issue is not None:
                hint = N_("Cegid would silently use 01/01/1900")
                self._emit(number, text, f, padded, Issue(issue.rule, issue.message, hint))

    def _company(self, number: int, text: str, padded: str, lay: layout.Layout) -> None:
        f = lay.field("company_code")
        company = padded[f.start : f.end].strip()
        expected = self.config.company_code
        if company and expected is not None and company != expected:
            issue = Issue(
                "TRA-F24",
                N_(
                    "company code {company!r} differs from the dossier's {expected!r}",
                    company=company,
                    expected=expected,
                ),
            )
            self._emit(number, text, f, padded, issue)

    def finish(self) -> None:
        """One finding per rule for the general lines that stop before its fields."""
        for rule, fields in (("TRA-F25", REQUIRED), ("TRA-F22", (_STATE,))):
            count = self.short[rule]
            if not count:
                continue
            missing = [f for f in fields if f.end > self.shortest[rule]]
            self.sink.emit(
                rule,
                field=fields[-1].name,
                message=N_(
                    "{count} general ETE line(s) stop before column {column}, so they lack "
                    "required fields: {fields} (first: line {first}; shortest: {shortest} "
                    "columns)",
                    count=count,
                    column=fields[-1].end,
                    fields=", ".join(f"{f.name} ({f.pos})" for f in missing),
                    first=self.first_short[rule],
                    shortest=self.shortest[rule],
                ),
                hint=N_(
                    "Cegid's file checker refuses such lines; write the ETE lines up to these "
                    "fields"
                ),
            )


def _lettering_issue(state: str, code: str) -> tuple[Issue, layout.Field] | None:
    """TRA-F22: the lettering state is one of RI/AL/PL/TL and agrees with the code's case;
    the issue comes with the field it is reported at."""
    if not state:
        message = (
            N_("the lettering state is blank (lettering code {code!r})", code=code)
            if code
            else N_("the lettering state is blank")
        )
        hint = N_(
            "Cegid's checker reports « Statut du mouvement incorrect ou manquant »; write RI "
            "for a line that is not lettrable, AL for one to be lettered"
        )
        return Issue("TRA-F22", message, hint), _STATE
    if state not in LETTERING_STATES:
        message = N_("lettering state {state!r} is not RI, AL, PL or TL", state=state)
        return Issue("TRA-F22", message), _STATE
    if state in ("PL", "TL") and not code:
        message = N_("lettering state {state} without a lettering code", state=state)
        return Issue("TRA-F22", message), _STATE
    if code and state in ("PL", "TL") and (state == "TL") != (code == code.upper()):
        hint = N_("an upper-case code means total lettering (TL), lower or mixed case partial (PL)")
        message = N_("lettering code {code!r} does not match state {state}", code=code, state=state)
        return Issue("TRA-F22", message, hint), _CODE
    return None


def general_fields_read() -> tuple[layout.Field, ...]:
    """Every field of a general line's ETE part that the rules above read, in column order:
    the fast engine proves such lines per distinct value of these fields (gridextended.py)."""
    lay = layout.ETE_GENERAL
    named = (*REQUIRED, _STATE, _CODE, lay.field("opening_kind"), lay.field("company_code"))
    return tuple(sorted(set(named) | set(_date_fields(lay)), key=lambda f: f.start))


@functools.cache
def _date_fields(lay: layout.Layout) -> tuple[layout.Field, ...]:
    """The layout's date fields, picked out once per layout rather than on every line."""
    return tuple(f for f in lay.fields if f.kind is layout.Kind.DATE)
