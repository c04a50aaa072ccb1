"""Field rules on one field at a time (TRA-F01 … TRA-F20).

A check that looks at one field only is a pure function of the raw characters, so its result
is cached per distinct value: a million lines carry a few hundred journals, dates and
accounts, and each is checked once. Checks that need several fields run on every line.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable

import attrs

from ..errors import Severity
from ..i18n import N_, Text
from ..tra.layout import Kind
from ..tra.values import EMPTY_DATES, is_ascii_number
from .configuration import ValidationConfig
from .currencies import iso_4217

PIECE_TYPES = frozenset({"FC", "AC", "RC", "FF", "AF", "RF", "OD", "OC", "OF"})
SPECIAL_ENTRY_TYPES = frozenset("SURPCI")
AXES = frozenset({"A1", "A2", "A3", "A4", "A5"})
SECTION_LINE_TYPES = frozenset({"A", "H", "O"})
TIERS_LINE_TYPES = frozenset({"X", "E", "L"})
_AMOUNT = re.compile(r"(-?)(\d+)(?:([.,])(\d+))?", re.ASCII)
_THOUSANDS = re.compile(r"\d[ .'\u00a0]\d{3}([.,]\d+)?$", re.ASCII)
NUMERIC_KINDS = frozenset({Kind.DATE, Kind.TIMESTAMP, Kind.AMOUNT, Kind.DECIMAL, Kind.INTEGER})
CACHE_LIMIT = 8_192  # distinct (field, value) results kept; small enough to be reached early


@attrs.frozen
class Issue:
    """A finding before it is placed on a line."""

    rule: str
    message: Text
    hint: Text | None = None
    severity: Severity | None = None  # None: the rule's default
    once: bool = False  # report it at the first line only (the same fix serves every line)


Check = Callable[[str, ValidationConfig], tuple[Issue, ...]]


def foreign_digit(raw: str) -> int | None:
    """The offset of the first character that Python counts as a digit or number but that is
    not 0-9 (``¹``, ``٤``, ``１``, ``½``…), if any (TRA-F26)."""
    if raw.isascii():
        return None
    return next((i for i, c in enumerate(raw) if not c.isascii() and c.isnumeric()), None)


def date_issue(
    rule: str, raw: str, what: Text | str, severity: Severity | None = None
) -> Issue | None:
    """The problem of a date field, if any; `what` names the field in the message."""
    text = raw.strip()
    if text in EMPTY_DATES:
        return None
    if len(text) != 8 or not is_ascii_number(text):
        message = N_("{what} {text!r} is not a date in JJMMAAAA form", what=what, text=text)
        return Issue(rule, message, severity=severity)
    day, month, year = int(text[:2]), int(text[2:4]), int(text[4:])
    if not 1 <= month <= 12 or not 1900 <= year <= 2099:
        message = N_("{what} {text!r} is not a date between 1900 and 2099", what=what, text=text)
        return Issue(rule, message, severity=severity)
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        written = f"{month:02}/{year}"
        return Issue(
            rule,
            N_(
                "{what} {text!r} is not a calendar date: {month} has {last} days",
                what=what,
                text=text,
                month=written,
                last=last,
            ),
            N_(
                "Cegid would silently use {date}",
                date=dt.date(year, month, min(max(day, 1), last)),
            ),
            severity,
        )
    return None


def check_journal(raw: str, config: ValidationConfig) -> tuple[Issue, ...]:
    code = raw.strip()
    if not code:
        return (Issue("TRA-F01", N_("the journal code is blank")),)
    if not code.isalnum() or not code.isascii() or code != code.upper():
        message = N_("journal {code!r} is not upper-case letters and digits", code=code)
        return (Issue("TRA-F01", message),)
    issues = []
    if config.journals is not None:
        info = config.journals.get(code)
        origin = config.origin("journals", code)
        if info is None and origin:
            # The dossier's own list, fetched from Loop: the journal is certainly missing.
            issues.append(
                Issue(
                    "TRA-F01",
                    N_("journal {code!r} does not exist{origin}", code=code, origin=origin),
                    N_(
                        "Cegid would create it on the fly or reject the line: create it in "
                        "Loop first, or fix the code (reported at its first line only)"
                    ),
                    once=True,
                )
            )
        elif info is None:
            issues.append(
                Issue(
                    "TRA-F01",
                    N_("journal {code!r} is not a known journal of the dossier", code=code),
                    N_("Cegid creates it, or rejects the line"),
                    "warning",
                )
            )
        elif info.closed:
            issues.append(
                Issue(
                    "TRA-F01",
                    N_("journal {code!r} is closed{origin}", code=code, origin=origin),
                    N_("a closed journal stops the whole import"),
                )
            )
    if code in config.reserved_journals:
        issues.append(
            Issue(
                "TRA-F01",
                N_("journal {code!r} is reported as reserved by Loop", code=code),
                N_("use another journal code"),
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
                N_("the entry date is missing")
                if not text
                else N_("entry date {text!r} means 'no date'", text=text),
                N_("Cegid would post it on 01/01/1900, outside every exercise"),
            ),
        )
    issue = date_issue("TRA-F02", raw, N_("entry date"))
    return (issue,) if issue else ()


def check_piece_type(raw: str, config: ValidationConfig) -> tuple[Issue, ...]:
    code = raw.strip()
    if code in PIECE_TYPES:
        return ()
    return (
        Issue(
            "TRA-F03",
            N_(
                "piece type {shown} is not one of {types}",
                shown=repr(code) if code else N_("blank"),
                types=", ".join(sorted(PIECE_TYPES)),
            ),
            N_("Cegid would silently replace it by OD"),
        ),
    )


def check_account(raw: str, config: ValidationConfig) -> tuple[Issue, ...]:
    account = raw.strip()
    if not account:
        return (Issue("TRA-F04", N_("the general account is blank")),)
    issues = []
    length = config.general_account_length
    if length is not None and len(account) > length:
        issues.append(
            Issue(
                "TRA-F04",
                N_(
                    "account {account!r} has {count} characters; the dossier's accounts have "
                    "{length}",
                    account=account,
                    count=len(account),
                    length=length,
                ),
                N_("Cegid would truncate it, possibly onto another account"),
            )
        )
    if not is_ascii_number(account):
        issues.append(
            Issue(
                "TRA-F04",
                N_("account {account!r} is not all digits", account=account),
                N_("Cegid reports alphanumeric general accounts"),
                "warning",
            )
        )
    elif len(account) < 3:
        issues.append(
            Issue(
                "TRA-F04",
                N_("account {account!r} has fewer than 3 digits", account=account),
                N_("the FEC requires at least the 3-digit class"),
                "warning",
            )
        )
    if config.chart_of_accounts is not None and account not in config.chart_of_accounts:
        origin = config.origin("chart_of_accounts")
        issues.append(
            Issue(
                "TRA-F04",
                N_("account {account!r} does not exist{origin}", account=account, origin=origin)
                if origin
                else N_("account {account!r} is not in the chart of accounts", account=account),
                N_(
                    "Cegid would create it or replace it by the waiting account (reported at its "
                    "first line only)"
                )
                if origin
                else N_("Cegid would create it or replace it by the waiting account"),
                once=bool(origin),
            )
        )
    return tuple(issues)


def check_label(raw: str, config: ValidationConfig) -> tuple[Issue, ...]:
    label = raw.strip()
    if not label:
        return (
            Issue("TRA-F06", N_("the label is empty"), N_("the FEC requires a label"), "warning"),
        )
    issues = []
    if label.upper().startswith("DETRUITE LE "):
        issues.append(
            Issue(
                "TRA-F06",
                N_("label {label!r} starts with 'DETRUITE LE '", label=label),
                N_("Cegid treats such an entry as deleted"),
            )
        )
    if '"' in label:
        issues.append(
            Issue(
                "TRA-F06",
                N_("label {label!r} contains a double quote", label=label),
                N_("Cegid strips double quotes"),
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
            N_("payment method {code!r} is not a known code", code=code),
            N_("Cegid maps it through a correspondence table or takes the dossier default"),
        ),
    )


def check_due_date(raw: str, config: ValidationConfig) -> tuple[Issue, ...]:
    issue = date_issue("TRA-F09", raw, N_("due date"))
    if issue is None:
        return ()
    hint = N_("Cegid would silently use 01/01/1900, then the entry date")
    return (attrs.evolve(issue, hint=hint),)


def check_direction(raw: str, config: ValidationConfig) -> tuple[Issue, ...]:
    if raw in ("D", "C"):
        return ()
    return (
        Issue(
            "TRA-F10",
            N_("direction {shown} is not D or C", shown=repr(raw) if raw.strip() else N_("blank")),
            N_("Cegid would post a zero amount and balance the pièce on the waiting account"),
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
                N_("entry type {code!r} is not a normal entry (N)", code=code),
                N_(
                    "S simulation, U situation, P prévision, R révision… are not posted as "
                    "normal entries"
                ),
                "warning",
            ),
        )
    message = N_("entry type {code!r} is unknown", code=code)
    return (Issue("TRA-F12", message, N_("Cegid would silently use N")),)


def check_piece_number(raw: str, config: ValidationConfig) -> tuple[Issue, ...]:
    text = raw.strip()
    if not text or text.strip("0") == "":
        return (
            Issue(
                "TRA-F13",
                N_("the piece number is blank or 0"),
                N_("Cegid numbers the pièce itself; its grouping cannot be checked"),
                "warning",
            ),
        )
    if not is_ascii_number(text):
        return (Issue("TRA-F13", N_("piece number {text!r} is not a whole number", text=text)),)
    return ()


def check_currency(raw: str, config: ValidationConfig) -> tuple[Issue, ...]:
    code = raw.strip()
    if not code or code == config.dossier_currency:
        return ()
    configured = config.currencies
    if configured is not None and code in configured:
        message = N_(
            "currency {code!r} differs from the dossier currency {currency}",
            code=code,
            currency=config.dossier_currency,
        )
        return (Issue("TRA-F14", message, severity="warning"),)
    if code not in iso_4217():
        return (
            Issue(
                "TRA-F14",
                N_("currency {code!r} is not an ISO 4217 code", code=code),
                N_("Cegid stops the import on an unknown currency"),
            ),
        )
    if configured is not None:
        return (
            Issue(
                "TRA-F14",
                N_(
                    "currency {code!r} is not one of the dossier's currencies ({currencies})",
                    code=code,
                    currencies=", ".join(sorted(configured)),
                ),
                N_(
                    "an unknown currency stops the import; add it to [validate] currencies if "
                    "the dossier has it"
                ),
            ),
        )
    return (
        Issue(
            "TRA-F14",
            N_(
                "currency {code!r} differs from the dossier currency {currency}",
                code=code,
                currency=config.dossier_currency,
            ),
            N_(
                "list the dossier's currencies in [validate] currencies: Cegid stops the import "
                "on a currency its dossier does not have"
            ),
            "warning",
        ),
    )


def check_amount_code(raw: str, config: ValidationConfig) -> tuple[Issue, ...]:
    code = raw.strip()
    if code in ("", "---"):
        return (
            Issue(
                "TRA-F16",
                N_("amount code {code!r} is read as E--", code=code or N_("blank")),
                severity="warning",
            ),
        )
    if len(code) != 3 or any(c not in "EDF-" for c in code) or code[0] == "-":
        return (
            Issue(
                "TRA-F16",
                N_("amount code {code!r} is not 3 of E, D, F, - with a letter first", code=code),
            ),
        )
    return ()


def check_establishment(raw: str, config: ValidationConfig) -> tuple[Issue, ...]:
    code = raw.strip()
    if not code or config.establishments is None or code in config.establishments:
        return ()
    return (
        Issue(
            "TRA-F18",
            N_(
                "establishment {code!r} is not a known establishment{origin}",
                code=code,
                origin=config.origin("establishments"),
            ),
            N_("Cegid creates it, or fails when the establishment check is on"),
        ),
    )


def check_due_number(raw: str, config: ValidationConfig) -> tuple[Issue, ...]:
    text = raw.strip()
    if not text or is_ascii_number(text):
        return ()
    return (Issue("TRA-F20", N_("due number {text!r} is not a whole number", text=text)),)


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


def amount_issues(raw: str, name: str, decimals: int, config: ValidationConfig) -> list[Issue]:
    """TRA-F11 for `amount` (TRA-F17 for amounts 2 and 3, which may be blank)."""
    rule = "TRA-F11" if name == "amount" else "TRA-F17"
    text = raw.strip()
    if not text:
        return [Issue(rule, N_("the amount is missing"))] if name == "amount" else []
    match = _AMOUNT.fullmatch(text)
    if match is None:
        if _THOUSANDS.search(text):
            return [
                Issue(
                    rule,
                    N_("amount {text!r} has a thousands separator", text=text),
                    N_("write 1234,56, with no separator"),
                )
            ]
        message = N_("amount {text!r} is not a decimal number", text=text)
        return [Issue(rule, message, N_("write e.g. 1200,50"))]
    sign, units, separator, fraction = match.groups()
    issues = []
    if fraction is not None and len(fraction) > decimals:
        issues.append(
            Issue(
                rule,
                N_(
                    "amount {text!r} has {count} decimals; the currency has {decimals}",
                    text=text,
                    count=len(fraction),
                    decimals=decimals,
                ),
            )
        )
    if separator == "." and name == "amount":
        issues.append(
            Issue(
                rule,
                N_("amount {text!r} uses a decimal point", text=text),
                N_("Cegid writes a decimal comma"),
                "warning" if config.accept_decimal_point else "error",
            )
        )
    if sign and not config.allow_negative_amounts:
        issues.append(
            Issue(
                rule,
                N_("amount {text!r} is negative", text=text),
                N_(
                    "write a positive amount with the opposite direction: a negative amount "
                    "switches on « montants négatifs autorisés » dossier-wide"
                ),
            )
        )
    if name == "amount" and int(units) == 0 and not (fraction or "").strip("0"):
        issues.append(
            Issue(
                rule,
                N_("the amount is zero"),
                N_("Cegid silently drops a line whose three amounts are 0"),
                "warning",
            )
        )
    return issues
