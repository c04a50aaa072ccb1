"""The fast engine on ETE files against the reference engine: general lines of one width form
a grid whose columns 1-222 are proved as a STD grid and whose ETE part is proved per distinct
value of the fields the ETE rules read (validation/gridextended.py). Files of converted-like
lines (created on the entry's date, opening kind N, no VAT on receipts, lettering state RI or
AL, up to column 1023), with their ETE fields changed to every ETE rule's triggers, their
widths changed (1407, 1100, short of the required fields), analytic lines among them, must
give the reference's report. TRATOOL_FUZZ_EXAMPLES sets the examples (`make fuzz`)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_engines_differential import (
    CONFIGS,
    EXAMPLES,
    FIRST_BLOCK,
    assert_engines_agree,
    fast,
    field_change,
    number_of,
    piece_change,
    pieces,
    reference,
    summary,
    traces_kept,
)
from tests.tra_lines import ete, put
from tratool.tra import layout
from tratool.validation import ValidationConfig

GENERAL = layout.ETE_GENERAL
# Raw values of the ETE fields that trigger each ETE rule (TRA-F21 … F25), and the cross-line
# rules' two ETE inputs (a lettering code, an opening balance), with clean look-alikes.
ETE_TRIGGERS: dict[str, list[str]] = {
    "created_on": ["", "01011900", "31022024", "ab012024", "04032024"],
    "opening_kind": ["", "N", "H", "OAN", "Z", "n"],
    "vat_on_receipts": ["", "-", "X"],
    "company_code": ["", "001", "XYZ"],
    "lettering_state": ["", "RI", "AL", "PL", "TL", "ZZ", "al"],
    "lettering_code": ["", "AB", "ab", "Ab"],
    "lettering_max_date": ["", "01011900", "04032024", "32012024"],
    "lettering_min_date": ["", "30022024"],
    "value_date": ["", "29022023", "29022024"],
    "validated_on": ["", "99999999"],
    "free_text_0": ["", "DETRUITE LE 1", '"x"'],
    "external_reference": ["", "é"],
}
WIDTHS = [1023, 1023, 1023, 1407, 1100, 1019, 600]  # the last two stop before a required field
CONFIGS_ETE = [*CONFIGS, ValidationConfig(company_code="001", max_line_width=1100)]


def converted(line: str) -> str:
    """A STD entry line with the ETE part tratool's converter writes (docs/convert.md): the
    entry's date as created_on, N, -, and AL on a tiers (X) line, RI elsewhere; A lines get
    the analytic layout's part, empty."""
    if line[layout.LINE_TYPE_SLICE] == "A":
        return line.ljust(layout.ETE_ANALYTIC.end)
    date = line[layout.ENTRY.field("date").start : layout.ENTRY.field("date").end]
    state = "AL" if line[layout.LINE_TYPE_SLICE] == "X" else "RI"
    for name, value in [
        ("created_on", date),
        ("opening_kind", "N"),
        ("vat_on_receipts", "-"),
        ("lettering_state", state),
    ]:
        line = put(line, name, value, GENERAL)
    return line


def general_fields(line: str) -> str:
    """An analytic line given a general line's converted ETE fields (which its own layout
    reads otherwise); a general line as it is."""
    if line[layout.LINE_TYPE_SLICE] != "A":
        return line
    for name, value in [
        ("created_on", "04032024"),
        ("opening_kind", "N"),
        ("lettering_state", "RI"),
    ]:
        line = put(line, name, value, GENERAL)
    return line


def ete_change(line: str, name: str, value: str) -> str:
    """One ETE field of a general line replaced, the line's width kept when it held it."""
    changed = put(line, name, value, GENERAL)
    return changed[: len(line)] if GENERAL.field(name).end <= len(line) else changed


@st.composite
def ete_file(draw: st.DrawFn) -> bytes:
    lines = pieces(draw(st.integers(1, 40)), draw(st.booleans()))
    for _ in range(draw(st.integers(0, 2))):
        lines = draw(piece_change(lines))
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(lines) - 1))
        lines[at] = draw(field_change(lines[at]))
    width = draw(st.sampled_from(WIDTHS))
    lines = [converted(line) for line in lines]
    lines = [line if len(line) != 1023 else line.ljust(width)[:width] for line in lines]
    if draw(st.booleans()):  # analytic lines of the general lines' width, general fields set
        lines = [general_fields(line)[:width].ljust(width) for line in lines]
    for _ in range(draw(st.integers(0, 8))):
        at = draw(st.integers(0, len(lines) - 1))
        name = draw(st.sampled_from(sorted(ETE_TRIGGERS)))
        if lines[at][layout.LINE_TYPE_SLICE] != "A":
            lines[at] = ete_change(lines[at], name, draw(st.sampled_from(ETE_TRIGGERS[name])))
    if draw(st.integers(0, 5)) == 0:  # one line of another width
        at = draw(st.integers(0, len(lines) - 1))
        lines[at] = lines[at][: draw(st.sampled_from([222, 500, 1022]))]
    lf = draw(st.integers(0, 4)) == 0
    ending = "\n" if lf else "\r\n"
    return "".join(line + ending for line in [ete()[0], *lines]).encode("cp1252")


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    data=ete_file(),
    config=st.sampled_from(CONFIGS_ETE),
    first_read=st.integers(FIRST_BLOCK, FIRST_BLOCK + 3 * 1025),
    block_lines=st.integers(1, 14),  # ETE lines a block: small blocks, most of them grids
    kept=st.sampled_from([(4_096, 1 << 18), (2, 6)]),
)
def test_the_fast_engine_reports_what_the_reference_reports_on_ete_files(
    data: bytes,
    config: ValidationConfig,
    first_read: int,
    block_lines: int,
    kept: tuple[int, int],
) -> None:
    assert_engines_agree(data, config, (first_read, block_lines), kept)


def test_clean_converted_ete_rows_are_proved_and_reported_alike() -> None:
    # 1,200 converted lines, 1,025 bytes each with CRLF: past the first read (64 KiB, 63
    # lines after the header), every row is a grid row and proved, and most pièces too.
    data = "".join(line + "\r\n" for line in [ete()[0], *map(converted, pieces(400))])
    encoded = data.encode("cp1252")
    report, run = fast(encoded, ValidationConfig(), 64)
    assert run.grid_rows > 1_100
    assert run.proved_rows == run.grid_rows
    assert run.proved_pieces > 250  # not the first and last of each block of 64 lines
    assert summary(report) == summary(reference(encoded, ValidationConfig()))
    assert report.errors == 0


def test_every_ete_trigger_in_a_grid_row_is_reported_alike() -> None:
    # Each ETE trigger in a general row of its own, far past the first read, each alone in
    # its block of 16 lines: picked out of the proof and reported by the reference code.
    changes = [(name, value) for name, values in ETE_TRIGGERS.items() for value in values]
    lines = [converted(line) for line in pieces(400)]
    general = [i for i, line in enumerate(lines) if line[layout.LINE_TYPE_SLICE] != "A"]
    for index, (name, value) in enumerate(changes):
        at = general[general.index(150) + 16 * index]
        lines[at] = ete_change(lines[at], name, value)
    data = "".join(line + "\r\n" for line in [ete()[0], *lines]).encode("cp1252")
    for config in CONFIGS_ETE:
        report, run = fast(data, config, 16, max_findings=10_000)
        assert run.grid_rows > 1_000
        assert summary(report) == summary(reference(data, config, 10_000))
        rules = {f.rule for f in report.findings}
        assert {"TRA-F21", "TRA-F22", "TRA-F23", "TRA-F25", "TRA-X10"} <= rules
    with traces_kept(2, 6):
        report, _ = fast(data, ValidationConfig(), 2, max_findings=10_000)
        assert summary(report) == summary(reference(data, ValidationConfig(), 10_000))


def test_an_opening_balance_in_a_proved_grid_is_left_out_of_the_balance() -> None:
    # Pièce 300's first line (200,00 D on the tiers) marked as an opening balance (H): the
    # reference leaves it out of the pièce's balance (TRA-X01, credit exceeds by 200,00).
    lines = [converted(line) for line in pieces(400)]
    at = next(i for i, line in enumerate(lines) if number_of(line).strip() == "300")
    lines[at] = ete_change(lines[at], "opening_kind", "H")
    data = "".join(line + "\r\n" for line in [ete()[0], *lines]).encode("cp1252")
    report, _ = fast(data, ValidationConfig(), 64, max_findings=10_000)
    unbalanced = [f for f in report.findings if f.rule == "TRA-X01"]
    assert [(f.line, f.message) for f in unbalanced] == [
        (at + 2, "pièce VTE 300 of 04/03/2024 does not balance: credit exceeds by 200,00")
    ]
    assert summary(report) == summary(reference(data, ValidationConfig(), 10_000))
