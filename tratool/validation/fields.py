"""Field rules on one field at a time (TRA-F01 … TRA-F20).

A check that looks at one field only is a pure function of the raw characters, so its result
is cached per distinct value: a million lines carry a few hundred journals, dates and
accounts, and each is checked once. Checks that need several fields run on every line.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable

import attrs

from ..errors import Severity
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
    message: str
    hint: str | None = None
    severity: Severity | None = None  # None: the rule's default
    once: bool = False  # report it at the first line only (the same fix serves every line)


Check = Callable[[str, ValidationConfig], tuple[Issue, ...]]


def foreign_digit(raw: str) -> int | None:
    """The offset of the first character that Python counts as a digit or number but that is
    not 0-9 (``¹``, ``٤``, ``１``, ``½``…), if any (TRA-F26)."""
    if raw.isascii():
        return None
    return next((i for i, c in enumerate(raw) if not c.isascii() and c.isnumeric()), None)


def date_issue(rule: str, raw: str, what: str, severity: Severity | None = None) -> Issue | None:
    text = raw.strip()
    if text in EMPTY_DATES:
        return None
    if len(text) != 8 or not is_ascii_number(text):
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
        origin = config.origin("journals", code)
        if info is None and origin:
            # The dossier's own list, fetched from Loop: the journal is certainly missing.
            issues.append(
                Issue(
                    "TRA-F01",
                    f"journal {code!r} does not exist{origin}",
                    "Cegid would create it on the fly or reject the line: create it in Loop "
                    "first, or fix the code (reported at its first line only)",
                    once=True,
                )
            )
        elif info is None:
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
                    f"journal {code!r} is closed{origin}",
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
    issue = date_issue("TRA-F02", raw, "entry date")
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
    if not is_ascii_number(account):
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
        origin = config.origin("chart_of_accounts")
        issues.append(
            Issue(
                "TRA-F04",
                f"account {account!r} does not exist{origin}"
                if origin
                else f"account {account!r} is not in the chart of accounts",
                "Cegid would create it or replace it by the waiting account"
                + (" (reported at its first line only)" if origin else ""),
                once=bool(origin),
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
    issue = date_issue("TRA-F09", raw, "due date")
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
    if not is_ascii_number(text):
        return (Issue("TRA-F13", f"piece number {text!r} is not a whole number"),)
    return ()


def check_currency(raw: str, config: ValidationConfig) -> tuple[Issue, ...]:
    code = raw.strip()
    if not code or code == config.dossier_currency:
        return ()
    configured = config.currencies
    if configured is not None and code in configured:
        message = f"currency {code!r} differs from the dossier currency {config.dossier_currency}"
        return (Issue("TRA-F14", message, severity="warning"),)
    if code not in iso_4217():
        return (
            Issue(
                "TRA-F14",
                f"currency {code!r} is not an ISO 4217 code",
                "Cegid stops the import on an unknown currency",
            ),
        )
    if configured is not None:
        return (
            Issue(
                "TRA-F14",
                f"currency {code!r} is not one of the dossier's currencies "
                f"({', '.join(sorted(configured))})",
                "an unknown currency stops the import; add it to [validate] currencies if the "
                "dossier has it",
            ),
        )
    return (
        Issue(
            "TRA-F14",
            f"currency {code!r} differs from the dossier currency {config.dossier_currency}",
            "list the dossier's currencies in [validate] currencies: Cegid stops the import "
            "on a currency its dossier does not have",
            "warning",
        ),
    )


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
            f"establishment {code!r} is not a known establishment{config.origin('establishments')}",
            "Cegid creates it, or fails when the establishment check is on",
        ),
    )


def check_due_number(raw: str, config: ValidationConfig) -> tuple[Issue, ...]:
    text = raw.strip()
    if not text or is_ascii_number(text):
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
