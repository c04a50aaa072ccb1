"""The test vectors of tra-format.md section 10 parse to the documented values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import tratool
from tests.conftest import VECTORS, read_all, tra_bytes


def test_tv_h1_real_cegid_expert_header() -> None:
    reader, items = read_all(tra_bytes(*VECTORS["TV-H1"]))
    header = items[0][1]
    assert reader.errors == []
    assert header == tratool.Header(
        product="S5",
        origin="EXP",
        content="JRL",
        format="ETE",
        closing_exercise="007",
        switchover_date=None,
        closing_date=dt.date(2009, 11, 23),
        version="008",
        firm_file_number="40728",
        generated_at=dt.datetime(2009, 11, 23, 15, 30),
        user="AUVRAY",
        company_name="",
        resume_flag="-",
        resume_complement="",
        file_number="40728",
        sync_mode="",
        purge_date=None,  # 30121899, Delphi's zero date
        sub_version="001",
        trailer="",
    )


def test_tv_h2_short_third_party_header_reads_missing_fields_as_blank() -> None:
    reader, items = read_all(tra_bytes(*VECTORS["TV-H2"]))
    header = items[0][1]
    assert isinstance(header, tratool.Header)
    assert len(VECTORS["TV-H2"][0]) == 127
    assert (header.format, header.version) == ("ETE", "006")
    assert (header.file_number, header.purge_date, header.sub_version) == ("", None, "")
    assert reader.errors == []


def test_tv_h3_round_trips_byte_exact() -> None:
    line = VECTORS["TV-H3"][0]
    _, items = read_all(tra_bytes(line))
    header = items[0][1]
    assert isinstance(header, tratool.Header)
    assert header.user == "CEG"
    assert header.generated_at == dt.datetime(2016, 2, 9, 10, 29)
    assert header.resume_flag == ""
    # §2 kept the "-" at 148 raw; §12.1 names column 148: the new_analytics flag.
    assert (header.new_analytics, header.guid_ready, header.trailer) == ("-", "", "")
    assert list(tratool.render_lines([header])) == [line]


def test_tv_p1_parameter_records(std_header_line: str) -> None:
    reader, items = read_all(tra_bytes(std_header_line, *VECTORS["TV-P1"]))
    assert reader.errors == []
    ps2, ps5, exo, etb = (record for _, record in items[1:])
    assert ps2 == tratool.ParameterRecord(VECTORS["TV-P1"][0])
    assert ps2.code == "PS2"
    assert isinstance(ps5, tratool.ParameterRecord)
    assert exo == tratool.Exercise(
        code="001", start=dt.date(2010, 11, 1), end=dt.date(2011, 10, 31), state="OUV"
    )
    assert isinstance(etb, tratool.ParameterRecord)
    assert etb.code == "ETB"
    # Parameter records are written back exactly, typed or not.
    assert list(tratool.render_lines([ps2, ps5, exo, etb])) == VECTORS["TV-P1"]


def test_tv_e1_third_party_ete_line() -> None:
    reader, items = read_all(tra_bytes(*VECTORS["TV-E1"]))
    assert reader.errors == []
    header, entry = items[0][1], items[1][1]
    assert isinstance(header, tratool.Header)
    assert header.user == "pycegid"
    assert header.file_number == "B105ZZ"
    assert isinstance(entry, tratool.Entry)
    assert (entry.journal, entry.date, entry.piece_type) == ("VTE", dt.date(2013, 1, 1), "FC")
    assert (entry.account, entry.line_type, entry.auxiliary) == ("41110001", "X", "CLIENT1")
    assert (entry.reference, entry.label) == ("FA0001", "Facture FA0001")
    assert entry.due_date is None
    assert entry.direction == "D"
    assert entry.amount == Decimal("1200.50")  # zero-padded on input
    assert entry.piece_number == 1  # left-justified on input: tolerated
    assert entry.exchange_rate == Decimal("1.00")
    assert (entry.amount2, entry.amount3) == (Decimal(0), Decimal(0))
    assert entry.establishment == "001"
    assert isinstance(entry.extension, tratool.GeneralExtension)
    assert entry.extension.external_reference_date is None
    assert entry.extension.created_on == dt.date(2013, 1, 1)
    assert entry.extension.company_code == ""


def test_tv_e2_synthetic_piece_round_trips_byte_exact(std_header_line: str) -> None:
    reader, items = read_all(tra_bytes(std_header_line, *VECTORS["TV-E2"]))
    assert reader.errors == []
    lines = [record for _, record in items[1:]]
    assert all(isinstance(e, tratool.Entry) for e in lines)
    expected = [
        ("X", "40100000", "FDUPONT", "VIR", dt.date(2024, 4, 14), "C", "1200.00", "", 1),
        ("", "60610000", "", "", None, "D", "1000.00", "", None),
        ("A", "60610000", "ATELIER", "", None, "D", "1000.00", "A1", None),
        ("", "44566000", "", "", None, "D", "200.00", "", None),
    ]
    for entry, row in zip(lines, expected, strict=True):
        assert isinstance(entry, tratool.Entry)
        assert (
            entry.line_type,
            entry.account,
            entry.auxiliary,
            entry.payment_method,
            entry.due_date,
            entry.direction,
            entry.amount,
            entry.axis,
            entry.due_number,
        ) == (*row[:6], Decimal(row[6]), *row[7:])
        assert entry.piece_number == 42
        assert entry.exchange_rate == 1
    assert list(tratool.render_lines(lines)) == VECTORS["TV-E2"]
