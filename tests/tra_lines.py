"""Small builders of TRA lines for rule tests: a clean entry, one field replaced by raw text,
a validation run over the lines. What a test asserts is written in the test itself."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import attrs

import tratool
from tratool.tra import layout
from tratool.validation import Report, ValidationConfig, validate


def entry(**overrides: Any) -> tratool.Entry:
    """A general line of pièce VTE 101 of 04/03/2024 (overrides replace any field)."""
    base: dict[str, Any] = {
        "journal": "VTE",
        "date": dt.date(2024, 3, 4),
        "piece_type": "FC",
        "account": "70610000",
        "reference": "FA-101",
        "label": "Facture Dupont",
        "piece_number": 101,
        "establishment": "001",
        "direction": "D",
        "amount": Decimal("100.00"),
    }
    return tratool.Entry(**{**base, **overrides})


def tiers(**overrides: Any) -> tratool.Entry:
    """An X line on the customer collective 411, auxiliary CDUPONT."""
    return entry(**{"account": "41100000", "line_type": "X", "auxiliary": "CDUPONT", **overrides})


def std(*entries: tratool.Entry) -> list[str]:
    return list(tratool.render_lines([tratool.Header(format="STD", generated_at=None), *entries]))


def ete(*entries: tratool.Entry) -> list[str]:
    """An ETE file; each general line gets an empty extension unless it has one."""
    extended = [
        e
        if e.extension is not None or e.line_type in layout.ANALYTIC_LINE_TYPES
        else attrs.evolve(e, extension=tratool.GeneralExtension())
        for e in entries
    ]
    return list(tratool.render_lines([tratool.Header(format="ETE", generated_at=None), *extended]))


def put(line: str, name: str, value: str, lay: layout.Layout = layout.ENTRY) -> str:
    """Replace one field of a line by raw text, justified as the layout says."""
    f = lay.field(name)
    text = value.ljust(f.width) if f.just is layout.Just.LEFT else value.rjust(f.width)
    assert len(text) == f.width, (name, value)
    padded = line.ljust(f.end)
    return padded[: f.start] + text + padded[f.end :]


def run(lines: list[str], config: ValidationConfig | None = None, name: str = "x.tra") -> Report:
    stream = io.BytesIO("".join(line + "\r\n" for line in lines).encode("cp1252"))
    stream.name = name
    return validate(stream, config or ValidationConfig())


def found(report: Report, rule: str) -> list[tuple[int | None, str | None, str]]:
    """(line, field, severity) of each finding of `rule`."""
    return [(f.line, f.field, f.severity) for f in report.findings if f.rule == rule]
