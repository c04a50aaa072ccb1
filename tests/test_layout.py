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
    # tra-format.md §12.2: a version-011 general line runs to 1407; §12.3: an analytic line
    # ends with sub_section_axis6 (1179, 17) and guid (1196, 36), so at 1231.
    assert (layout.ETE_GENERAL.start, layout.ETE_GENERAL.end) == (223, 1407)
    assert (layout.ETE_ANALYTIC.start, layout.ETE_ANALYTIC.end) == (223, 1231)
    # §12.1: a version-010/011 header is 149 characters, an older one 147.
    assert layout.HEADER.end == 149
    assert layout.HEADER.fields[layout.HEADER_V008_FIELDS - 1].end == 147


@pytest.mark.parametrize(
    ("line_type", "extended", "version", "longest"),
    [
        ("", False, "011", 222),
        ("", True, "008", 1280),
        ("X", True, "009", 1280),
        ("A", True, "008", 1178),
        ("O", True, "007", 1178),
        ("", True, "010", 1407),
        ("H", True, "011", 1407),
        ("A", True, "011", 1231),
        ("", True, "ABC", 1280),
    ],
)
def test_longest_entry_follows_line_type_and_header_version(
    line_type: str, extended: bool, version: str, longest: int
) -> None:
    assert layout.longest_entry(line_type, extended, version) == longest


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
        # tra-format.md §12.1 - §12.3 (Cegid's version-011 specification).
        (layout.HEADER, 148, "new_analytics"),
        (layout.HEADER, 149, "guid_ready"),
        (layout.ETE_GENERAL, 1014, "lettering_code"),
        (layout.ETE_GENERAL, 1021, "lettering_state"),
        (layout.ETE_GENERAL, 1281, "guid"),
        (layout.ETE_GENERAL, 1317, "company_internal"),
        (layout.ETE_GENERAL, 1320, "creditor_id"),
        (layout.ETE_GENERAL, 1355, "mandate_reference"),
        (layout.ETE_GENERAL, 1390, "entry_group_number"),
        (layout.ETE_GENERAL, 1395, "entry_number"),
        (layout.ETE_GENERAL, 1400, "validated_on"),
        (layout.ETE_ANALYTIC, 938, "percentage"),
        (layout.ETE_ANALYTIC, 958, "quantity1_percentage"),
        (layout.ETE_ANALYTIC, 978, "quantity2_percentage"),
        (layout.ETE_ANALYTIC, 1014, "analytic_line_number"),
        (layout.ETE_ANALYTIC, 1179, "sub_section_axis6"),
        (layout.ETE_ANALYTIC, 1196, "guid"),
        (layout.ENTRY, 31, "line_type"),
    ],
)
def test_field_positions(lay: layout.Layout, column: int, name: str) -> None:
    found = lay.at(column)
    assert found is not None
    assert found.name == name
    assert found.pos == column


@pytest.mark.parametrize("column", [386, 390, 395, 1021, 1023])
def test_analytic_lines_leave_the_vat_and_lettering_state_columns_unused(column: int) -> None:
    # tra-format.md §12.3: 386-395 and 1021-1023 are not used on analytic lines.
    found = layout.ETE_ANALYTIC.at(column)
    assert found is not None
    assert found.name.startswith("reserved_")


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
