"""The fast validation engine against the reference one: files built from clean pièces, then
mutated (every field rule's triggers, line widths and endings, encodings, control bytes, blank
lines, parameter records, lines moved so that pièces span blocks), must give the same report —
findings in the same order with the same words, counts, totals. Block sizes are drawn too, so
block boundaries fall everywhere. TRATOOL_FUZZ_EXAMPLES sets the examples (`make fuzz`)."""

from __future__ import annotations

import io
import os
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.tra_lines import entry, std, tiers
from tratool.tra import layout
from tratool.tra.lines import LineDecoder
from tratool.validation import Report, ValidationConfig, validate
from tratool.validation.columnar import FastPass
from tratool.validation.configuration import TiersInfo

EXAMPLES = int(os.environ.get("TRATOOL_FUZZ_EXAMPLES", "40"))
FIRST_BLOCK = 4096  # what the reference looks at to tell text from anything else

# Raw values that trigger each field rule (and some that look like triggers but are clean).
TRIGGERS: dict[str, list[str]] = {
    "journal": ["", "v@", "VENTES", "AN", "BQ1"],
    "date": ["31022024", "29022023", "29022024", "00000000", "2024031", "01011899", "ab012024"],
    "piece_type": ["", "ZZ", "OD"],
    "account": ["", "6061", "41100000", "4O1", "60610000000000000"],
    "line_type": ["", "X", "E", "L", "-", "A", "H", "O", "Z"],
    "auxiliary": ["", "cdupont", "C'DUP", "CDUPONTLONGNAME", "ATELIER"],
    "reference": ["", "FA-1", "tab\there"],  # TRA-D06 (no field rule reads a tab)
    "label": ["", '"quoted"', "DETRUITE LE 01/01", "Libellé"],
    "payment_method": ["", "CHQ", "ZZZ"],
    "due_date": ["", "31042024", "01012024"],
    "direction": ["", "D", "C", "X", "d"],
    "amount": ["", "0,00", "12.50", "-5,00", "1 234,56", "12,345", "7", "12,", ",5", "1,5 "],
    "entry_type": ["", "N", "S", "Q"],
    "piece_number": ["", "0", "A1", "102", "00000101"],
    "currency": ["", "EUR", "USD", "JPY", "XXX", "eur"],
    "exchange_rate": ["", "1,00000000", "abc", "1.5"],
    "amount_code": ["", "E--", "EDD", "ED-", "E-D", "Z"],
    "amount2": ["", "3,00", "x", "-1"],
    "amount3": ["", "0", "2.5"],
    "establishment": ["", "001", "999", "0\x7f1"],
    "axis": ["", "A", "A1", "A7"],
    "due_number": ["", "1", "x"],
}
SAMPLE_CHARS = "0123456789 ,.-ACDEXNOaé\t\"'"
NAMES = [f.name for f in layout.ENTRY.fields]

CONFIGS = [
    ValidationConfig(),
    ValidationConfig(
        allow_negative_amounts=True,
        accept_decimal_point=False,
        auxiliary_length=7,
        tiers={"CDUPONT": TiersInfo()},
        currencies={"EUR": 2, "USD": 3},
        severity={"TRA-F06": "off", "TRA-S10": "error"},
    ),
]


def pieces(count: int) -> list[str]:
    """Clean lines: `count` balanced pièces of VTE, a tiers line and two general lines."""
    found: list[str] = []
    for number in range(101, 101 + count):
        common: dict[str, Any] = {"piece_number": number, "reference": f"FA-{number}"}
        found += std(
            tiers(direction="D", amount=Decimal(200), **common),
            entry(direction="C", amount=Decimal("150.5"), **common),
            entry(direction="C", amount=Decimal("49.5"), **common),
        )[1:]
    return found


def put(line: str, name: str, value: str) -> str:
    f = layout.ENTRY.field(name)
    text = value[: f.width]
    text = text.ljust(f.width) if f.just is layout.Just.LEFT else text.rjust(f.width)
    return line[: f.start] + text + line[f.end :]


@st.composite
def field_change(draw: st.DrawFn, line: str) -> str:
    name = draw(st.sampled_from(NAMES))
    width = layout.ENTRY.field(name).width
    value = draw(
        st.sampled_from(TRIGGERS.get(name, [""]))
        | st.text(st.sampled_from(SAMPLE_CHARS), max_size=width)
    )
    return put(line, name, value)


@st.composite
def line_change(draw: st.DrawFn, line: str) -> str:
    """A change of the whole line: its width, a byte no field rule expects, or its kind."""
    kind = draw(st.integers(0, 6))
    if kind == 0:
        return line[: draw(st.integers(0, layout.STD_WIDTH - 1))]
    if kind == 1:
        return line + draw(st.sampled_from(["  ", "X", " " * 30]))
    if kind == 2:
        at = draw(st.integers(0, layout.STD_WIDTH - 1))
        return line[:at] + draw(st.sampled_from(["\t", "\x00", "é", "\x7f", "€"])) + line[at + 1 :]
    if kind == 3:
        return ""  # a blank line
    if kind == 4:
        return "***EXO2024" + line[10:]  # looks like a parameter record
    if kind == 5:
        return put(line, "line_type", draw(st.sampled_from(["G", "P", "B"])))
    return line


@st.composite
def tra_file(draw: st.DrawFn) -> bytes:
    lines = pieces(draw(st.integers(1, 50)))
    for _ in range(draw(st.integers(0, 12))):  # field changes keep a grid a grid
        at = draw(st.integers(0, len(lines) - 1))
        lines[at] = draw(field_change(lines[at]))
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(0, len(lines) - 1))
        lines[at] = draw(line_change(lines[at]))
    for _ in range(draw(st.integers(0, 2))):  # a line moved: its pièce spans other lines
        line = lines.pop(draw(st.integers(0, len(lines) - 1)))
        lines.insert(draw(st.integers(0, len(lines))), line)
    for _ in range(draw(st.integers(0, 2))):  # a line repeated
        at = draw(st.integers(0, len(lines) - 1))
        lines.insert(at, lines[at])
    header = std()[0]
    endings = draw(st.sampled_from(["crlf", "crlf", "crlf", "lf", "mixed"]))
    data = b""
    for number, line in enumerate([header, *lines]):
        lf = endings == "lf" or (endings == "mixed" and draw(st.booleans()))
        encoding = "utf-8" if number and draw(st.integers(0, 30)) == 0 else "cp1252"
        data += line.encode(encoding, errors="replace") + (b"\n" if lf else b"\r\n")
    return data[: -draw(st.sampled_from([0, 0, 1, 2]))] or data


def fast(
    data: bytes,
    config: ValidationConfig,
    block_lines: int,
    first_read: int = 64 << 10,
    max_findings: int = 25,
) -> tuple[Report, FastPass]:
    """The fast engine's report, and the engine (for its counts)."""
    run = FastPass("x.tra", config, LineDecoder(), max_findings)
    run.first_read, run.block_lines = first_read, block_lines
    try:
        return run.run(io.BytesIO(data)), run
    finally:
        run.pieces.close()


def reference(data: bytes, config: ValidationConfig, max_findings: int = 25) -> Report:
    stream = io.BytesIO(data)
    stream.name = "x.tra"
    return validate(stream, config, max_findings=max_findings, engine="reference")


def summary(report: Report) -> dict[str, Any]:
    """Everything a report says, the findings' source lines included."""
    t = report.totals
    totals = (t.lines, t.entries, t.parameter_records, t.unreadable_lines, t.journals)
    return {
        "findings": [(f, f.source) for f in report.findings],
        "counts": report.counts,
        "dropped": report.dropped,
        "format": report.format,
        "totals": (*totals, t.first_date, t.last_date, t.debit, t.credit, t.pieces),
    }


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    data=tra_file(),
    config=st.sampled_from(CONFIGS),
    first_read=st.integers(FIRST_BLOCK, FIRST_BLOCK + 3 * 224),
    block_lines=st.integers(1, 12),
)
def test_the_fast_engine_reports_what_the_reference_reports(
    data: bytes, config: ValidationConfig, first_read: int, block_lines: int
) -> None:
    expected = summary(reference(data, config))
    report, run = fast(data, config, block_lines, first_read)
    # What the examples exercised (make fuzz prints it): grid rows proved or looked at.
    event("grid rows: " + ("none" if not run.grid_rows else "some"))
    event("grid rows looked at: " + ("none" if run.proved_rows == run.grid_rows else "some"))
    assert summary(report) == expected


def test_clean_grid_rows_are_proved_and_reported_alike() -> None:
    # 1,200 clean lines in CRLF: past the first read (64 KiB), the rows are read as a grid,
    # and none of them needs the per-line rules; the report is the reference's.
    lines = pieces(400)
    data = "".join(f"{line}\r\n" for line in [std()[0], *lines]).encode("cp1252")
    report, run = fast(data, ValidationConfig(), 16)
    assert run.grid_rows > 0
    assert run.proved_rows == run.grid_rows
    assert summary(report) == summary(reference(data, ValidationConfig()))


def test_one_bad_row_in_a_grid_is_looked_at() -> None:
    lines = pieces(400)
    lines[1000] = put(lines[1000], "date", "31022024")
    data = "".join(f"{line}\r\n" for line in [std()[0], *lines]).encode("cp1252")
    report = validate(io.BytesIO(data), ValidationConfig())
    dates = [(f.line, f.field) for f in report.findings if f.rule == "TRA-F02"]
    assert dates == [(1002, "date")]  # header, then lines[0] is line 2
    assert summary(report) == summary(reference(data, ValidationConfig()))


def test_every_trigger_in_a_grid_row_is_reported_alike() -> None:
    # Each trigger value in a row of its own, far past the first read, in CRLF blocks of 16
    # lines: the rows stay grid rows, and each must be picked out for the per-line rules.
    lines = pieces(400)
    changes = [(name, value) for name, values in TRIGGERS.items() for value in values]
    for index, (name, value) in enumerate(changes):
        at = 400 + 5 * index
        lines[at] = put(lines[at], name, value)
    data = "".join(f"{line}\r\n" for line in [std()[0], *lines]).encode("cp1252")
    for config in CONFIGS:
        report, run = fast(data, config, 16, max_findings=10_000)
        assert run.grid_rows > 800
        assert summary(report) == summary(reference(data, config, 10_000))
