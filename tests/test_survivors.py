"""Cases no test looked at until a sample of hand-made mutants survived the suite: each test
here fails when one of those mutants is applied (docs/testing.md lists which kills which).
Every expected value is written out here, from the format documentation, never recomputed."""

from __future__ import annotations

import http.server
import io
import json
import threading
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

import tratool
from tratool.conversion import convert
from tratool.conversion.cells import parse_amount
from tratool.errors import DuplicateSubmission
from tratool.loop import LoopClient, LoopSettings
from tratool.submission.journal import SubmissionJournal
from tratool.tra import layout
from tratool.validation import ValidationConfig

from .tra_lines import entry, ete, found, put, run, std, tiers


# -- the reader --------------------------------------------------------------------------------
def test_a_negative_amount_is_read_with_its_sign(std_header_line: str) -> None:
    line = put(std(entry())[1], "amount", "-12,00")
    reader = tratool.read(io.BytesIO(f"{std_header_line}\r\n{line}\r\n".encode("cp1252")))
    [(_, read)] = list(reader.entries())
    assert read.amount == Decimal("-12.00")


def test_a_headerless_222_column_line_is_standard_and_223_is_extended() -> None:
    line = std(entry())[1]
    assert len(line) == 222  # the STD width (tra-format.md)
    [(_, standard)] = list(tratool.read(io.BytesIO(f"{line}\r\n".encode("cp1252"))).entries())
    assert standard.extension is None
    longer = line + "X"  # one column of ETE: a headerless reader guesses ETE from the width
    [(_, wide)] = list(tratool.read(io.BytesIO(f"{longer}\r\n".encode("cp1252"))).entries())
    assert isinstance(wide.extension, tratool.GeneralExtension)


# -- balance: the side, the totals ---------------------------------------------------------------
def test_a_piece_with_the_credit_in_excess_is_unbalanced() -> None:
    report = run(
        std(
            tiers(direction="D", amount=Decimal("1000.00")),
            entry(direction="C", amount=Decimal("1250.00")),
        )
    )
    [x01] = [f for f in report.findings if f.rule == "TRA-X01"]
    assert (x01.line, x01.severity) == (2, "error")
    assert "credit exceeds by 250,00" in x01.message
    assert (report.totals.debit, report.totals.credit) == (Decimal("1000.00"), Decimal("1250.00"))
    assert found(report, "TRA-X03") == [(None, None, "error")]


def test_two_pieces_that_offset_each_other_are_both_unbalanced() -> None:
    report = run(
        std(
            tiers(piece_number=101, direction="D", amount=Decimal("100.00")),
            entry(piece_number=101, direction="C", amount=Decimal("150.00")),
            tiers(piece_number=102, direction="D", amount=Decimal("150.00")),
            entry(piece_number=102, direction="C", amount=Decimal("100.00")),
        )
    )
    x01 = sorted(
        (f.line, f.message.split(": ")[-1]) for f in report.findings if f.rule == "TRA-X01"
    )
    assert x01 == [(2, "credit exceeds by 50,00"), (4, "debit exceeds by 50,00")]
    assert (report.totals.debit, report.totals.credit) == (Decimal("250.00"), Decimal("250.00"))
    assert found(report, "TRA-X03") == []  # the file balances; each pièce does not


def test_debit_and_credit_totals_and_the_side_named() -> None:
    report = run(
        std(
            tiers(direction="D", amount=Decimal("1500.00")),
            entry(direction="C", amount=Decimal("1250.00")),
        )
    )
    assert report.totals.debit == Decimal("1500.00")
    assert report.totals.credit == Decimal("1250.00")
    [x01] = [f for f in report.findings if f.rule == "TRA-X01"]
    assert "debit exceeds by 250,00" in x01.message
    [x03] = [f for f in report.findings if f.rule == "TRA-X03"]
    assert "debit 1500,00, credit 1250,00" in x03.message


def test_an_opening_line_h_stays_out_of_the_balance() -> None:
    """ETE opening kind H (à-nouveau detail) is left out of the pièce balance, as OAN is."""
    lines = ete(
        tiers(direction="D", amount=Decimal("100.00")),
        entry(direction="C", amount=Decimal("100.00")),
        entry(
            account="10100000",
            direction="D",
            amount=Decimal("40.00"),
            extension=tratool.GeneralExtension(opening_kind="H"),
        ),
    )
    report = run(lines)
    assert found(report, "TRA-X01") == []
    assert found(report, "TRA-F21") == []  # H is a valid opening kind
    # the same line as a normal one does unbalance the pièce: the test is not vacuous
    normal = run([*lines[:3], put(lines[3], "opening_kind", "N", layout.ETE_GENERAL)])
    assert found(normal, "TRA-X01") == [(2, "piece_number", "error")]


# -- field rules under their configuration -------------------------------------------------------
def test_a_decimal_point_is_an_error_when_not_accepted() -> None:
    lines = std(tiers(amount=Decimal("100.00")), entry(direction="C"))
    pointed = [lines[0], put(lines[1], "amount", "100.00"), lines[2]]
    assert found(run(pointed), "TRA-F11") == [(2, "amount", "warning")]
    strict = ValidationConfig(accept_decimal_point=False)
    assert found(run(pointed, strict), "TRA-F11") == [(2, "amount", "error")]


@pytest.mark.parametrize(("auxiliary", "refused"), [("CDUPONT", False), ("CDUPONTS", True)])
def test_an_auxiliary_of_exactly_the_configured_length_passes(
    auxiliary: str, refused: bool
) -> None:
    lines = std(tiers(auxiliary=auxiliary), entry(direction="C"))
    report = run(lines, ValidationConfig(auxiliary_length=7))  # CDUPONT has 7 characters
    assert found(report, "TRA-F05") == ([(2, "auxiliary", "error")] if refused else [])


@pytest.mark.parametrize("line_type", ["X", "E", "L"])
def test_tiers_checks_apply_to_e_and_l_lines_too(line_type: str) -> None:
    """Cegid reads E and L as X (TRA-S10): their auxiliary gets the X line checks."""
    lines = std(tiers(line_type=line_type, auxiliary="cdupont"), entry(direction="C"))
    report = run(lines, ValidationConfig(auxiliary_length=7, tiers={}))
    assert [(f.line, f.field) for f in report.findings if f.rule == "TRA-F05"] == [
        (2, "auxiliary"),  # lower case
        (2, "auxiliary"),  # not a known tiers (none are)
    ]
    blank = run(std(tiers(line_type=line_type, auxiliary=""), entry(direction="C")))
    assert found(blank, "TRA-F05") == [(2, "auxiliary", "error")]


# -- the converters ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [("123,456", None), ("12.345", None), ("1234,567", "1234.567"), ("123,45", "123.45")],
)
def test_three_decimals_after_three_digits_are_ambiguous(text: str, expected: str | None) -> None:
    if expected is None:
        with pytest.raises(ValueError, match="ambiguous"):
            parse_amount(text)
    else:
        assert parse_amount(text) == Decimal(expected)


def _convert(tmp_path: Path, header: str, *rows: str) -> list[tuple[str, str, Decimal | None]]:
    source = tmp_path / "in.csv"
    source.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    result = convert(source, tmp_path / "out.tra")
    return [(e.account, e.direction, e.amount) for _, e in tratool.read(result.output).entries()]


def test_a_negative_amount_with_a_direction_column_changes_side(tmp_path: Path) -> None:
    assert _convert(
        tmp_path,
        "Journal;Date;N° pièce;Compte;Libellé;Montant;Sens",
        "OD;25/03/2024;1;51200000;Remise;-99,90;D",
        "OD;25/03/2024;1;70600000;Remise;-99,90;C",
    ) == [("51200000", "C", Decimal("99.90")), ("70600000", "D", Decimal("99.90"))]


def test_a_negative_debit_or_credit_column_changes_side(tmp_path: Path) -> None:
    assert _convert(
        tmp_path,
        "Journal;Date;N° pièce;Compte;Libellé;Débit;Crédit",
        "OD;25/03/2024;1;51200000;Avoir;-40,00;",
        "OD;25/03/2024;1;70600000;Avoir;;-40,00",
    ) == [("51200000", "C", Decimal("40.00")), ("70600000", "D", Decimal("40.00"))]


# -- Loop: the route on the wire -----------------------------------------------------------------
class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: list[tuple[str, str, dict[str, str]]]

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.seen.append(("POST", self.path, body))
        answer = b'{"accountingImportRequestId": "req-1"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass


@pytest.fixture
def recorder() -> Iterator[tuple[str, list[tuple[str, str, dict[str, str]]]]]:
    """A real HTTP server that records each request: the project's simulator shares the
    client's route settings, so only an outside listener can see the spelling on the wire."""
    seen: list[tuple[str, str, dict[str, str]]] = []
    handler = type("Handler", (_Recorder,), {"seen": seen})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/loop-api-publiques/", seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_the_import_request_uses_the_seed_spelling_import_tra(
    recorder: tuple[str, list[tuple[str, str, dict[str, str]]]],
) -> None:
    base_url, seen = recorder
    client = LoopClient(LoopSettings(base_url=base_url), subscription_key="s", api_key="a")
    url = "https://example.blob.core.windows.net/c/f.tra?sig=x"
    assert client.import_tra("DOSSIER1", url=url) == "req-1"
    [(method, path, body)] = seen
    # the Cegid guide (seed 003): POST https://…/loop-api-publiques/importTra
    assert (method, path) == ("POST", "/loop-api-publiques/importTra")
    assert body["URL"] == url


# -- the journal -------------------------------------------------------------------------------
def test_a_succeeded_submission_after_a_rejected_one_blocks_a_third(tmp_path: Path) -> None:
    with SubmissionJournal(tmp_path / "journal.sqlite") as journal:
        for state in ("rejected", "succeeded"):
            journal.check("k", force=False)
            row = journal.record_upload(
                key="k",
                sha256="0" * 64,
                dossier="D1",
                endpoint="e",
                file="f.tra",
                size=1,
                blob_url="u",
                forced=False,
            )
            journal.set_state(row, state)
        with pytest.raises(DuplicateSubmission):
            journal.check("k", force=False)
        assert [s.state for s in journal.history()] == ["succeeded", "rejected"]


def test_a_journal_that_cannot_be_opened_says_sqlite_s_reason(tmp_path: Path) -> None:
    # SQLite's own words for a folder and for a file that is not a database.
    with pytest.raises(tratool.UnreadableInput) as folder:
        SubmissionJournal(tmp_path)
    assert str(folder.value.reason) == "cannot open the journal: unable to open database file"
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not an SQLite file " * 100)
    with pytest.raises(tratool.UnreadableInput) as not_sqlite:
        SubmissionJournal(junk)
    assert str(not_sqlite.value.reason) == (
        "not a tratool submission journal (an SQLite file): file is not a database"
    )
