"""Hypothesis strategies built from the layout tables, so every field of every record is
exercised with values of its kind and width."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from tratool.tra import layout, records
from tratool.tra.layout import Field, Kind

# Printable Windows-1252 characters: what a canonical TRA file can hold in a text field.
cp1252_text_chars = st.characters(codec="cp1252", categories=["L", "M", "N", "P", "S", "Zs"])

_NOT_EMPTY_DATE = st.dates(dt.date(1900, 1, 2), dt.date(2099, 12, 31))


def text(width: int) -> st.SearchStrategy[str]:
    return st.text(cp1252_text_chars, max_size=width).map(lambda s: s.strip(" "))


def decimal(width: int, places: int) -> st.SearchStrategy[Decimal]:
    # Leave room for the separator (and the places) inside the field width.
    digits = max(1, width - places - 1 if places else width)
    return st.builds(
        lambda units, p: Decimal(units).scaleb(-p),
        st.integers(0, 10 ** min(digits, 17) - 1),
        st.just(places),
    )


def value_for(field: Field) -> st.SearchStrategy[Any]:
    kind, width = field.kind, field.width
    if kind in (Kind.TEXT, Kind.CODE):
        return text(width)
    if kind is Kind.DATE:
        return st.none() | _NOT_EMPTY_DATE
    if kind is Kind.TIMESTAMP:
        return st.none() | st.datetimes(dt.datetime(1900, 1, 2), dt.datetime(2099, 12, 31)).map(
            lambda t: t.replace(second=0, microsecond=0)
        )
    if kind is Kind.AMOUNT:
        return st.none() | st.integers(0, 4).flatmap(lambda p: decimal(width, p))
    if kind is Kind.DECIMAL:
        return st.none() | st.integers(0, min(8, width - 2)).flatmap(lambda p: decimal(width, p))
    assert kind is Kind.INTEGER
    return st.none() | st.integers(0, 10**width - 1)


def fields_of(lay: layout.Layout, **overrides: st.SearchStrategy[Any]) -> dict[str, Any]:
    return {f.name: overrides.get(f.name, value_for(f)) for f in lay.fields}


def trailing_text(min_size: int = 0) -> st.SearchStrategy[str]:
    """Raw characters kept after the last known column: must not end in blanks."""
    return st.text(cp1252_text_chars, min_size=min_size, max_size=12).map(lambda s: s.rstrip(" "))


headers = st.builds(
    records.Header,
    **fields_of(
        layout.HEADER,
        product=st.sampled_from(sorted(layout.HEADER_PRODUCTS)),
        format=st.sampled_from(["STD", "ETE"]),
    ),
    trailer=trailing_text(),
)

journal_codes = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=3)
line_types = st.sampled_from(["", "X", "H", "A", "O", "-", "E", "L"])


def entries(extended: bool) -> st.SearchStrategy[records.Entry]:
    def with_extension(line_type: str) -> st.SearchStrategy[records.Entry]:
        if not extended:
            extension: st.SearchStrategy[Any] = st.none()
        elif line_type in layout.ANALYTIC_LINE_TYPES:
            extension = st.builds(records.AnalyticExtension, **fields_of(layout.ETE_ANALYTIC))
        else:
            extension = st.builds(records.GeneralExtension, **fields_of(layout.ETE_GENERAL))
        return st.builds(
            records.Entry,
            **fields_of(
                layout.ENTRY,
                journal=journal_codes,
                line_type=st.just(line_type),
                direction=st.sampled_from(["D", "C"]),
            ),
            extension=extension,
            extra=st.just(""),
        )

    return line_types.flatmap(with_extension)


exercises = st.builds(records.Exercise, **fields_of(layout.EXERCISE), extra=trailing_text())
journals = st.builds(records.Journal, **fields_of(layout.JOURNAL), extra=trailing_text())
general_accounts = st.builds(
    records.GeneralAccount, **fields_of(layout.GENERAL_ACCOUNT), extra=trailing_text()
)
tiers = st.builds(records.Tiers, **fields_of(layout.TIERS), extra=trailing_text())
parameter_records = st.one_of(exercises, journals, general_accounts, tiers)


def full_width_entries(analytic: bool) -> st.SearchStrategy[records.Entry]:
    """ETE entries whose last field is filled, so they run to the end of their table:
    1407 columns for a general line, 1231 for an analytic one (tra-format.md §12)."""
    lay = layout.ETE_ANALYTIC if analytic else layout.ETE_GENERAL
    last = lay.fields[-1]
    filled = text(last.width).filter(bool) if last.kind is Kind.TEXT else _NOT_EMPTY_DATE
    cls = records.AnalyticExtension if analytic else records.GeneralExtension
    extension = st.builds(cls, **fields_of(lay, **{last.name: filled}))
    return st.builds(
        records.Entry,
        **fields_of(
            layout.ENTRY,
            journal=journal_codes,
            line_type=st.sampled_from(["A", "O"] if analytic else ["", "X", "H"]),
            direction=st.sampled_from(["D", "C"]),
        ),
        extension=extension,
        extra=st.just(""),
    )
