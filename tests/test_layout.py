"""The layout tables are the single source of positions: check them against the reference."""

from __future__ import annotations

import attrs
import pytest

from tratool.tra import layout, records


def test_standard_entry_is_222_columns_without_gaps() -> None:
    assert layout.ENTRY.start == 1
    assert layout.ENTRY.end == 222
    assert layout.ENTRY.field("direction").pos == 130
    assert layout.ENTRY.field("amount").pos == 131
    assert layout.ENTRY.field("piece_number").pos == 152


def test_extended_layouts_end_where_cegid_says() -> None:
    assert (layout.ETE_GENERAL.start, layout.ETE_GENERAL.end) == (223, 1280)
    assert (layout.ETE_ANALYTIC.start, layout.ETE_ANALYTIC.end) == (223, 1178)
    assert layout.HEADER.end == 147


@pytest.mark.parametrize(
    ("lay", "column", "name"),
    [
        # TV-A: position assertions of a third-party file checker.
        (layout.ETE_GENERAL, 386, "vat_on_receipts"),
        (layout.ETE_GENERAL, 387, "vat_regime"),
        (layout.ETE_GENERAL, 390, "vat_code"),
        (layout.ETE_GENERAL, 447, "reconciliation_date"),
        (layout.ETE_GENERAL, 455, "reminder_date"),
        (layout.ETE_GENERAL, 463, "value_date"),
        (layout.ETE_GENERAL, 1237, "confidential"),
        (layout.ETE_ANALYTIC, 1178, "confidential"),
        (layout.ETE_ANALYTIC, 430, "analytic_flag"),
        (layout.ETE_ANALYTIC, 516, "asset_number"),
        (layout.HEADER, 145, "sub_version"),
        (layout.ENTRY, 31, "line_type"),
    ],
)
def test_field_positions(lay: layout.Layout, column: int, name: str) -> None:
    found = lay.at(column)
    assert found is not None
    assert found.name == name
    assert found.pos == column


def test_a_gap_in_a_layout_is_refused() -> None:
    with pytest.raises(ValueError, match="gap or overlap"):
        layout.Layout(
            "broken",
            (
                layout.Field("a", 1, 3, layout.Just.LEFT, layout.Kind.CODE),
                layout.Field("b", 5, 3, layout.Just.LEFT, layout.Kind.CODE),
            ),
        )


@pytest.mark.parametrize(
    ("cls", "lay", "extra_attrs"),
    [
        (records.Header, layout.HEADER, {"trailer"}),
        (records.Entry, layout.ENTRY, {"extension", "extra"}),
        (records.GeneralExtension, layout.ETE_GENERAL, set()),
        (records.AnalyticExtension, layout.ETE_ANALYTIC, set()),
        (records.Exercise, layout.EXERCISE, {"extra"}),
        (records.Journal, layout.JOURNAL, {"extra"}),
        (records.GeneralAccount, layout.GENERAL_ACCOUNT, {"extra"}),
        (records.Tiers, layout.TIERS, {"extra"}),
    ],
)
def test_record_attributes_are_exactly_the_layout_fields(
    cls: type, lay: layout.Layout, extra_attrs: set[str]
) -> None:
    names = {a.name for a in attrs.fields(cls)}
    assert names - extra_attrs == set(lay.names)


def test_records_are_frozen() -> None:
    header = records.Header()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        header.version = "008"  # type: ignore[misc]
