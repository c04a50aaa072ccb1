"""The FEC (Fichier des Écritures Comptables), both ways.

Reading is a built-in mapping: CompAuxNum makes an ``X`` line, EcritureNum (or PieceRef)
groups the pièce, Idevise/Montantdevise give the foreign-currency amount, dates are AAAAMMJJ.
Writing follows the standard: tab-separated, 18 columns, a header row, AAAAMMJJ dates and
decimal commas; analytic lines are left out, as the FEC has none.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import IO, Any

import attrs

from ..tra.reader import TraReader
from ..tra.records import Entry, GeneralAccount, GeneralExtension, Journal, Tiers, amount_roles
from ..tra.values import format_money
from .mapping import Mapping

COLUMNS = (
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
)


def is_fec(columns: tuple[str, ...]) -> bool:
    return {"JournalCode", "EcritureNum", "CompteNum", "Debit", "Credit"} <= set(columns)


def fec_mapping(**overrides: Any) -> Mapping:
    """The FEC's columns as a mapping; `overrides` (date_format, constants…) replace parts."""
    columns = {
        "journal": "JournalCode",
        "piece": "EcritureNum",
        "date": "EcritureDate",
        "account": "CompteNum",
        "auxiliary": "CompAuxNum",
        "reference": "PieceRef",
        "label": "EcritureLib",
        "debit": "Debit",
        "credit": "Credit",
        "foreign_amount": "Montantdevise",
        "currency": "Idevise",
    }
    chosen = Mapping(columns=columns, date_format="%Y%m%d", source="<FEC>")
    return attrs.evolve(chosen, **{k: v for k, v in overrides.items() if v is not None})


def _day(value: dt.date | None) -> str:
    return value.strftime("%Y%m%d") if value else ""


def write_fec(reader: TraReader, out: IO[str]) -> int:
    """Write the general lines of a TRA file as a FEC. Labels of journals, accounts and tiers
    come from the file's ***JAL / ***CGN / ***CAE records when it has them."""
    journals: dict[str, str] = {}
    accounts: dict[str, str] = {}
    tiers: dict[str, str] = {}
    out.write("\t".join(COLUMNS) + "\r\n")
    count = 0
    for _, record in reader:
        if isinstance(record, Journal):
            journals[record.code] = record.label
        elif isinstance(record, GeneralAccount):
            accounts[record.code] = record.label
        elif isinstance(record, Tiers):
            tiers[record.code] = record.name
        elif isinstance(record, Entry) and not record.is_analytic:
            out.write("\t".join(_row(record, journals, accounts, tiers)) + "\r\n")
            count += 1
    return count


def _row(
    entry: Entry, journals: dict[str, str], accounts: dict[str, str], tiers: dict[str, str]
) -> list[str]:
    euro = entry.keeping_amount
    _, foreign = amount_roles(entry.amount_code)
    foreign_amount = entry.foreign_amount
    auxiliary = entry.auxiliary if entry.line_type == "X" else ""
    # Only general lines are written, and only their ETE table has the lettering and, from
    # version 010, the validation date (tra-format.md §12.2).
    ext = entry.extension if isinstance(entry.extension, GeneralExtension) else None
    lettering = ext.lettering_code if ext is not None else ""
    lettered_on = ext.lettering_max_date if ext is not None else None
    validated = ext.validated_on if ext is not None and ext.validated_on else entry.date
    cells = [
        entry.journal,
        journals.get(entry.journal, entry.journal),
        str(entry.piece_number or ""),
        _day(entry.date),
        entry.account,
        accounts.get(entry.account, ""),
        auxiliary,
        tiers.get(auxiliary, "") if auxiliary else "",
        entry.reference or str(entry.piece_number or ""),
        _day(entry.date),
        entry.label,
        format_money(euro if entry.direction == "D" else Decimal(0)),
        format_money(euro if entry.direction == "C" else Decimal(0)),
        lettering,
        _day(lettered_on) if lettering else "",
        _day(validated),  # without a version-011 validation date, the entry date stands in
        format_money(foreign_amount) if foreign_amount is not None else "",
        entry.currency if foreign is not None else "",
    ]
    return [c.replace("\t", " ") for c in cells]
