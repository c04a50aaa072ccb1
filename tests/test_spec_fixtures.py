"""Files built from the specification alone (tests/data/spec/build.py places each value at the
column tra-format.md gives) read and validate as Cegid reads them. Every expected value below
is written here, from the reference, never recomputed by tratool."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest

import tratool
from tests.conftest import VECTORS, run_builder, tra_bytes
from tratool.validation import ValidationConfig, validate

SPEC = Path(__file__).parent / "data" / "spec"
NAMES = ["cegid-ete-v008.tra", "cegid-ete-v011.tra", "stripped-std.tra"]


def records(name: str) -> list[tratool.Record]:
    with tratool.read(SPEC / name) as reader:
        found = [record for _, record in reader]
        assert [e for e in reader.errors if e.severity == "error"] == []
    return found


def entry(found: list[tratool.Record], index: int) -> tratool.Entry:
    record = found[index]
    assert isinstance(record, tratool.Entry)
    return record


def test_the_committed_bytes_are_what_the_builder_writes(tmp_path: Path) -> None:
    run_builder(SPEC / "build.py", tmp_path)
    for name in NAMES:
        assert (tmp_path / name).read_bytes() == (SPEC / name).read_bytes(), name


@pytest.mark.parametrize(
    ("name", "widths"),
    [
        # 147 (TV-H1), 1280 general, 1178 analytic, 338 G line (tra-format.md §5.3, §6)
        ("cegid-ete-v008.tra", [147, 1280, 1280, 1178, 1178, 1280, 338, 1280, 1280, 1178, 1178]),
        # 149 header (§12.1), 1407 general (§12.2), 1178 + 17 + 36 analytic (§12.3)
        ("cegid-ete-v011.tra", [149, 1407, 1231, 1407]),
        ("stripped-std.tra", [147, 222, 218, 220, 218]),
    ],
)
def test_fixture_widths_are_the_specification_s(name: str, widths: list[int]) -> None:
    lines = (SPEC / name).read_bytes().split(b"\r\n")
    assert [len(line) for line in lines[:-1]] == widths
    assert lines[-1] == b""


def test_the_version_008_header_is_cegid_expert_s() -> None:
    # Line 1 is TV-H1 verbatim (test_vectors.py checks its fields); version 008 has no flags.
    first = (SPEC / "cegid-ete-v008.tra").read_bytes().split(b"\r\n")[0]
    assert first.decode("cp1252") == VECTORS["TV-H1"][0]
    header = records("cegid-ete-v008.tra")[0]
    assert isinstance(header, tratool.Header)
    assert (header.version, header.new_analytics, header.guid_ready, header.trailer) == (
        "008",
        "",
        "",
        "",
    )


def test_general_ete_line_fields() -> None:
    tiers = entry(records("cegid-ete-v008.tra"), 1)
    assert (tiers.line_type, tiers.auxiliary, tiers.direction) == ("X", "FDUPONT", "C")
    assert tiers.amount == Decimal("1200.00")
    ext = tiers.extension
    assert isinstance(ext, tratool.GeneralExtension)
    assert ext.created_on == dt.date(2024, 3, 16)
    assert (ext.opening_kind, ext.vat_on_receipts, ext.lettering_state) == ("N", "-", "AL")
    assert (ext.reconciliation_date, ext.reminder_date, ext.value_date) == (None, None, None)
    assert ext.confidential == "0"
    assert tiers.extra == ""


def test_analytic_ete_lines_use_the_analytic_layout() -> None:
    found = records("cegid-ete-v008.tra")
    for index, number, percentage, section, amount in (
        (3, 1, "60.0000", "ATELIER", "600.00"),
        (4, 2, "40.0000", "BUREAU", "400.00"),
        (9, 1, "100.0000", "ATELIER", "50.00"),
        (10, 1, "100.0000", "BUREAU", "50.00"),
    ):
        line = entry(found, index)
        assert line.line_type in ("A", "O")
        assert (line.auxiliary, line.axis, line.amount) == (section, "A1", Decimal(amount))
        assert line.due_date is None  # 8 blanks, as Cegid's exporter writes (§12.3)
        ext = line.extension
        assert isinstance(ext, tratool.AnalyticExtension)
        assert ext.analytic_line_number == number
        assert ext.percentage == Decimal(percentage)
        assert (ext.reserved_386, ext.reserved_1021, ext.confidential) == ("", "", "0")


def test_h_and_g_lines() -> None:
    found = records("cegid-ete-v008.tra")
    ged = found[6]
    assert isinstance(ged, tratool.RawLine)  # not a journal entry, kept as read
    assert ged.text[83:99] == "FA-2024-0042.pdf"
    h_line = entry(found, 7)
    assert (h_line.line_type, h_line.auxiliary, h_line.axis) == ("H", "ATELIER", "A1")
    assert isinstance(h_line.extension, tratool.GeneralExtension)


def test_version_011_fields() -> None:
    found = records("cegid-ete-v011.tra")
    header = found[0]
    assert isinstance(header, tratool.Header)
    assert (header.version, header.new_analytics, header.guid_ready) == ("011", "-", "X")
    assert header.trailer == ""
    general = entry(found, 1).extension
    assert isinstance(general, tratool.GeneralExtension)
    assert general.guid == "3F2504E0-4F89-11D3-9A0C-0305E82C3301"
    assert (general.creditor_id, general.mandate_reference) == ("FR12ZZZ123456", "RUM-2024-0042")
    assert (general.entry_group_number, general.entry_number) == (1, 17)
    assert general.validated_on == dt.date(2024, 3, 20)
    analytic = entry(found, 2).extension
    assert isinstance(analytic, tratool.AnalyticExtension)
    assert analytic.guid == "3F2504E0-4F89-11D3-9A0C-0305E82C3302"
    assert (analytic.analytic_line_number, analytic.sub_section_axis6) == (1, "")


@pytest.mark.parametrize("name", NAMES)
def test_written_back_and_read_again_the_records_are_the_same(name: str) -> None:
    found = records(name)
    again = list(tratool.read(io.BytesIO(tra_bytes(*tratool.render_lines(found)))).records())
    assert again == found


@pytest.mark.parametrize("name", ["cegid-ete-v008.tra", "cegid-ete-v011.tra"])
def test_cegid_ete_files_draw_no_error_no_lettering_and_no_width_finding(name: str) -> None:
    report = validate(SPEC / name, ValidationConfig())
    assert report.errors == 0
    assert {f.rule for f in report.findings} & {"TRA-F22", "TRA-F25", "TRA-S09"} == set()


def test_the_g_line_is_named_and_the_exp_origin_noted() -> None:
    report = validate(SPEC / "cegid-ete-v008.tra", ValidationConfig())
    warnings = {(f.rule, f.line) for f in report.findings if f.severity == "warning"}
    assert warnings == {("TRA-S03", 1), ("TRA-S10", 7)}


def test_stripped_trailing_blanks_are_warnings_only() -> None:
    report = validate(SPEC / "stripped-std.tra", ValidationConfig())
    assert report.errors == 0
    width = [(f.line, f.column, f.field) for f in report.findings if f.rule == "TRA-S09"]
    # 218 columns end after establishment (216-218), 220 after axis (219-220): boundaries.
    assert width == [(3, 219, "axis"), (4, 221, "due_number"), (5, 219, "axis")]
    assert {f.severity for f in report.findings if f.rule == "TRA-S09"} == {"warning"}
    found = records("stripped-std.tra")
    analytic = entry(found, 3)
    assert (analytic.axis, analytic.due_number) == ("A1", None)


def test_a_third_party_293_column_line_draws_the_required_fields_warning() -> None:
    data = tra_bytes(*VECTORS["TV-E1"])  # TV-E1: ETE lines that stop at 293
    report = validate(io.BytesIO(data), ValidationConfig())
    [required] = [f for f in report.findings if f.rule == "TRA-F25"]
    assert (required.line, required.field) == (None, "vat_on_receipts")
    assert required.severity == "warning"
    # 293 columns hold created_on (266-273) but not opening_kind (302) nor vat_on_receipts (386)
    assert required.message == (
        "1 general ETE line(s) stop before column 386, so they lack required fields: "
        "opening_kind (302), vat_on_receipts (386) (first: line 2; shortest: 293 columns)"
    )
    assert not [f for f in report.findings if f.rule == "TRA-S09"]


def show(*args: str) -> tuple[int, str, str]:
    from click.testing import CliRunner

    from tratool.cli import main

    result = CliRunner().invoke(main, ["show", *args])
    return result.exit_code, result.stdout, result.stderr


def test_show_names_every_line_kind_and_prints_every_header_field() -> None:
    code, out, err = show(str(SPEC / "cegid-ete-v008.tra"))
    assert code == 0, err
    assert (
        "lines      11: header 1, general 2, tiers (X) 2, general with a section (H) 1, "
        "analytic (A) 2, analytic-only (O) 2, attachment (G) 1\n"
    ) in out
    assert "unreadable" not in out
    for row in (
        "    closing_exercise   007",
        "    closing_date       23/11/2009",
        "    firm_file_number   40728",
        "    generated_at       23/11/2009 15:30",
        "    file_number        40728",
        "    purge_date         (none)",
        "    sub_version        001",
        "    new_analytics      ''",
        "    trailer            ''",
    ):
        assert row + "\n" in out


def test_show_json_is_the_documented_document() -> None:
    import json

    code, out, err = show("--format", "json", str(SPEC / "cegid-ete-v011.tra"))
    assert code == 0, err
    document = json.loads(out)
    assert document["version"] == 1
    assert document["header"] == {
        "product": "S5",
        "origin": "CLI",
        "content": "JRL",
        "format": "ETE",
        "closing_exercise": "",
        "switchover_date": None,
        "closing_date": None,
        "version": "011",
        "firm_file_number": "",
        "generated_at": "2024-03-20T09:15:00",
        "user": "SPEC FIXTURE",
        "company_name": "",
        "resume_flag": "-",
        "resume_complement": "",
        "file_number": "",
        "sync_mode": "",
        "purge_date": None,
        "sub_version": "001",
        "new_analytics": "-",
        "guid_ready": "X",
        "trailer": "",
    }
    assert document["lines"] == {
        "total": 4,
        "header": 1,
        "parameter": 0,
        "general": 2,
        "tiers": 0,
        "general_with_section": 0,
        "analytic": 1,
        "analytic_only": 0,
        "attachment": 0,
        "payment_approval": 0,
        "budget": 0,
        "unknown_type": 0,
        "unreadable": 0,
        "blank": 0,
    }
    assert (document["entries"], document["pieces"]) == (3, 1)
    assert (document["debit"], document["credit"]) == ("250.00", "250.00")
    assert (document["first_date"], document["last_date"]) == ("2024-03-15", "2024-03-15")
    assert document["journals"] == {"HA": 3}
    assert document["line_endings"] == {"CRLF": 4}
    assert document["problems"] == []


def test_show_of_stripped_blanks_exits_0_and_lists_the_warnings() -> None:
    import json

    code, out, _ = show("--format", "json", str(SPEC / "stripped-std.tra"))
    assert code == 0
    problems = json.loads(out)["problems"]
    assert [(p["line"], p["column"], p["severity"]) for p in problems] == [
        (3, 219, "warning"),
        (4, 221, "warning"),
        (5, 219, "warning"),
    ]


def test_a_fec_with_a_usd_piece_converts_and_validates_without_error_by_default(
    tmp_path: Path,
) -> None:
    from tests.conftest import FIXTURES
    from tratool.conversion import convert

    # The sample FEC holds a pièce in USD; no [validate] currencies is configured.
    result = convert(FIXTURES / "123456789FEC20241231.txt", tmp_path / "fec.tra")
    assert result.written
    assert result.report.errors == 0
    [usd] = {f.message for f in result.report.findings if f.rule == "TRA-F14"}
    assert "'USD'" in usd
    assert {f.severity for f in result.report.findings if f.rule == "TRA-F14"} == {"warning"}


def test_scan_cuts_ete_fields_with_the_line_type_s_table() -> None:
    fields = ["line_type", "lettering_state", "analytic_line_number", "percentage"]
    rows = list(tratool.scan(SPEC / "cegid-ete-v008.tra", fields))
    # Columns 1014 and 1021 (tra-format.md §5.1, §12.3); the G line is not an entry.
    assert rows == [
        (b"X", b"AL ", b"", b""),
        (b" ", b"RI ", b"", b""),
        (b"A", b"", b"1    ", b"60,0000".ljust(20)),
        (b"A", b"", b"2    ", b"40,0000".ljust(20)),
        (b" ", b"RI ", b"", b""),
        (b"H", b"RI ", b"", b""),
        (b"X", b"AL ", b"", b""),
        (b"O", b"", b"1    ", b"100,0000".ljust(20)),
        (b"O", b"", b"1    ", b"100,0000".ljust(20)),
    ]
    with pytest.raises(KeyError, match="nope"):
        list(tratool.scan(SPEC / "cegid-ete-v008.tra", ["guid", "nope"]))


def test_export_gives_each_line_the_fields_of_its_own_table() -> None:
    import json

    from tratool.conversion import export

    out = io.StringIO()
    with tratool.read(SPEC / "cegid-ete-v011.tra") as reader:
        export.dump(reader, out, "json")
    general, analytic, _ = json.loads(out.getvalue())
    assert (general["lettering_state"], general["entry_number"]) == ("RI", 17)
    assert "analytic_line_number" not in general
    assert (analytic["analytic_line_number"], analytic["percentage"]) == (1, "100.0000")
    assert analytic["guid"] == "3F2504E0-4F89-11D3-9A0C-0305E82C3302"
    assert "lettering_state" not in analytic


def test_fec_export_takes_the_version_011_validation_date() -> None:
    from tratool.conversion import export

    out = io.StringIO()
    with tratool.read(SPEC / "cegid-ete-v011.tra") as reader:
        assert export.dump(reader, out, "fec") == 2  # the A line is not a FEC row
    rows = [line.split("\t") for line in out.getvalue().splitlines()]
    valid = rows[0].index("ValidDate")
    # validated_on 20/03/2024 at 1400 (tra-format.md §12.2); the entry date is 15/03/2024.
    assert [row[valid] for row in rows[1:]] == ["20240320", "20240320"]
