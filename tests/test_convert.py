"""Converters: CSV / FEC to TRA, TRA to FEC, with errors located by row and column."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import tratool
from tests.conftest import FIXTURES
from tratool.cli import main
from tratool.conversion import convert
from tratool.conversion.cells import detect_date_format, parse_amount
from tratool.conversion.fec import COLUMNS
from tratool.errors import ConfigError, ConversionError, ConversionRejected
from tratool.validation import ValidationConfig
from tratool.validation.findings import Report

CSV = FIXTURES / "ventes-excel.csv"
MAPPING = FIXTURES / "ventes-mapping.toml"
FEC = FIXTURES / "123456789FEC20241231.txt"
# The example dossier also invoices in US dollars (as fixtures/tratool.toml says).
DOSSIER = ValidationConfig(currencies={"EUR": 2, "USD": 2})
HEADER = "Journal;Date;Compte;Tiers;Libellé;Montant;Sens"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 234,56", "1234.56"),
        ("1\u00a0234,56", "1234.56"),
        ("1\u202f234,56", "1234.56"),
        ("1.234,56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("1'234.56", "1234.56"),
        ("1234.5", "1234.5"),
        ("-12,00", "-12.00"),
        ("(12,00)", "-12.00"),
        ("12,00-", "-12.00"),
        ("1.234.567,89", "1234567.89"),
        ("0,5", "0.5"),
        ("1 234", "1234"),
        ("12 €", "12"),
    ],
)
def test_amounts_as_french_users_type_them(text: str, expected: str) -> None:
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("12,3,4", "not an amount"),
        ("abc", "not an amount"),
        ("1,234", "ambiguous"),
        ("1.234", "ambiguous"),
    ],
)
def test_bad_amounts_are_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_amount(text)


def test_date_formats_are_deduced_never_guessed() -> None:
    assert detect_date_format(["2024-03-04", "2024-12-31"]) == "%Y-%m-%d"
    assert detect_date_format(["20240304"]) == "%Y%m%d"
    assert detect_date_format(["03/04/2024", "13/04/2024"]) == "%d/%m/%Y"
    assert detect_date_format(["04/13/2024", "03/04/2024"]) == "%m/%d/%Y"
    with pytest.raises(ValueError, match="--date-format"):
        detect_date_format(["03/04/2024", "05/06/2024"])


# -- CSV -----------------------------------------------------------------------------------------
def test_excel_csv_converts_to_a_clean_tra(tmp_path: Path) -> None:
    before = hashlib.sha256(CSV.read_bytes()).hexdigest()
    result = convert(CSV, tmp_path / "ventes.tra", mapping=MAPPING)
    assert hashlib.sha256(CSV.read_bytes()).hexdigest() == before  # input untouched
    assert result.report.errors == 0
    assert result.report.warnings == 0
    assert (result.report.totals.debit, result.report.totals.credit) == (
        result.debit_in,
        result.credit_in,
    )
    assert result.debit_in == Decimal("3334.56")
    entries = [e for _, e in tratool.read(tmp_path / "ventes.tra").entries()]
    first, lefevre = entries[0], entries[3]
    assert (first.journal, first.date, first.piece_type, first.piece_number) == (
        "VTE",
        dt.date(2024, 3, 4),
        "FC",
        101,
    )
    assert (first.account, first.line_type, first.auxiliary, first.direction) == (
        "41100000",
        "X",
        "CDUPONT",
        "D",
    )
    assert lefevre.label == "Facture Lefèvre – prestation"
    assert lefevre.amount == Decimal("1234.56")
    assert entries[6].label == "Facture Martin; acompte"  # a quoted delimiter


def test_the_usual_headers_need_no_mapping(tmp_path: Path) -> None:
    result = convert(CSV, tmp_path / "guessed.tra")
    assert result.report.errors == 0
    assert result.report.totals.pieces == 3


def write_csv(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


def test_errors_point_at_row_and_column(tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "ventes.csv",
        [
            HEADER,
            "VTE;14/03/2024;41100000;CDUPONT;Facture;120,00;D",
            "VTE;14/03/2024;70600000;;Facture;12,3,4;C",
            "VTE;14/03/2024;70600000;;Facture;100,00;X",
        ],
    )
    with pytest.raises(ConversionError) as caught:
        convert(source, tmp_path / "out.tra")
    message = str(caught.value)
    assert f"{source}:3: column \"Montant\": '12,3,4' is not an amount" in message
    assert f"{source}:4: column \"Sens\": 'X' is not a direction" in message
    assert not (tmp_path / "out.tra").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ventes.csv"]


def test_ambiguous_dates_stop_and_ask(tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "d.csv",
        [HEADER, "VTE;03/04/2024;41100000;C1;F;10,00;D", "VTE;03/04/2024;70600000;;F;10,00;C"],
    )
    with pytest.raises(ConversionError, match="--date-format"):
        convert(source, tmp_path / "out.tra")
    result = convert(source, tmp_path / "out.tra", date_format_spec="MM/JJ/AAAA")
    [entry, _] = [e for _, e in tratool.read(result.output).entries()]
    assert entry.date == dt.date(2024, 3, 4)


def test_long_labels_and_bad_characters(tmp_path: Path) -> None:
    long_label = "Facture de prestations de conseil du mois de mars"
    source = write_csv(
        tmp_path / "l.csv",
        [
            HEADER,
            f"VTE;14/03/2024;41100000;C1;{long_label};10,00;D",
            'VTE;14/03/2024;70600000;;"Łódź\tdélégation ☕";10,00;C',
        ],
    )
    with pytest.raises(ConversionError) as caught:
        convert(source, tmp_path / "out.tra")
    text = str(caught.value)
    assert f"{source}:2: column \"Libellé\": '{long_label}' is {len(long_label)} characters" in text
    assert f'{source}:3: column "Libellé":' in text
    assert "'\\t'" in text
    assert "--transliterate" in text
    with pytest.raises(ConversionError, match="☕"):  # no neighbour for a coffee cup
        convert(source, tmp_path / "out.tra", transliterate=True, truncate_labels=True)
    fixed = write_csv(
        tmp_path / "f.csv",
        [
            HEADER,
            f"VTE;14/03/2024;41100000;C1;{long_label};10,00;D",
            'VTE;14/03/2024;70600000;;"Łódź\tdélégation";10,00;C',
        ],
    )
    result = convert(fixed, tmp_path / "out.tra", transliterate=True, truncate_labels=True)
    labels = [e.label for _, e in tratool.read(result.output).entries()]
    assert labels == [long_label[:35].rstrip(), "Lódz délégation"]  # ó is Windows-1252
    assert [c.row for c in result.changes] == [2, 3]


def test_validation_errors_write_nothing_unless_forced(tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "u.csv",
        [
            HEADER,
            "VTE;14/03/2024;41100000;C1;Facture;120,00;D",
            "VTE;14/03/2024;70600000;;Facture;100,00;C",
        ],
    )
    target = tmp_path / "out.tra"
    with pytest.raises(ConversionRejected) as caught:
        convert(source, target)
    report = caught.value.report
    assert isinstance(report, Report)
    # 120,00 debit against 100,00 credit: the pièce (line 2 onward) and the file are 20,00 off.
    errors = {(f.rule, f.line) for f in report.findings if f.severity == "error"}
    assert errors == {("TRA-X01", 2), ("TRA-X03", None)}
    assert "debit exceeds by 20,00" in str([f.message for f in report.findings])
    assert not target.exists()
    result = convert(source, target, force=True)
    assert result.report.errors == 2
    assert target.exists()


def test_auxiliary_on_a_non_collective_account(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "a.csv", [HEADER, "VTE;14/03/2024;70600000;C1;Facture;10,00;C"])
    with pytest.raises(ConversionError, match=r'a.csv:2: column "Tiers".*collective'):
        convert(source, tmp_path / "out.tra")


def test_windows_1252_csv_with_commas_and_points(tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "w.csv",
        [
            "Journal,Date,Compte,Libellé,Débit,Crédit",
            "OD,2024-03-04,60610000,Achat matériel,1234.50,",
            "OD,2024-03-04,51200000,Achat matériel,,1234.50",
        ],
        encoding="cp1252",
    )
    result = convert(source, tmp_path / "out.tra")
    assert result.report.errors == 0
    assert [e.label for _, e in tratool.read(result.output).entries()] == ["Achat matériel"] * 2


def test_mapping_with_amount_and_sense_columns(tmp_path: Path) -> None:
    mapping = tmp_path / "m.toml"
    mapping.write_text(
        '[columns]\ndate = "Jour"\naccount = "Cpt"\nlabel = "Texte"\namount = "Valeur"\n'
        'direction = "S"\n[constants]\njournal = "BQ"\npiece_type = "RC"\n'
        '[options]\ndate_format = "%d.%m.%Y"\ngroup_by = ["date"]\nfirst_number = 500\n',
        encoding="utf-8",
    )
    source = write_csv(
        tmp_path / "b.csv",
        [
            "Jour|Cpt|Texte|Valeur|S",
            "05.03.2024|51200000|Remise|99,90|Débit",
            "05.03.2024|70600000|Remise|99,90|Crédit",
        ],
    )
    result = convert(source, tmp_path / "out.tra", mapping=mapping)
    entries = [e for _, e in tratool.read(result.output).entries()]
    assert [(e.journal, e.piece_type, e.piece_number, e.direction) for e in entries] == [
        ("BQ", "RC", 500, "D"),
        ("BQ", "RC", 500, "C"),
    ]


def test_mapping_mistakes_are_config_errors(tmp_path: Path) -> None:
    mapping = tmp_path / "m.toml"
    mapping.write_text('[columns]\nmontant = "Montant"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"unknown field\(s\) \['montant'\]"):
        convert(CSV, tmp_path / "out.tra", mapping=mapping)
    mapping.write_text('[columns]\ndate = "Jour"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"column\(s\) \['Jour'\] are not in the file"):
        convert(CSV, tmp_path / "out.tra", mapping=mapping)


def test_input_and_output_must_differ(tmp_path: Path) -> None:
    copy = tmp_path / "same.csv"
    shutil.copy(CSV, copy)
    with pytest.raises(tratool.TraError, match="is the input file"):
        convert(copy, copy)


# -- FEC -----------------------------------------------------------------------------------------
def fec_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text), delimiter="\t"))


def test_fec_to_tra_to_fec_keeps_amounts_accounts_auxiliaries_dates_labels(
    tmp_path: Path,
) -> None:
    result = convert(FEC, tmp_path / "fec.tra", config=DOSSIER)
    assert result.source_format == "fec"
    assert result.report.errors == 0
    assert result.report.totals.debit == result.debit_in == Decimal("3580.00")
    code, out, _ = run("export", str(tmp_path / "fec.tra"), "--to", "fec")
    assert code == 0
    assert out.splitlines()[0].split("\t") == list(COLUMNS)
    kept = (
        "JournalCode",
        "EcritureDate",
        "CompteNum",
        "CompAuxNum",
        "PieceRef",
        "EcritureLib",
        "Debit",
        "Credit",
        "Montantdevise",
        "Idevise",
    )
    original = fec_rows(FEC.read_text(encoding="cp1252"))
    again = fec_rows(out.replace("\r\n", "\n"))
    assert [{k: r[k] for k in kept} for r in again] == [{k: r[k] for k in kept} for r in original]


def test_fec_foreign_currency_line(tmp_path: Path) -> None:
    result = convert(FEC, tmp_path / "fec.tra", config=DOSSIER)
    usd = [e for _, e in tratool.read(result.output).entries() if e.currency == "USD"]
    assert [(e.amount, e.amount2, e.amount_code, e.exchange_rate) for e in usd] == [
        (Decimal("1085.00"), Decimal("1000.00"), "DE-", Decimal("1.0850000"))
    ] * 2


# -- round trip property ---------------------------------------------------------------------------
LABELS = (
    st.text(
        st.sampled_from("abcdefghijklmnopqrstuvwxyzéèàçÉ ’“”-'0123456789;\""),
        min_size=1,
        max_size=35,
    )
    .map(str.strip)
    .filter(bool)
)


@given(
    st.lists(
        st.tuples(
            LABELS, st.integers(1, 10**9), st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31))
        ),
        min_size=1,
        max_size=6,
    )
)
def test_csv_rows_come_back_with_the_same_values(rows: list[tuple[str, int, dt.date]]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "gen.csv"
        with source.open("w", encoding="utf-8", newline="") as handle:
            out = csv.writer(handle, delimiter=";")
            out.writerow(["Journal", "Date", "Compte", "Libellé", "Débit", "Crédit"])
            for label, cents, day in rows:
                amount = f"{Decimal(cents).scaleb(-2):,.2f}".replace(",", " ").replace(".", ",")
                out.writerow(["OD", day.strftime("%Y-%m-%d"), "60610000", label, amount, ""])
                out.writerow(["OD", day.strftime("%Y-%m-%d"), "51200000", label, "", amount])
        result = convert(source, Path(folder) / "gen.tra", force=True)
        entries = [e for _, e in tratool.read(result.output).entries()]
    expected = [
        (label, Decimal(cents).scaleb(-2), day) for label, cents, day in rows for _ in (0, 1)
    ]
    assert [(e.label, e.amount, e.date) for e in entries] == expected


# -- command line ----------------------------------------------------------------------------------
def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_cli_convert(tmp_path: Path) -> None:
    target = tmp_path / "v.tra"
    code, out, _ = run("convert", str(CSV), "-o", str(target), "--mapping", str(MAPPING))
    assert code == 0
    assert "debit   3 334,56 (source 3 334,56)" in out
    assert tratool.validate(target).ok
    bad = write_csv(tmp_path / "bad.csv", [HEADER, "VTE;14/03/2024;411;C1;F;1,2,3;D"])
    code, _, err = run("convert", str(bad), "-o", str(tmp_path / "x.tra"))
    assert code == 1
    assert 'column "Montant"' in err
    code, _, err = run(
        "convert",
        str(CSV),
        "-o",
        str(tmp_path / "x.tra"),
        "--mapping",
        str(tmp_path / "missing.toml"),
    )
    assert code == 2


def test_docs_examples_are_valid_mappings(tmp_path: Path) -> None:
    import re

    from tests.conftest import ROOT
    from tratool.conversion import Mapping

    doc = (ROOT / "docs" / "convert.md").read_text(encoding="utf-8")
    examples = re.findall(r"```toml\n(.*?)```", doc, re.S)
    assert len(examples) >= 2
    for index, example in enumerate(examples):
        path = tmp_path / f"m{index}.toml"
        path.write_text(example, encoding="utf-8")
        assert Mapping.load(path).columns
