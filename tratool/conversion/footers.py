"""Footer and total rows of spreadsheet exports: recognised, named, never read as entries.

A French Excel export often ends with a row such as ``;;;Total;;;6 669,12;6 669,12``. Read as
an entry, it would surface as a date or account error far from its cause. A row is:

* a **total** when one of its cells starts with a total word (Total, Sous-total, Totaux,
  Cumul, Solde, Report) and its date and account are empty or that word: skipped, with a notice;
* a **footer** when it has no date and no account (or no amount) but carries other values:
  refused, named by its row number, since tratool cannot tell what it is.
"""

from __future__ import annotations

import enum
import functools

from ..i18n import N_, Text
from .build import RowProblem
from .mapping import Mapping, normalise
from .tabular import SourceRow

TOTAL_WORDS = ("total", "soustotal", "totaux", "totalgeneral", "cumul", "solde", "report")


class RowKind(enum.Enum):
    ENTRY = "entry"
    TOTAL = "total"
    FOOTER = "footer"


def _cell(row: SourceRow, mapping: Mapping, field: str) -> str:
    column = mapping.column(field)
    return row.values.get(column, "").strip() if column else ""


@functools.lru_cache(maxsize=4096)  # dates and accounts repeat down a file
def _is_total_word(text: str) -> bool:
    return normalise(text).startswith(TOTAL_WORDS)


def classify(row: SourceRow, mapping: Mapping) -> RowKind:
    keys = [_cell(row, mapping, "date"), _cell(row, mapping, "account")]
    # The keys first: on an entry row they already rule a total out, and the cells are
    # then not looked at.
    if all(not k or _is_total_word(k) for k in keys) and any(
        _is_total_word(c) for c in row.values.values() if c.strip()
    ):
        return RowKind.TOTAL
    date, account = keys
    amounts = [_cell(row, mapping, f) for f in ("debit", "credit", "amount")]
    if mapping.column("date") and not date and not (account and any(amounts)):
        return RowKind.FOOTER
    return RowKind.ENTRY


def entry_or_noted(
    row: SourceRow, mapping: Mapping, notices: list[RowProblem], problems: list[RowProblem]
) -> bool:
    """Whether the row is an entry; a total row is noted in `notices` (and skipped), a
    footer in `problems`."""
    kind = classify(row, mapping)
    if kind is RowKind.ENTRY:
        return True
    found = notices if kind is RowKind.TOTAL else problems
    found.append(RowProblem(row.number, None, describe(row, kind)))
    return False


def surely_entry(date: str) -> bool:
    """A row whose (stripped) date cell holds something that is not a total word is an
    entry, whatever its other cells say (`classify`)."""
    return bool(date) and not _is_total_word(date)


def describe(row: SourceRow, kind: RowKind) -> Text:
    filled = "; ".join(v.strip() for v in row.values.values() if v.strip())[:60]
    if kind is RowKind.TOTAL:
        return N_("total row skipped ({cells})", cells=filled)
    return N_(
        "this row has no date, and no account or no amount ({cells}): a footer or a note? "
        "remove it from the source",
        cells=filled,
    )
