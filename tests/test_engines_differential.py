"""The fast validation engine against the reference one: files built from clean pièces, then
mutated (every field rule's triggers, line widths and endings, encodings, control bytes, blank
lines, parameter records, lines moved so that pièces span blocks), must give the same report —
findings in the same order with the same words, counts, totals. Block sizes are drawn too, so
block boundaries fall everywhere. TRATOOL_FUZZ_EXAMPLES sets the examples (`make fuzz`)."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import tratool
from tests.tra_lines import entry, std, tiers
from tratool.tra import layout
from tratool.tra.lines import LineDecoder
from tratool.validation import Report, ValidationConfig, validate
from tratool.validation import pieces as piece_rules
from tratool.validation import tiers as key_tiers
from tratool.validation.columnar import FastPass
from tratool.validation.configuration import FiscalYear, TiersInfo

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
    "label": [
        "",
        '"quoted"',
        "DETRUITE LE 01/01",
        "Libellé",
        "detruite le 2",
        " DETRUITE LE 3",
        "D",
    ],
    "payment_method": ["", "CHQ", "ZZZ"],
    "due_date": ["", "31042024", "01012024"],
    "direction": ["", "D", "C", "X", "d"],
    "amount": ["", "0,00", "12.50", "-5,00", "1 234,56", "12,345", "7", "12,", ",5", "1,5 "],
    "entry_type": ["", "N", "S", "Q"],
    "piece_number": ["", "0", "A1", "102", "00000101", "1 2", "000", "0 1", " 7 ", "7+"],
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


def pieces(count: int, analytic: bool = False) -> list[str]:
    """Clean lines: `count` balanced pièces of VTE, a tiers line and two general lines; with
    `analytic`, every third pièce splits its first general line on two sections."""
    found: list[str] = []
    for number in range(101, 101 + count):
        common: dict[str, Any] = {"piece_number": number, "reference": f"FA-{number}"}
        split = [section(c, a, **common) for c, a in (("ATELIER", "100.5"), ("BUREAU", "50"))]
        found += std(
            tiers(direction="D", amount=Decimal(200), **common),
            entry(direction="C", amount=Decimal("150.5"), **common),
            *(split if analytic and number % 3 == 0 else []),
            entry(direction="C", amount=Decimal("49.5"), **common),
        )[1:]
    return found


def section(code: str, amount: str, **common: Any) -> tratool.Entry:
    """An analytic line (A, axis A1) of the general line 70610000 C before it."""
    return entry(
        line_type="A", axis="A1", auxiliary=code, direction="C", amount=Decimal(amount), **common
    )


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


def number_of(line: str) -> str:
    f = layout.ENTRY.field("piece_number")
    return line[f.start : f.end]


@st.composite
def piece_change(draw: st.DrawFn, lines: list[str]) -> list[str]:
    """A change the cross-line rules see: a pièce unbalanced on either side (or its analytic
    lines' sum), copied later (its key and its content reappear), renumbered onto another
    pièce's number or past a gap, moved to another date, its last analytic line made a pièce
    of its own."""
    at = draw(st.integers(0, len(lines) - 1))
    number = number_of(lines[at])
    kind = draw(st.integers(0, 6))
    if kind == 0:
        amount = draw(st.sampled_from(["1,00", "150,49", "200,01", "0,01", "99999999,99"]))
        return replace(lines, [at], "amount", amount)
    if kind == 1:
        direction = lines[at][layout.ENTRY.field("direction").start]
        return replace(lines, [at], "direction", "C" if direction == "D" else "D")
    same = [index for index, line in enumerate(lines) if number_of(line) == number]
    if kind == 2:
        place = draw(st.integers(0, len(lines)))
        return lines[:place] + [lines[index] for index in same] + lines[place:]
    if kind == 3:
        other = number_of(lines[draw(st.integers(0, len(lines) - 1))])
        return replace(lines, same, "piece_number", other.strip())
    gap = int(number) + 1000 if number.strip().isdigit() else 7
    if kind == 4:
        return replace(lines, same, "piece_number", str(gap))
    if kind == 6:
        return analytic_split_off(lines, same, str(gap))
    return replace(lines, same, "date", "05032024")


def analytic_split_off(lines: list[str], same: list[int], number: str) -> list[str]:
    """The pièce at `same` with its analytic lines last, after the general line they split,
    and the last of them given `number`: it starts a pièce, and the pièce it left is short
    of it (TRA-X07 on the general line; the fast engine once summed it there anyway)."""
    kind = layout.ENTRY.field("line_type").start
    analytic = [i for i in same if lines[i][kind] == "A"]
    if not analytic:
        return lines
    lead = max((i for i in same if i < analytic[0] and lines[i][kind] != "A"), default=None)
    general = [i for i in same if lines[i][kind] != "A" and i != lead]
    order = general + ([lead] if lead is not None else []) + analytic
    piece = [lines[i] for i in order]
    piece[-1] = put(piece[-1], "piece_number", number)
    rest = [line for i, line in enumerate(lines) if i not in set(same)]
    return rest[: same[0]] + piece + rest[same[0] :]


def replace(lines: list[str], where: list[int], name: str, value: str) -> list[str]:
    changed = list(lines)
    for index in where:
        changed[index] = put(changed[index], name, value)
    return changed


@st.composite
def tra_file(draw: st.DrawFn) -> bytes:
    lines = pieces(draw(st.integers(1, 50)), draw(st.booleans()))
    for _ in range(draw(st.integers(0, 3))):
        lines = draw(piece_change(lines))
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


@contextmanager
def traces_kept(limit: int, capacity: int) -> Iterator[None]:
    """Pièce traces that move keys out of their dict every `limit` keys, to the fast engine's
    memory tier until it holds `capacity` keys, then to the database (both engines); the
    tier's arrays go to its file from a quarter of `capacity` keys (at least 2)."""
    saved = piece_rules.TRACE_LIMIT, key_tiers.CAPACITY, key_tiers.COLD
    cold = min(key_tiers.COLD, max(capacity // 4, 2))
    piece_rules.TRACE_LIMIT, key_tiers.CAPACITY, key_tiers.COLD = limit, capacity, cold
    try:
        yield
    finally:
        piece_rules.TRACE_LIMIT, key_tiers.CAPACITY, key_tiers.COLD = saved


def fast(
    data: bytes,
    config: ValidationConfig,
    block_lines: int,
    first_read: int = 64 << 10,
    max_findings: int = 25,
) -> tuple[Report, FastPass]:
    """The fast engine's report, and the engine (for its counts), its blocks' first stage in
    a worker thread (whatever the cores: tests/test_engines_pipeline.py runs it without)."""
    run = FastPass("x.tra", config, LineDecoder(), max_findings)
    run.first_read, run.block_lines, run.pipelined = first_read, block_lines, True
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
    kept=st.sampled_from([(4_096, 1 << 18), (1, 1 << 18), (2, 6), (3, 0)]),
)
def test_the_fast_engine_reports_what_the_reference_reports(
    data: bytes,
    config: ValidationConfig,
    first_read: int,
    block_lines: int,
    kept: tuple[int, int],
) -> None:
    assert_engines_agree(data, config, (first_read, block_lines), kept)


def assert_engines_agree(
    data: bytes, config: ValidationConfig, blocks: tuple[int, int], kept: tuple[int, int]
) -> None:
    """The two engines' reports on `data` (`blocks`: the fast engine's first read and block
    lines; `kept`: the traces' limits), and what the example exercised (make fuzz prints it)."""
    first_read, block_lines = blocks
    with traces_kept(*kept):
        expected = summary(reference(data, config))
        report, run = fast(data, config, block_lines, first_read)
    event("grid rows: " + ("none" if not run.grid_rows else "some"))
    event("grid rows looked at: " + ("none" if run.proved_rows == run.grid_rows else "some"))
    event("pièces proved: " + ("none" if not run.proved_pieces else "some"))
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
    changes = [(name, value) for name, values in TRIGGERS.items() for value in values]
    lines = pieces(700)  # each change alone in its block (a non-grid one spoils its block)
    for index, (name, value) in enumerate(changes):
        at = 300 + 16 * index
        lines[at] = put(lines[at], name, value)
    data = "".join(f"{line}\r\n" for line in [std()[0], *lines]).encode("cp1252")
    for config in CONFIGS:
        report, run = fast(data, config, 16, max_findings=10_000)
        assert run.grid_rows > 800
        assert summary(report) == summary(reference(data, config, 10_000))


def test_every_cross_line_defect_in_a_grid_is_reported_alike() -> None:
    # Each defect in a pièce of its own, far past the first read, in CRLF blocks of 16 to 23
    # lines: the pièce must be picked out of the proof and fed line by line.
    lines = pieces(400, analytic=True)

    def of(number: int) -> list[int]:
        return [i for i, line in enumerate(lines) if number_of(line).strip() == str(number)]

    for number, position, name, value in [
        (201, 1, "amount", "150,49"),  # debit exceeds
        (211, 0, "amount", "200,01"),  # credit exceeds
        (222, 2, "amount", "100,49"),  # the analytic lines' sum differs
        (225, 2, "account", "70620000"),  # an analytic line on another account
        (228, 3, "direction", "D"),  # and on another direction
        (291, 1, "piece_type", "FF"),
        (301, 1, "establishment", "002"),
        (305, 2, "currency", "GBP"),
        (311, 1, "account", "41100000"),  # a collective account without its tiers (X06)
        (321, 0, "amount_code", "ED-"),  # amount 2 in a foreign currency: unbalanced
        (321, 0, "amount2", "1,00"),
        (323, 0, "amount_code", "DE-"),  # amount 2 in the keeping currency
        (323, 0, "amount2", "200,00"),
    ]:
        lines = replace(lines, [of(number)[position]], name, value)
    for number, changes in [
        (242, [("piece_number", "241"), ("date", "05032024")]),  # same number, next day
        (262, [("piece_number", "102"), ("date", "06032024")]),  # a number used on a day before
        (271, [("piece_number", "2710")]),  # a gap in the numbering
        (331, [("date", "01012023")]),  # outside the configured fiscal year
    ]:
        where = of(number)
        for name, value in changes:
            lines = replace(lines, where, name, value)
    # 333's analytic lines last, the last of them a pièce alone (TRA-X07 twice)
    lines = analytic_split_off(lines, of(333), "3330")
    twice = of(231)
    lines[twice[-1] + 1 : twice[-1] + 1] = [lines[i] for i in twice]  # every line repeated
    copied = of(251)
    lines[of(351)[0] : of(351)[0]] = [lines[i] for i in copied]  # the pièce again, later
    # Repeats the numbering accepts, with another journal's pièce between (TRA-X04, D03,
    # X02 said by the traces alone): 291 again; 302 on an earlier day than its own;
    # 382 with 281's content.
    other = [put(line, "journal", "ACH") for line in (lines[i] for i in of(391))]
    again = [lines[i] for i in of(291)]
    lines[of(291)[-1] + 1 : of(291)[-1] + 1] = [*other, *again]
    earlier = [put(lines[i], "date", "01032024") for i in of(302)]
    lines[of(302)[0] : of(302)[0]] = [*earlier, *other]
    content = [put(lines[i], "piece_number", "382") for i in of(281)]
    lines[of(382)[0] : of(382)[-1] + 1] = content
    data = "".join(f"{line}\r\n" for line in [std()[0], *lines]).encode("cp1252")
    years = (FiscalYear(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),)
    for config in [*CONFIGS, ValidationConfig(fiscal_years=years)]:
        expected = summary(reference(data, config, 10_000))
        for block_lines in (16, 19, 23):  # each pièce away from a block's edges at least once
            report, run = fast(data, config, block_lines, max_findings=10_000)
            assert run.proved_pieces > 150
            assert summary(report) == expected
    # Traces that move keys out every 2 (the reference: to the database), the fast engine's
    # to its memory tier until 60 keys, then to the database.
    config = ValidationConfig()
    with traces_kept(2, 60):
        expected = summary(reference(data, config, 10_000))
        for block_lines in (16, 19):
            report, run = fast(data, config, block_lines, max_findings=10_000)
            assert run.proved_pieces > 150
            assert summary(report) == expected


def test_the_grid_proofs_are_imported_with_the_first_grid_block(tmp_path: Path) -> None:
    # A fresh interpreter: a small file (no block past the first read) imports neither proof
    # (nor, through them, numpy).
    files = []
    for count in (3, 400):
        path = tmp_path / f"{count}.tra"
        lines = [std()[0], *pieces(count)]
        path.write_bytes("".join(f"{line}\r\n" for line in lines).encode("cp1252"))
        files.append(str(path))
    code = (
        "import sys, tratool\n"
        "for name in sys.argv[1:]:\n"
        "    tratool.validate(name)\n"
        "    proofs = ('tratool.validation.gridrows', 'tratool.validation.gridpieces')\n"
        "    print(all(module in sys.modules for module in proofs))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *files], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.split() == ["False", "True"]
