"""Field rules (TRA-F01 … TRA-F24): each entry line's fields, one at a time.

A check that looks at one field only is a pure function of the raw characters, so its result
is cached per distinct value: a million lines carry a few hundred journals, dates and
accounts, and each is checked once. Checks that need several fields run on every line.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable

import attrs

from .. import layout
from ..values import EMPTY_DATES
from .findings import Sink
from .rules import Severity
from .settings import ValidationConfig

PIECE_TYPES = frozenset({"FC", "AC", "RC", "FF", "AF", "RF", "OD", "OC", "OF"})
SPECIAL_ENTRY_TYPES = frozenset("SURPCI")
AXES = frozenset({"A1", "A2", "A3", "A4", "A5"})
SECTION_LINE_TYPES = frozenset({"A", "H", "O"})
TIERS_LINE_TYPES = frozenset({"X", "E", "L"})
_AMOUNT = re.compile(r"(-?)(\d+)(?:([.,])(\d+))?")
_THOUSANDS = re.compile(r"\d[ .'\u00a0]\d{3}([.,]\d+)?$")
_CACHE_LIMIT = 50_000


@attrs.frozen
class Issue:
    """A finding before it is placed on a line."""

    rule: str
    message: str
    hint: str | None = None
    severity: Severity | None = None  # None: the rule's default


Check = Callable[[str, ValidationConfig], tuple[Issue, ...]]


def _date_issue(rule: str, raw: str, what: str, severity: Severity | None = None) -> Issue | None:
    text = raw.strip()
    if text in EMPTY_DATES:
        return None
    if len(text) != 8 or not text.isdigit():
        return Issue(rule, f"{what} {text!r} is not a date in JJMMAAAA form", severity=severity)
    day, month, year = int(text[:2]), int(text[2:4]), int(text[4:])
    if not 1 <= month <= 12 or not 1900 <= year <= 2099:
        return Issue(
            rule, f"{what} {text!r} is not a date between 1900 and 2099", severity=severity
        )
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        return Issue(
            rule,
            f"{what} {text!r} is not a calendar date: {month:02}/{year} has {last} days",
            f"Cegid would silently use {min(max(day, 1), last):02}/{month:02}/{year}",
            severity,
        )
    return None


def check_journal(raw: str, config: ValidationConfig) -> tuple[Issue, ...]:
    code = raw.strip()
    if not code:
        return (Issue("TRA-F01", "the journal code is blank"),)
    if not code.isalnum() or not code.isascii() or code != code.upper():
        return (Issue("TRA-F01", f"journal {code!r} is not upper-case letters and digits"),)
    issues = []
    if config.journals is not None:
        info = config.journals.get(code)
        if info is None:
            issues.append(
                Issue(
                    "TRA-F01",
                    f"journal {code!r} is not a known journal of the dossier",
                    "Cegid creates it, or rejects the line",
                    "warning",
                )
            )
        elif info.closed:
            issues.append(
                Issue(
                    "TRA-F01",
                    f"journal {code!r} is closed",
                    "a closed journal stops the whole import",
                )
            )
    if code in config.reserved_journals:
        issues.append(
            Issue(
                "TRA-F01",
                f"journal {code!r} is reported as reserved by Loop",
                "use another journal code",
                "warning",
            )
        )
    return tuple(issues)


def check_date(raw: str, config: ValidationConfig) -> tuple[Issue, ...]:
    text = raw.strip()
    if text in EMPTY_DATES:
        return (
            Issue(
                "TRA-F02",
                "the entry date is missing" if not text else f"entry date {text!r} means 'no date'",
                "Cegid would post it on 01/01/1900, outside every exercise",
            ),
        )
    issue = _date_issue("TRA-F02", raw, "entry date")
    return (issue,) if issue else ()


def check_piece_type(raw: str, config: ValidationConfig) -> tuple[Issue, ...]:
    code = raw.strip()
    if code in PIECE_TYPES:
        return ()
    shown = f"{code!r}" if code else "blank"
    return (
        Issue(
            "TRA-F03",
            f"piece type {shown} is not one of {', '.join(sorted(PIECE_TYPES))}",
            "Cegid would silently replace it by OD",
        ),
    )


def check_account(raw: str, config: ValidationConfig) -> tuple[Issue, ...]:
    account = raw.strip()
    if not account:
        return (Issue("TRA-F04", "the general account is blank"),)
    issues = []
    length = config.general_account_length
    if length is not None and len(account) > length:
        issues.append(
            Issue(
                "TRA-F04",
                f"account {account!r} has {len(account)} characters; "
                f"the dossier's accounts have {length}",
                "Cegid would truncate it, possibly onto another account",
            )
        )
    if not account.isdigit():
        issues.append(
            Issue(
                "TRA-F04",
                f"account {account!r} is not all digits",
                "Cegid reports alphanumeric general accounts",
                "warning",
            )
        )
    elif len(account) < 3:
        issues.append(
            Issue(
                "TRA-F04",
                f"account {account!r} has fewer than 3 digits",
                "the FEC requires at least the 3-digit class",
                "warning",
            )
        )
    if config.chart_of_accounts is not None and account not in config.chart_of_accounts:
        issues.append(
            Issue(
                "TRA-F04",
                f"account {account!r} is not in the chart of accounts",
                "Cegid would create it or replace it by the waiting account",
            )
        )
    return tuple(issues)


def check_label(raw: str, config: ValidationConfig) -> tuple[Issue, ...]:
    label = raw.strip()
    if not label:
        return (Issue("TRA-F06", "the label is empty", "the FEC requires a label", "warning"),)
    issues = []
    if label.upper().startswith("DETRUITE LE "):
        issues.append(
            Issue(
                "TRA-F06",
                f"label {label!r} starts with 'DETRUITE LE '",
                "Cegid treats such an entry as deleted",
            )
        )
    if '"' in label:
        issues.append(
            Issue(
                "TRA-F06",
                f"label {label!r} contains a double quote",
                "Cegid strips double quotes",
                "warning",
            )
        )
    return tuple(issues)


def check_payment_method(raw: str, config: ValidationConfig) -> tuple[Issue, ...]:
    code = raw.strip()
    if not code or code in config.payment_methods:
        return ()
    return (
        Issue(
            "TRA-F08",
            f"payment method {code!r} is not a known code",
            "Cegid maps it through a correspondence table or takes the dossier default",
        ),
    )


def check_due_date(raw: str, config: ValidationConfig) -> tuple[Issue, ...]:
    issue = _date_issue("TRA-F09", raw, "due date")
    if issue is None:
        return ()
    return (attrs.evolve(issue, hint="Cegid would silently use 01/01/1900, then the entry date"),)


def check_direction(raw: str, config: ValidationConfig) -> tuple[Issue, ...]:
    if raw in ("D", "C"):
        return ()
    shown = f"{raw!r}" if raw.strip() else "blank"
    return (
        Issue(
            "TRA-F10",
            f"direction {shown} is not D or C",
            "Cegid would post a zero amount and balance the pièce on the waiting account",
        ),
    )


def check_entry_type(raw: str, config: ValidationConfig) -> tuple[Issue, ...]:
    code = raw.strip()
    if code in ("", "N"):
        return ()
    if code in SPECIAL_ENTRY_TYPES:
        return (
            Issue(
                "TRA-F12",
                f"entry type {code!r} is not a normal entry (N)",
                "S simulation, U situation, P prévision, R révision… are not posted as "
                "normal entries",
                "warning",
            ),
        )
    return (Issue("TRA-F12", f"entry type {code!r} is unknown", "Cegid would silently use N"),)


def check_piece_number(raw: str, config: ValidationConfig) -> tuple[Issue, ...]:
    text = raw.strip()
    if not text or text.strip("0") == "":
        return (
            Issue(
                "TRA-F13",
                "the piece number is blank or 0",
                "Cegid numbers the pièce itself; its grouping cannot be checked",
                "warning",
            ),
        )
    if not text.isdigit():
        return (Issue("TRA-F13", f"piece number {text!r} is not a whole number"),)
    return ()


def check_currency(raw: str, config: ValidationConfig) -> tuple[Issue, ...]:
    code = raw.strip()
    if not code:
        return ()
    if code not in config.currencies:
        return (
            Issue(
                "TRA-F14",
                f"currency {code!r} is not a known currency "
                f"({', '.join(sorted(config.currencies))})",
                "an unknown currency stops the import; declare it in [validate] currencies",
            ),
        )
    if code != config.dossier_currency:
        return (
            Issue(
                "TRA-F14",
                f"currency {code!r} differs from the dossier currency {config.dossier_currency}",
                severity="warning",
            ),
        )
    return ()


def check_amount_code(raw: str, config: ValidationConfig) -> tuple[Issue, ...]:
    code = raw.strip()
    if code in ("", "---"):
        return (
            Issue("TRA-F16", f"amount code {code or 'blank'!r} is read as E--", severity="warning"),
        )
    if len(code) != 3 or any(c not in "EDF-" for c in code) or code[0] == "-":
        return (
            Issue("TRA-F16", f"amount code {code!r} is not 3 of E, D, F, - with a letter first"),
        )
    return ()


def check_establishment(raw: str, config: ValidationConfig) -> tuple[Issue, ...]:
    code = raw.strip()
    if not code or config.establishments is None or code in config.establishments:
        return ()
    return (
        Issue(
            "TRA-F18",
            f"establishment {code!r} is not a known establishment",
            "Cegid creates it, or fails when the establishment check is on",
        ),
    )


def check_due_number(raw: str, config: ValidationConfig) -> tuple[Issue, ...]:
    text = raw.strip()
    if not text or text.isdigit():
        return ()
    return (Issue("TRA-F20", f"due number {text!r} is not a whole number"),)


SINGLE_FIELD_CHECKS: dict[str, Check] = {
    "journal": check_journal,
    "date": check_date,
    "piece_type": check_piece_type,
    "account": check_account,
    "label": check_label,
    "payment_method": check_payment_method,
    "due_date": check_due_date,
    "direction": check_direction,
    "entry_type": check_entry_type,
    "piece_number": check_piece_number,
    "currency": check_currency,
    "amount_code": check_amount_code,
    "establishment": check_establishment,
    "due_number": check_due_number,
}
_FIELDS = {f.name: f for f in layout.ENTRY.fields}


def amount_issues(raw: str, name: str, decimals: int, config: ValidationConfig) -> list[Issue]:
    """TRA-F11 for `amount` (TRA-F17 for amounts 2 and 3, which may be blank)."""
    rule = "TRA-F11" if name == "amount" else "TRA-F17"
    text = raw.strip()
    if not text:
        return [Issue(rule, "the amount is missing")] if name == "amount" else []
    match = _AMOUNT.fullmatch(text)
    if match is None:
        if _THOUSANDS.search(text):
            return [
                Issue(
                    rule,
                    f"amount {text!r} has a thousands separator",
                    "write 1234,56, with no separator",
                )
            ]
        return [Issue(rule, f"amount {text!r} is not a decimal number", "write e.g. 1200,50")]
    sign, units, separator, fraction = match.groups()
    issues = []
    if fraction is not None and len(fraction) > decimals:
        issues.append(
            Issue(
                rule, f"amount {text!r} has {len(fraction)} decimals; the currency has {decimals}"
            )
        )
    if separator == "." and name == "amount":
        issues.append(
            Issue(
                rule,
                f"amount {text!r} uses a decimal point",
                "Cegid writes a decimal comma",
                "warning" if config.accept_decimal_point else "error",
            )
        )
    if sign and not config.allow_negative_amounts:
        issues.append(
            Issue(
                rule,
                f"amount {text!r} is negative",
                "write a positive amount with the opposite direction: a negative "
                "amount switches on « montants négatifs autorisés » dossier-wide",
            )
        )
    if name == "amount" and int(units) == 0 and not (fraction or "").strip("0"):
        issues.append(
            Issue(
                rule,
                "the amount is zero",
                "Cegid silently drops a line whose three amounts are 0",
                "warning",
            )
        )
    return issues


class FieldRules:
    """Runs the field rules on one entry line's raw fields."""

    def __init__(self, config: ValidationConfig, sink: Sink) -> None:
        self.config = config
        self.sink = sink
        self._cache: dict[tuple[str, str], tuple[Issue, ...]] = {}
        self._tiers_missing = config.tiers is None

    def check(self, number: int, text: str, raw: dict[str, str]) -> None:
        cache = self._cache
        if len(cache) > _CACHE_LIMIT:
            cache.clear()  # keeps memory flat on files with very many distinct values
        for name, check in SINGLE_FIELD_CHECKS.items():
            value = raw[name]
            key = (name, value)
            issues = cache.get(key)
            if issues is None:
                issues = cache[key] = check(value, self.config)
            for issue in issues:
                self._emit(number, text, name, value, issue)
        self._line_checks(number, text, raw)

    def _emit(self, number: int, text: str, name: str, value: str, issue: Issue) -> None:
        f = _FIELDS.get(name) or layout.ETE_GENERAL.field(name)
        self.sink.emit(
            issue.rule,
            number,
            f.pos,
            name,
            issue.message,
            value=value,
            hint=issue.hint,
            severity=issue.severity,
            source=text,
        )

    def _line_checks(self, number: int, text: str, raw: dict[str, str]) -> None:
        line_type = raw["line_type"].strip()
        auxiliary = raw["auxiliary"].strip()
        emit = self._emit
        # TRA-F05: the auxiliary is read only on X lines.
        if line_type not in SECTION_LINE_TYPES:
            if auxiliary and line_type not in TIERS_LINE_TYPES:
                emit(
                    number,
                    text,
                    "line_type",
                    raw["line_type"],
                    Issue(
                        "TRA-F05",
                        f"auxiliary {auxiliary!r} on a line whose type is not X",
                        "put X in column 31: otherwise Cegid silently ignores the auxiliary",
                    ),
                )
            elif line_type in TIERS_LINE_TYPES:
                self._auxiliary(number, text, raw, auxiliary)
        # TRA-F07
        if line_type == "X" and not raw["reference"].strip():
            emit(
                number,
                text,
                "reference",
                raw["reference"],
                Issue(
                    "TRA-F07",
                    "a tiers line without a reference",
                    "the reference serves lettering and duplicate checks",
                ),
            )
        # TRA-F11 / TRA-F17: amounts, with the currency's decimals.
        currency = raw["currency"].strip() or self.config.dossier_currency
        decimals = self.config.currencies.get(currency, 2)
        for name in ("amount", "amount2", "amount3"):
            for issue in amount_issues(raw[name], name, decimals, self.config):
                emit(number, text, name, raw[name], issue)
        code = raw["amount_code"].strip() or "E--"
        for position, name in ((1, "amount2"), (2, "amount3")):
            if len(code) > position and code[position] not in "- " and not raw[name].strip():
                emit(
                    number,
                    text,
                    name,
                    raw[name],
                    Issue(
                        "TRA-F17",
                        f"amount code {code!r} names {name}, which is blank",
                        "Cegid would book 0",
                    ),
                )
        # TRA-F15
        rate = raw["exchange_rate"].strip()
        if rate and not re.fullmatch(r"\d+(?:[.,]\d*)?", rate):
            emit(
                number,
                text,
                "exchange_rate",
                raw["exchange_rate"],
                Issue("TRA-F15", f"exchange rate {rate!r} is not a number"),
            )
        elif not rate and currency != self.config.dossier_currency:
            emit(
                number,
                text,
                "exchange_rate",
                raw["exchange_rate"],
                Issue(
                    "TRA-F15",
                    f"no exchange rate for currency {currency}",
                    "Cegid would take its own rate table's, which may differ from the document",
                ),
            )
        self._axis(number, text, raw, line_type, auxiliary)

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
                    "an X line without an auxiliary",
                    "Cegid would substitute its waiting tiers",
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
                    f"auxiliary {auxiliary!r} has lower case or a quote",
                    "Cegid silently upper-cases it and turns ' into 0",
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
                    f"auxiliary {auxiliary!r} is longer than {length} characters",
                    "Cegid would truncate it",
                ),
            )
        if self.config.tiers is not None and auxiliary not in self.config.tiers:
            emit(
                number,
                text,
                "auxiliary",
                raw["auxiliary"],
                Issue(
                    "TRA-F05", f"auxiliary {auxiliary!r} is not a known tiers", severity="warning"
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
                    Issue("TRA-F19", "axis 'A' is read as A1", "write A1", "warning"),
                )
            elif axis not in AXES:
                emit(
                    number,
                    text,
                    "axis",
                    raw["axis"],
                    Issue(
                        "TRA-F19",
                        f"analytic axis {axis or 'blank'!r} is not A1 to A5",
                        "Cegid would silently use A1",
                    ),
                )
            if not section:
                emit(
                    number,
                    text,
                    "auxiliary",
                    raw["auxiliary"],
                    Issue("TRA-F19", f"an analytic ({line_type}) line without a section"),
                )
        elif axis:
            emit(
                number,
                text,
                "axis",
                raw["axis"],
                Issue(
                    "TRA-F19",
                    f"axis {axis!r} on a general line",
                    "only A, H and O lines use it",
                    "warning",
                ),
            )

    def check_extension(self, number: int, text: str, lay: layout.Layout) -> None:
        """TRA-F21 … TRA-F24 on the ETE part of a line."""
        padded = text.ljust(lay.end)

        def raw(name: str) -> str:
            f = lay.field(name)
            return padded[f.start : f.end]

        emit = self._emit
        opening = raw("opening_kind").strip()
        if opening not in ("", "N", "H", "OAN"):
            emit(
                number,
                text,
                "opening_kind",
                raw("opening_kind"),
                Issue("TRA-F21", f"opening kind {opening!r} is not N, H or OAN"),
            )
        state, code = raw("lettering_state").strip(), raw("lettering_code").strip()
        if state not in ("", "RI", "AL", "PL", "TL"):
            emit(
                number,
                text,
                "lettering_state",
                raw("lettering_state"),
                Issue("TRA-F22", f"lettering state {state!r} is not RI, AL, PL or TL"),
            )
        elif (code and not state) or (state in ("PL", "TL") and not code):
            emit(
                number,
                text,
                "lettering_state",
                raw("lettering_state"),
                Issue("TRA-F22", f"lettering code {code!r} and state {state!r} do not go together"),
            )
        elif code and state in ("TL", "PL") and (state == "TL") != (code == code.upper()):
            emit(
                number,
                text,
                "lettering_code",
                raw("lettering_code"),
                Issue(
                    "TRA-F22",
                    f"lettering code {code!r} does not match state {state}",
                    "an upper-case code means total lettering (TL), lower or mixed case partial "
                    "(PL)",
                ),
            )
        for f in lay.fields:
            if f.kind is layout.Kind.DATE:
                issue = _date_issue("TRA-F23", padded[f.start : f.end], f.name)
                if issue is not None:
                    self.sink.emit(
                        issue.rule,
                        number,
                        f.pos,
                        f.name,
                        issue.message,
                        value=padded[f.start : f.end],
                        hint="Cegid would silently use 01/01/1900",
                        source=text,
                    )
        company = raw("company_code").strip()
        expected = self.config.company_code
        if company and expected is not None and company != expected:
            emit(
                number,
                text,
                "company_code",
                raw("company_code"),
                Issue(
                    "TRA-F24", f"company code {company!r} differs from the dossier's {expected!r}"
                ),
            )
