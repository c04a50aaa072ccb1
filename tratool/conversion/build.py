"""Turn rows of a delimited file into TRA entries, one pièce at a time.

Every problem is reported against the source — ``ventes.csv:17: column "Montant": "12,3,4"
is not an amount`` — and collected, so one run lists them all. Fixes made on request
(transliteration, truncated labels) and conventions applied (a negative debit booked as a
credit) are reported as changes.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Iterator
from decimal import ROUND_HALF_EVEN, Decimal

import attrs

from ..errors import Message
from ..i18n import N_, Text, TextValueError
from ..tra.charset import encodable, transliterate
from ..tra.records import Entry, GeneralExtension
from ..tra.values import is_ascii_number
from .cells import parse_amount, parse_date
from .mapping import Mapping, direction_of
from .tabular import SourceRow

TEXT_LIMITS = {
    "reference": 35,
    "label": 35,
    "auxiliary": 17,
    "account": 17,
    "payment_method": 3,
    "establishment": 3,
}


@attrs.frozen
class Money:
    """The amount fields of an entry: amount 1 in its currency and, for a foreign currency,
    amount 2 in euros (amount code ``DE-``) with the rate between them."""

    amount: Decimal
    amount2: Decimal | None = None
    amount_code: str = "E--"
    exchange_rate: Decimal | None = Decimal("1.00000000")


@attrs.frozen
class RowProblem:
    """A row that cannot be converted, or a change made to it; `str()` of a `Text` message
    is its English, the command line says it in French too."""

    row: int
    column: str | None
    message: Message

    def located(self, path: str) -> str:
        return str(self.located_text(path))

    def located_text(self, path: str) -> Text:
        if self.column:
            return N_(
                '{path}:{row}: column "{column}": {message}',
                path=path,
                row=str(self.row),
                column=self.column,
                message=self.message,
            )
        return N_("{path}:{row}: {message}", path=path, row=str(self.row), message=self.message)


class EntryBuilder:
    """Streams entries from rows; `problems`, `changes` and the totals fill up as it goes."""

    def __init__(
        self,
        mapping: Mapping,
        *,
        date_format: str | None,  # None: the dates cannot be read (a problem already says why)
        transliterate: bool = False,
        truncate_labels: bool = False,
        dossier_currency: str = "EUR",
    ) -> None:
        self.mapping = mapping
        self.date_format = date_format
        self.transliterate = transliterate
        self.truncate_labels = truncate_labels
        self.dossier_currency = dossier_currency
        self.problems: list[RowProblem] = []
        self.changes: list[RowProblem] = []
        self.rows = 0
        self.debit_in = Decimal(0)  # the source's own totals, to compare with the output
        self.credit_in = Decimal(0)
        self._counters: dict[str, int] = {}
        self._piece_key: object = None
        self._piece_number = 0

    def entries(self, rows: Iterable[SourceRow]) -> Iterator[tuple[int, Entry]]:
        """(source row number, entry) for each row that converts; problems are collected."""
        for row in rows:
            self.rows += 1
            entry = self._entry(row)
            if entry is not None:
                yield row.number, entry

    # -- one row ---------------------------------------------------------------------------
    def _raw(self, row: SourceRow, field: str) -> tuple[str, str | None]:
        """(value, column it came from) — a mapped column wins over a constant."""
        column = self.mapping.columns.get(field)  # Mapping.column, one call less per field
        if column is not None:
            return row.values[column].strip(), column
        return self.mapping.constants.get(field, ""), None

    def _problem(self, row: SourceRow, column: str | None, message: Message) -> None:
        self.problems.append(RowProblem(row.number, column, message))

    def _text(self, row: SourceRow, field: str) -> str:
        value, column = self._raw(row, field)
        if self.transliterate and (not value.isascii() or any(c in value for c in '\t\r\n"')):
            fixed = transliterate(
                value.replace("\t", " ").replace("\r", " ").replace("\n", " ").replace('"', "'")
            )
            if fixed != value:
                self.changes.append(RowProblem(row.number, column, f"{value!r} -> {fixed!r}"))
            value = fixed
        # Printable ASCII (nearly every value) holds no character to refuse.
        printable = value.isascii() and value.isprintable()
        bad = [] if printable else sorted({c for c in value if c in "\t\r\n" or not encodable(c)})
        if bad:
            remedy = (
                N_("and --transliterate has no neighbour for them: replace them in the source")
                if self.transliterate
                else N_("use --transliterate")
            )
            message = N_(
                "{value!r} holds {characters}, which a TRA file cannot carry: {remedy}",
                value=value,
                characters=", ".join(map(repr, bad)),
                remedy=remedy,
            )
            self._problem(row, column, message)
            return value
        limit = TEXT_LIMITS.get(field)
        if limit is not None and len(value) > limit:
            if field == "label" and self.truncate_labels:
                cut = N_("label cut to 35 characters: {value!r}", value=value)
                self.changes.append(RowProblem(row.number, column, cut))
                return value[:limit].rstrip()
            hint = N_(" (--truncate-labels cuts labels)") if field == "label" else ""
            message = N_(
                "{value!r} is {length} characters; a TRA {field} holds {limit}{hint}",
                value=value,
                length=len(value),
                field=field,
                limit=limit,
                hint=hint,
            )
            self._problem(row, column, message)
        return value

    def _date(self, row: SourceRow, field: str, required: bool) -> dt.date | None:
        value, column = self._raw(row, field)
        if not value:
            if required:
                empty = N_("the {field} is empty", field=field.replace("_", " "))
                self._problem(row, column, empty)
            return None
        if self.date_format is None:
            return None  # the format could not be settled: reported once, before the rows
        try:
            return parse_date(value, self.date_format)
        except ValueError as exc:
            self._problem(row, column, _reason(exc))
            return None

    def _amount(self, row: SourceRow, field: str) -> Decimal | None:
        value, column = self._raw(row, field)
        try:
            return parse_amount(value)
        except ValueError as exc:
            self._problem(row, column, _reason(exc))
            return None

    def _direction_and_amount(self, row: SourceRow) -> tuple[str, Decimal] | None:
        if self.mapping.column("debit") or "debit" in self.mapping.constants:
            debit = self._amount(row, "debit") or Decimal(0)
            credit = self._amount(row, "credit") or Decimal(0)
            self.debit_in += debit
            self.credit_in += credit
            if debit and credit:
                both = N_(
                    "both a debit ({debit}) and a credit ({credit}) on one row",
                    debit=str(debit),
                    credit=str(credit),
                )
                self._problem(row, self.mapping.column("debit"), both)
                return None
            direction, amount = ("C", credit) if credit else ("D", debit)
        else:
            value = self._amount(row, "amount")
            if value is None:
                self._problem(row, self.mapping.column("amount"), N_("the amount is empty"))
                return None
            amount = value
            text, column = self._raw(row, "direction")
            if column is None and not text:
                direction = "D" if amount >= 0 else "C"  # a signed amount column
                amount = abs(amount)
            else:
                found = direction_of(text)
                if found is None:
                    wrong = N_("{text!r} is not a direction (D/C, Débit/Crédit)", text=text)
                    self._problem(row, column, wrong)
                    return None
                direction = found
            if direction == "D":
                self.debit_in += amount
            else:
                self.credit_in += amount
        if amount < 0:
            direction = "C" if direction == "D" else "D"
            booked = N_(
                "negative amount {amount} booked as {positive} on the {side} side",
                amount=str(amount),
                positive=str(-amount),
                side=N_("credit") if direction == "C" else N_("debit"),
            )
            self.changes.append(RowProblem(row.number, None, booked))
            amount = -amount
        return direction, amount

    def _piece(self, row: SourceRow, journal: str) -> int:
        piece, _ = self._raw(row, "piece")
        key: object = (
            piece
            if self.mapping.column("piece")
            else tuple(self._raw(row, f)[0] for f in self.mapping.group_by)
        )
        return self.piece_number(piece, key, journal)

    def piece_number(self, piece: str, key: object, journal: str) -> int:
        """The pièce number of a converted row: its pièce's `key` (the piece cell, or the
        group_by values) changed, a new pièce, numbered by `piece` when it is a whole number
        of up to 8 digits, else by the journal's counter."""
        if key != self._piece_key or self._piece_number == 0:
            self._piece_key = key
            if is_ascii_number(piece) and len(piece) <= 8 and int(piece) > 0:
                self._piece_number = int(piece)
            else:
                self._counters[journal] = (
                    self._counters.get(journal, self.mapping.first_number - 1) + 1
                )
                self._piece_number = self._counters[journal]
        return self._piece_number

    def _entry(self, row: SourceRow) -> Entry | None:
        before = len(self.problems)
        journal = self._journal(row)
        date = self._date(row, "date", required=True)
        account = self._text(row, "account")
        if not account:
            self._problem(row, self.mapping.column("account"), N_("the account is empty"))
        auxiliary, line_type = self._auxiliary(row, account)
        moved = self._direction_and_amount(row)
        texts = {
            f: self._text(row, f) for f in ("reference", "label", "payment_method", "establishment")
        }
        due_date = self._date(row, "due_date", required=False)
        currency = self._raw(row, "currency")[0].upper() or self.dossier_currency
        if moved is None or date is None or len(self.problems) > before:
            return None
        direction, amount = moved
        money = self._foreign(row, currency, amount)
        if money is None:
            return None
        return Entry(
            journal=journal,
            date=date,
            piece_type=self._raw(row, "piece_type")[0] or "OD",
            account=account,
            line_type=line_type,
            auxiliary=auxiliary,
            direction=direction,
            due_date=due_date,
            piece_number=self._piece(row, journal),
            currency=currency,
            due_number=1 if line_type == "X" else None,
            extension=required_ete(date, line_type) if self.mapping.format == "ETE" else None,
            reference=texts["reference"],
            label=texts["label"],
            payment_method=texts["payment_method"],
            establishment=texts["establishment"],
            amount=money.amount,
            amount2=money.amount2,
            amount_code=money.amount_code,
            exchange_rate=money.exchange_rate,
        )

    def _journal(self, row: SourceRow) -> str:
        """The row's journal code, through [options] journal_codes."""
        journal_raw, journal_column = self._raw(row, "journal")
        journal = self.mapping.journal_codes.get(journal_raw, journal_raw)
        if not journal or len(journal) > 3:
            message = N_(
                "journal {code!r} is not a 1-3 character code: map it with [options] "
                "journal_codes, or use --journal",
                code=journal_raw,
            )
            self._problem(row, journal_column, message)
        return journal

    def _auxiliary(self, row: SourceRow, account: str) -> tuple[str, str]:
        """(auxiliary, line type): a tiers on a collective account makes an X line."""
        auxiliary = self._text(row, "auxiliary")
        if not auxiliary:
            return "", ""
        column = self.mapping.column("auxiliary")
        if auxiliary != auxiliary.upper():
            upper = N_("auxiliary {code!r} upper-cased", code=auxiliary)
            self.changes.append(RowProblem(row.number, column, upper))
            auxiliary = auxiliary.upper()
        if any(account.startswith(p) for p in self.mapping.collective_prefixes):
            return auxiliary, "X"
        message = N_(
            "auxiliary {code!r} on account {account}, which is not a collective account: "
            "declare its prefix in [options] collective_prefixes",
            code=auxiliary,
            account=account,
        )
        self._problem(row, column, message)
        return auxiliary, ""

    def _foreign(self, row: SourceRow, currency: str, amount: Decimal) -> Money | None:
        """Amount fields: the keeping currency alone, or a foreign amount and its euro value."""
        if currency == self.dossier_currency or not self.mapping.column("foreign_amount"):
            return Money(amount)
        foreign = self._amount(row, "foreign_amount")
        if foreign is None or foreign == 0:
            missing = N_("a {currency} line without its amount in {currency}", currency=currency)
            self._problem(row, self.mapping.column("foreign_amount"), missing)
            return None
        foreign = abs(foreign)
        rate = foreign / amount if amount else Decimal(0)
        places = max(0, 8 - len(str(int(rate))))  # the rate field holds 10 characters
        rate = rate.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
        return Money(foreign, amount, "DE-", rate)


@functools.lru_cache(maxsize=4096)  # one frozen value per date and line type, shared
def required_ete(date: dt.date | None, line_type: str) -> GeneralExtension:
    """The ETE fields Cegid's version-011 specification marks required on general lines
    (tra-format.md §12.4), which a converted source does not carry: created on the entry's
    date, a normal entry (N), no VAT on receipts (-), and a lettering state that says only
    whether the line can be lettered: AL (to be lettered) on tiers lines, RI elsewhere."""
    return GeneralExtension(
        created_on=date,
        opening_kind="N",
        vat_on_receipts="-",
        lettering_state="AL" if line_type == "X" else "RI",
    )


def _reason(exc: ValueError) -> Message:
    """A cell parser's complaint: its `Text` when it made one."""
    return exc.text if isinstance(exc, TextValueError) else str(exc)
