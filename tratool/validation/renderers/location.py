"""Where a finding sits on its line: the columns of its field, for highlighting and regions."""

from __future__ import annotations

from ...tra import layout
from ..findings import Finding

_LAYOUTS = (
    layout.ENTRY,
    layout.ETE_GENERAL,
    layout.ETE_ANALYTIC,
    layout.HEADER,
    *layout.PARAMETER_LAYOUTS.values(),
)


def field_columns(finding: Finding) -> tuple[int, int] | None:
    """First and last 1-based columns of the finding's field, or None without a column.

    The field's width comes from the layout when a field of that name starts at the finding's
    column; otherwise from the raw value the rule quoted; otherwise the single column.
    """
    column = finding.column
    if column is None:
        return None
    if finding.field:
        for table in _LAYOUTS:
            for field in table.fields:
                if field.name == finding.field and field.pos == column:
                    return column, column + field.width - 1
    width = len(finding.value) if finding.value else 1
    return column, column + width - 1
