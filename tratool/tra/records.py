"""The records of a TRA file, as frozen attrs classes.

Attribute names are the canonical field names of ``tra-format.md``; a test checks that every
class here matches its table in `tratool.layout` field for field. Values are typed (dates,
`Decimal` amounts, `int` piece numbers) and everything the layout does not cover is kept in
``extra`` / ``trailer`` and written back unchanged, so reading and writing loses nothing.
"""

from __future__ import annotations

import datetime as dt
import operator
from decimal import Decimal
from typing import Any

import attrs

from . import layout

_ZERO = Decimal(0)


def amount_roles(amount_code: str) -> tuple[int, int | None]:
    """Which of amount, amount2 and amount3 (0, 1, 2) holds the keeping currency and which,
    if any, a foreign currency. The k-th letter of the amount code says what amount k holds
    (tra-format.md: ``E`` keeping currency, ``D`` foreign, ``-`` nothing); Cegid reads a
    blank code, or one without ``E``, as ``E--``."""
    code = amount_code.strip()[:3]
    keeping, foreign = code.find("E"), code.find("D")
    return (keeping if keeping >= 0 else 0), (foreign if foreign >= 0 else None)


@attrs.frozen(kw_only=True)
class Header:
    """Line 1: ``***S5CLIJRLETE…``. Defaults are the Loop guide's choices (tra-format.md §2)."""

    product: str = "S5"
    origin: str = "CLI"
    content: str = "JRL"
    format: str = "ETE"
    closing_exercise: str = ""
    switchover_date: dt.date | None = None
    closing_date: dt.date | None = None
    version: str = "007"
    firm_file_number: str = ""
    generated_at: dt.datetime | None = None
    user: str = "TRATOOL"
    company_name: str = ""
    resume_flag: str = "-"
    resume_complement: str = ""
    file_number: str = ""
    sync_mode: str = ""
    purge_date: dt.date | None = None
    sub_version: str = "001"
    new_analytics: str = ""  # X or -, version 010 on
    guid_ready: str = ""  # X or -, version 010 on: entry lines then carry a guid
    trailer: str = ""  # anything after column 149, kept raw

    @property
    def extended(self) -> bool:
        """True for the ``ETE`` format, whose entry lines go beyond column 222."""
        return self.format == "ETE"


@attrs.frozen(kw_only=True)
class _ExtensionBase:
    """ETE fields shared by general and analytic lines (tra-format.md §5.1, §5.2)."""

    external_reference: str = ""
    external_reference_date: dt.date | None = None
    created_on: dt.date | None = None
    company_code: str = ""
    business_code: str = ""
    exchange_rate_date: dt.date | None = None
    opening_kind: str = ""
    quantity1: Decimal | None = None
    quantity2: Decimal | None = None
    quantity1_unit: str = ""
    quantity2_unit: str = ""
    free_reference: str = ""
    counterpart_account: str = ""
    counterpart_auxiliary: str = ""
    asset_number: str = ""
    free_text_0: str = ""
    free_text_1: str = ""
    free_text_2: str = ""
    free_text_3: str = ""
    free_text_4: str = ""
    free_text_5: str = ""
    free_text_6: str = ""
    free_text_7: str = ""
    free_text_8: str = ""
    free_text_9: str = ""
    legacy_free_table_0: str = ""
    legacy_free_table_1: str = ""
    legacy_free_table_2: str = ""
    legacy_free_table_3: str = ""
    free_amount_0: Decimal | None = None
    free_amount_1: Decimal | None = None
    free_amount_2: Decimal | None = None
    free_amount_3: Decimal | None = None
    free_date: dt.date | None = None
    free_flag_0: str = ""
    free_flag_1: str = ""
    consolidation_code: str = ""
    lettering_max_date: dt.date | None = None
    lettering_min_date: dt.date | None = None
    lettering_in_currency: str = ""
    lettering_in_euro: str = ""
    free_table_0: str = ""
    free_table_1: str = ""
    free_table_2: str = ""
    free_table_3: str = ""
    gescom_reference: str = ""
    movement_type: str = ""
    document_id: str = ""
    treasury_sync: str = ""
    bill_or_cheque_number: str = ""
    receipt_payment_number: str = ""
    validated: str = ""
    confidential: str = ""


@attrs.frozen(kw_only=True)
class GeneralExtension(_ExtensionBase):
    """The ETE part (223-1407) of a general line: line type blank, ``X`` or ``H``. Columns
    1281-1407 exist from version 010 on."""

    vat_on_receipts: str = ""
    vat_regime: str = ""
    vat_code: str = ""
    tpf_code: str = ""
    covered_amount: Decimal | None = None
    covered_amount_currency: Decimal | None = None
    covered_amount_euro: Decimal | None = None
    lettering_code: str = ""
    lettering_state: str = ""
    reconciliation_reference: str = ""
    reconciliation_date: dt.date | None = None
    reminder_date: dt.date | None = None
    value_date: dt.date | None = None
    bank_details: str = ""
    statement_reference: str = ""
    cutoff_start: dt.date | None = None
    cutoff_end: dt.date | None = None
    cutoff_computed_on: dt.date | None = None
    entry_key: str = ""
    cfonb_ok: str = ""
    acceptance_code: str = ""
    validation_id: str = ""
    reserved_1250: str = ""
    reserved_1267: str = ""
    reserved_1270: str = ""
    origin_qualifier: str = ""
    guid: str = ""
    company_internal: str = ""
    creditor_id: str = ""
    mandate_reference: str = ""
    entry_group_number: int | None = None
    entry_number: int | None = None
    validated_on: dt.date | None = None


@attrs.frozen(kw_only=True)
class AnalyticExtension(_ExtensionBase):
    """The ETE part (223-1231) of an analytic line: line type ``A`` or ``O``. It has no VAT
    fields and no lettering code or state: 1014 is the analytic line number (tra-format.md
    §12.3). Columns 1179-1231 exist from version 010 on."""

    reserved_386: str = ""
    percentage: Decimal | None = None
    quantity1_percentage: Decimal | None = None
    quantity2_percentage: Decimal | None = None
    analytic_line_number: int | None = None
    reserved_1021: str = ""
    sub_section_axis6: str = ""
    guid: str = ""
    analytic_flag: str = ""
    sub_section_axis1: str = ""
    sub_section_axis2: str = ""
    sub_section_axis3: str = ""
    sub_section_axis4: str = ""
    sub_section_axis5: str = ""


Extension = GeneralExtension | AnalyticExtension


@attrs.frozen(kw_only=True)
class Entry:
    """One movement line. `direction` is ``D`` or ``C``; `amount` is positive."""

    journal: str
    date: dt.date | None
    piece_type: str
    account: str
    line_type: str = ""
    auxiliary: str = ""  # the tiers on X lines, the analytic section on A/O/H lines
    reference: str = ""
    label: str = ""
    payment_method: str = ""
    due_date: dt.date | None = None
    direction: str
    amount: Decimal | None
    entry_type: str = "N"
    piece_number: int | None = None
    currency: str = "EUR"
    exchange_rate: Decimal | None = Decimal("1.00000000")
    amount_code: str = "E--"
    amount2: Decimal | None = None
    amount3: Decimal | None = None
    establishment: str = ""
    axis: str = ""
    due_number: int | None = None
    extension: Extension | None = None  # only in ETE files
    extra: str = ""  # characters after the last known column, kept raw

    @property
    def is_analytic(self) -> bool:
        """``A``/``O`` lines split a general line; they do not count in the pièce balance."""
        return self.line_type in layout.ANALYTIC_LINE_TYPES

    @property
    def keeping_amount(self) -> Decimal:
        """The amount in the dossier's keeping currency (see `amount_roles`)."""
        keeping, _ = amount_roles(self.amount_code)
        chosen = (self.amount, self.amount2, self.amount3)[keeping]
        return chosen if chosen is not None else (self.amount or _ZERO)

    @property
    def foreign_amount(self) -> Decimal | None:
        """The amount in the foreign currency, when the amount code names one."""
        _, foreign = amount_roles(self.amount_code)
        return None if foreign is None else (self.amount, self.amount2, self.amount3)[foreign]

    @property
    def debit(self) -> Decimal:
        return self.keeping_amount if self.direction == "D" else _ZERO

    @property
    def credit(self) -> Decimal:
        return self.keeping_amount if self.direction == "C" else _ZERO

    @property
    def piece_key(self) -> tuple[str, dt.date | None, int | None]:
        """tratool's pièce grouping key (tra-format.md §7)."""
        return (self.journal, self.date, self.piece_number)


@attrs.frozen
class ParameterRecord:
    """A ``***XXX`` record tratool does not type: kept as its text, written back as is."""

    text: str

    @property
    def code(self) -> str:
        return layout.record_code(self.text)


@attrs.frozen(kw_only=True)
class Exercise:
    """``***EXO``: a fiscal year of the dossier."""

    code: str
    start: dt.date | None
    end: dt.date | None
    state: str = "OUV"
    budget_state: str = ""
    label: str = ""
    opening_balance_type: str = ""
    extra: str = ""


@attrs.frozen(kw_only=True)
class Journal:
    """``***JAL``: a journal, created by the import when missing."""

    code: str
    label: str = ""
    nature: str = ""
    number_series: str = ""
    simulation_series: str = ""
    counterpart_account: str = ""
    axis: str = ""
    entry_mode: str = ""
    extra: str = ""


@attrs.frozen(kw_only=True)
class GeneralAccount:
    """``***CGN``: a general account with its nature (``COC``/``COF``… are collective)."""

    code: str
    label: str = ""
    nature: str = ""
    lettrable: str = ""
    pointable: str = ""
    ventilable_axes: str = ""
    extra: str = ""


@attrs.frozen(kw_only=True)
class Tiers:
    """``***CAE``: an auxiliary account (customer, supplier…) and its collective account."""

    code: str
    name: str = ""
    nature: str = ""
    lettrable: str = ""
    collective_account: str = ""
    ean: str = ""
    extra: str = ""


@attrs.frozen
class RawLine:
    """A line kept exactly as read: it could not be typed (the reader reported why), or it is
    not a journal entry (``G``, ``P`` and ``B`` lines). The writer writes it back unchanged."""

    text: str


Record = Header | Entry | ParameterRecord | Exercise | Journal | GeneralAccount | Tiers | RawLine

# Typed parameter records and the layout of their fields; `extra` holds the rest of the record.
PARAMETER_TYPES: dict[str, type[Exercise | Journal | GeneralAccount | Tiers]] = {
    "EXO": Exercise,
    "JAL": Journal,
    "CGN": GeneralAccount,
    "CAE": Tiers,
}


def entry_as_dict(entry: Entry) -> dict[str, Any]:
    """Flat mapping of canonical field names to values (extension fields inlined)."""
    data = dict(zip(layout.ENTRY.names, _entry_values(entry), strict=True))
    if entry.extension is not None:
        data.update(attrs.asdict(entry.extension, recurse=False))
    return data


_entry_values = operator.attrgetter(*layout.ENTRY.names)
